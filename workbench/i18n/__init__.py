"""Languages of the workbench: Russian (the client's) and English, through Flask-Babel.

Every user-facing string goes through `gettext`/`lazy_gettext` (Python) or `_()` (templates);
the catalogues live in `workbench/translations/<lang>/LC_MESSAGES/messages.po`.
"""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
SESSION_KEY = "lang"

babel = Babel()


def select_locale() -> str:
    """The language of this request: the one the user chose, else the browser's, else the
    default (BABEL_DEFAULT_LOCALE: Russian, the client's language; the tests pin English)."""
    if not has_request_context():  # the CLI: no session, no browser to ask
        return str(current_app.config.get("BABEL_DEFAULT_LOCALE") or DEFAULT_LANGUAGE)
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    default = current_app.config.get("BABEL_DEFAULT_LOCALE") or DEFAULT_LANGUAGE
    return request.accept_languages.best_match(LANGUAGES) or str(default)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel to `app` with the workbench's own catalogues and locale choice."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
