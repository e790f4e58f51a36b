"""Error pages for people, problem+json for the API (RFC 9457)."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from loyalty_core.api.problems import from_http_exception


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | Response:
        if request.path.startswith("/api/"):
            return from_http_exception(error)
        return render_template("error.html", error=error), error.code or 500
