"""Text input is checked and normalised before any view sees it.

Line endings: a browser sends a textarea's line breaks as CRLF (the HTML standard says so), so
interview notes typed in a browser were stored with "\r\n" and lost their paragraphs where a
page splits on a blank line ("\n\n"). Every form field's CR LF and lone CR become LF here, in
one place, for every form of every page (and so for every service behind it).

NUL characters: the database cannot store them.

PostgreSQL refuses a NUL character in text ("A string literal cannot contain NUL"), so a NUL in
a sign-in name, a search box or any form field used to end in a 500 there, while SQLite stored
it. No one types a NUL, so every workbench page answers 400 naming the field instead. The POS
API (/api/) checks its JSON bodies itself and is left alone here; uploaded files' contents are
their parsers' business, and file names are cleaned by workbench.uploads.
"""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict

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


def normalise_line_endings(text: str) -> str:
    """CR LF and lone CR as LF: the one line ending stored."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise_form_line_endings() -> None:
    """Before every page's view: the posted form's values with LF line endings only."""
    if is_api_request() or request.method not in ("POST", "PUT", "PATCH"):
        return
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return
    form = request.form
    if not any("\r" in value for _name, value in form.items(multi=True)):
        return
    items = [(name, normalise_line_endings(value)) for name, value in form.items(multi=True)]
    request.form = ImmutableMultiDict(items)  # type: ignore[misc]  # werkzeug caches form; replace it


def init_text_input(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.before_request(normalise_form_line_endings)
