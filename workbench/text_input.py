"""Text input the database cannot store is refused before any view sees it.

PostgreSQL refuses a NUL character in text ("A string literal cannot contain NUL"), so a NUL in
a sign-in name, a search box or any form field used to end in a 500 there, while SQLite stored
it. No one types a NUL, so every workbench page answers 400 naming the field instead. The POS
API (/api/) checks its JSON bodies itself and is left alone here; uploaded files' contents are
their parsers' business, and file names are cleaned by workbench.uploads.
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _

from workbench.errors import is_api_request

NUL = "\x00"


def _field_with_nul() -> str | None:
    """The name of the first URL part, query or form field whose name or value holds a NUL."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and NUL in value:
            return name
    sources = [request.args]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sources.append(request.form)
    for source in sources:
        for name, value in source.items(multi=True):
            if NUL in name or NUL in value:
                return name.replace(NUL, "\\0")
    return None


def refuse_nul_characters() -> None:
    """Before every page's view: a 400 naming the field when its text holds a NUL."""
    if is_api_request():
        return
    field = _field_with_nul()
    if field is not None:
        abort(
            400,
            description=_(
                "The field %(field)s contains a NUL character (\\0), which no text may hold; "
                "remove it and send the form again.",
                field=field,
            ),
        )


def init_text_input(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
