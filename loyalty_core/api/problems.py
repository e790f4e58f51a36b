"""RFC 9457 problem documents for everything the POS API refuses."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from werkzeug.exceptions import HTTPException

from loyalty_core.errors import LoyaltyError, TooManyRequests

PROBLEM_JSON = "application/problem+json"


def problem_response(problem: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    response = Response(
        json.dumps(problem, ensure_ascii=False), status=problem["status"], mimetype=PROBLEM_JSON
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_loyalty_error(error: LoyaltyError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="pos"'} if error.status == 401 else {}
    if isinstance(error, TooManyRequests):
        headers["Retry-After"] = str(error.retry_after)
    return problem_response(error.to_problem(), headers)


def from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    detail = error.description or error.name
    if status == 413:
        detail = "the request body is larger than the API accepts"
    # Keep what the exception says in headers (a 405's Allow, RFC 9110), not its HTML type.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return problem_response(
        {
            "type": f"https://loyalty.example/problems/http-{status}",
            "title": error.name,
            "status": status,
            "detail": detail,
        },
        headers,
    )


def internal_error() -> Response:
    return problem_response(
        {
            "type": "https://loyalty.example/problems/internal",
            "title": "Internal Server Error",
            "status": 500,
            "detail": "the server failed to process the request; nothing was applied",
        }
    )
