"""gunicorn's request limits, kept by the POS app itself whatever server runs it.

gunicorn refuses a request line over 4,094 bytes (414), a header line over 8,190 bytes or more
than 100 header fields (431) before any application code runs (answered as problem+json by
api.gunicorn_conf). granian, the POS's default server, passes such requests on to the app, so
the app refuses them the same way: a till gets the same answer from either server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from loyalty_core.api.problems import problem_response

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

MAX_REQUEST_LINE = 4094
MAX_HEADER_LINE = 8190
MAX_HEADER_FIELDS = 100
TITLES = {414: "URI Too Long", 431: "Request Header Fields Too Large"}  # gunicorn's, RFC 9110's


class RequestLimits:
    """WSGI middleware: 414 or 431 as problem+json for requests past gunicorn's limits."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        refusal = _refusal(environ)
        if refusal is None:
            return self.app(environ, start_response)
        status, detail = refusal
        problem = {
            "type": f"https://loyalty.example/problems/http-{status}",
            "title": TITLES[status],
            "status": status,
            "detail": detail,
        }
        return problem_response(problem)(environ, start_response)


def _refusal(environ: dict[str, Any]) -> tuple[int, str] | None:
    query = environ.get("QUERY_STRING") or ""
    target = len(environ.get("PATH_INFO") or "") + (len(query) + 1 if query else 0)
    line = len(environ.get("REQUEST_METHOD") or "") + target + len(environ.get("SERVER_PROTOCOL") or "") + 2
    if line > MAX_REQUEST_LINE:
        return 414, f"the request line is {line} bytes; the limit is {MAX_REQUEST_LINE}"
    fields = 0
    for name, value in environ.items():
        if name.startswith("HTTP_") or (name in ("CONTENT_TYPE", "CONTENT_LENGTH") and value):
            fields += 1
            size = len(name.removeprefix("HTTP_")) + 2 + len(str(value))
            if size > MAX_HEADER_LINE:
                header = name.removeprefix("HTTP_").replace("_", "-").title()
                return 431, f"the header {header} is {size} bytes; the limit is {MAX_HEADER_LINE}"
    if fields > MAX_HEADER_FIELDS:
        return 431, f"the request has {fields} header fields; the limit is {MAX_HEADER_FIELDS}"
    return None
