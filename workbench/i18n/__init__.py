"""Languages of the workbench: Russian (the client's) and English, through Flask-Babel.

Every user-facing string goes through `gettext`/`lazy_gettext` (Python) or `_()` (templates);
the catalogues live in `workbench/translations/<lang>/LC_MESSAGES/messages.po` and are compiled
into the instance folder when the app starts (see `catalogues`). `make translations` extracts
new strings and updates the catalogues.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_login import current_user

from workbench.i18n.catalogues import compile_catalogues
from workbench.settings import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "current_language", "init_i18n", "select_locale"]

SESSION_KEY = "lang"
# Each language named in itself: a reader who does not know the current one still finds theirs.
LANGUAGE_NAMES = {"ru": "Русский", "en": "English"}

babel = Babel()


def select_locale() -> str:
    """The language of this request, in order: the signed-in user's saved choice, the choice
    made in this session (anonymous visitors on the sign-in page), the browser's
    Accept-Language, BABEL_DEFAULT_LOCALE (Russian, the client's language; tests pin English)."""
    default = str(current_app.config.get("BABEL_DEFAULT_LOCALE") or DEFAULT_LANGUAGE)
    if not has_request_context():
        return default  # the CLI: English/Russian by --lang (force_locale), else the default
    saved = getattr(current_user, "language", None) if current_user else None
    if saved in LANGUAGES:
        return str(saved)
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or default


def current_language() -> str:
    """The language code ("ru" or "en") pages are rendered in now."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def _template_globals() -> dict[str, Any]:
    return {"current_language": current_language(), "language_names": LANGUAGE_NAMES}


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel to `app` with the workbench's compiled catalogues and locale choice,
    and register the language switch."""
    from workbench.i18n.views import bp

    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    compiled = compile_catalogues(Path(app.instance_path) / "translations")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(compiled))
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(_template_globals)
    app.register_blueprint(bp)
