"""Errors: JSON problem documents (RFC 9457) under /api/, HTML pages everywhere else."""

from __future__ import annotations

import pytest
from flask import Flask, abort, request
from flask.testing import FlaskClient

PROBLEM = "application/problem+json"


@pytest.fixture
def api_app(app: Flask) -> Flask:
    """The app with a few throw-away routes that fail on demand."""

    @app.route("/api/test/echo", methods=["POST"])
    def echo() -> dict[str, int]:
        return {"bytes": len(request.get_data())}

    @app.get("/api/test/fail/<int:status>")
    def api_fail(status: int) -> str:
        abort(status)

    @app.get("/api/test/crash")
    def api_crash() -> str:
        raise RuntimeError("boom")

    @app.get("/test/crash")
    def page_crash() -> str:
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer crashes as production does
    return app


def _problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.mimetype == PROBLEM, response.get_data(as_text=True)
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and "type" in body and "detail" in body
    return body


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_api_errors_are_problem_documents(api_app: Flask, status: int) -> None:
    _problem(api_app.test_client().get(f"/api/test/fail/{status}"), status)


def test_unknown_api_routes_and_wrong_methods(api_app: Flask) -> None:
    client = api_app.test_client()
    _problem(client.get("/api/nothing/here"), 404)
    wrong = client.get("/api/test/echo")
    _problem(wrong, 405)
    assert "POST" in wrong.headers["Allow"]


def test_a_too_large_api_body_is_a_413_problem(api_app: Flask) -> None:
    api_app.config["MAX_CONTENT_LENGTH"] = 100
    body = _problem(api_app.test_client().post("/api/test/echo", data=b"x" * 1000), 413)
    assert "larger" in body["detail"]


def test_an_api_crash_is_a_500_problem_that_leaks_nothing(api_app: Flask) -> None:
    body = _problem(api_app.test_client().get("/api/test/crash"), 500)
    assert "boom" not in str(body) and "nothing was applied" in body["detail"]


def test_pages_get_html_error_pages(api_app: Flask, client: FlaskClient) -> None:
    client.post("/login", data={"username": "admin", "password": "correct-horse-9"})
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "There is no such page" in missing.get_data(as_text=True)
    crash = client.get("/test/crash")
    assert (
        crash.status_code == 500
        and crash.mimetype == "text/html"
        and "boom" not in crash.get_data(as_text=True)
    )


def test_the_pos_api_is_mounted(app: Flask) -> None:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.")
