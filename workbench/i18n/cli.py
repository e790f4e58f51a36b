"""`--lang ru|en` for the commands that write documents: a document's language is chosen when
it is exported, independently of the language the command talks to its user in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from flask import current_app
from flask_babel import force_locale

from workbench.i18n import DEFAULT_LANGUAGE, LANGUAGES

F = TypeVar("F", bound=Callable[..., Any])


def language_option(command: F) -> F:
    """Add `--lang ru|en` to a click command; it receives the choice as `lang` (None: default)."""
    return click.option(
        "--lang",
        "lang",
        type=click.Choice(LANGUAGES),
        default=None,
        help="Language of the document (default: DEFAULT_LANGUAGE, ru).",
    )(command)


@contextmanager
def document_language(lang: str | None) -> Iterator[str]:
    """Build a document inside this block: every gettext call in it answers in `lang` (or the
    app's default language); yields the language used."""
    language = lang or str(current_app.config.get("BABEL_DEFAULT_LOCALE") or DEFAULT_LANGUAGE)
    with force_locale(language):
        yield language
