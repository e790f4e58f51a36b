"""Error answers: HTML pages for people, RFC 9457 problem documents for anything under /api/.

A browser that hits a wrong link should see a page with a way back; a program calling a JSON
endpoint should get JSON it can parse, never an HTML page.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from jinja2 import Template
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from workbench.i18n.markers import N_
from workbench.uploads import limit_description

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"
# The same type URIs as the core's POS API, so a client of /api/v1 sees one vocabulary whether
# the core's blueprint or this app-level handler answered (unknown routes, wrong methods).
PROBLEM_TYPE_BASE = "https://loyalty.example/problems/"

_DETAILS = {
    401: "sign in first",
    403: "your role does not allow this",
    413: "the request body is larger than the server accepts",
    500: "the server failed to process the request; nothing was applied",
}


# Werkzeug's names of the statuses people meet, as msgids: an error page shows them translated.
PAGE_TITLES = (
    N_("Bad Request"),
    N_("Unauthorized"),
    N_("Forbidden"),
    N_("Not Found"),
    N_("Method Not Allowed"),
    N_("Request Entity Too Large"),
    N_("Internal Server Error"),
)


def is_api_request() -> bool:
    """True when the current request is for a JSON endpoint (its path starts with /api/)."""
    return request.path.startswith(API_PREFIX)


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    """An `application/problem+json` response (RFC 9457) with the given status."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_BASE}http-{status}",
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or _DETAILS.get(status, ""),
        **extensions,
    }
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_error(error: HTTPException) -> tuple[str, int] | Response:
    """Every HTTP error (and, as a 500, every unhandled exception) of the app."""
    status = error.code or 500
    limit = limit_description() if status == 413 else ""
    if is_api_request():
        # Werkzeug's texts for 413 and 500 are written for browsers; ours say what happened.
        detail = _DETAILS[status] if status in (413, 500) else error.description
        detail = f"{detail}. {limit}" if limit else detail
        valid_methods = getattr(error, "valid_methods", None)  # a 405 names what is allowed
        headers = {"Allow": ", ".join(valid_methods)} if status == 405 and valid_methods else None
        return problem_response(status, detail, title=error.name, headers=headers)
    templates: list[str | Template] = [f"errors/{status}.html", "errors/error.html"]
    if isinstance(error, CSRFError):
        templates.insert(0, "errors/csrf.html")  # say it was the form's token, in the reader's language
    return render_template(templates, error=error, status=status, limit=limit), status


def register_error_handlers(app: Flask) -> None:
    """Route every HTTP error of `app` through `handle_http_error`.

    Flask wraps an unhandled exception in InternalServerError and looks its handler up by class,
    so this one handler also answers crashes (when exceptions are not propagated, i.e. not in
    tests).
    """
    app.register_error_handler(HTTPException, handle_http_error)
