"""The till lane (api.lane): warm purchases and quotes skip Flask and answer exactly as it would.

On PostgreSQL, once a store's key is known to the process, its purchases and quotes are
answered by the lane in front of the Flask app; the first request of a key, every refusal and
everything unusual still goes through Flask. Flask's `before_request` counts what reaches it.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import request
from werkzeug.test import EnvironBuilder, run_wsgi_app

from ..conftest import Core

API = "/api/v1"
pytestmark = pytest.mark.parametrize("engine", ["postgres"], indirect=True)

BASKET = [
    {"sku": "MILK", "category": "dairy", "quantity": "2", "amount": "240.00"},
    {"sku": "BREAD", "category": "bakery", "quantity": "1", "amount": "1100.50"},
]


def _flask_requests(core: Core) -> list[str]:
    seen: list[str] = []
    core.app.before_request(lambda: seen.append(f"{request.method} {request.path}"))
    return seen


def _enrol(core: Core, phone: str) -> str:
    answer = core.client.post(f"{API}/members", json={"phone": phone}, headers=core.headers())
    assert answer.status_code == 201, answer.get_json()
    return str(answer.get_json()["id"])


def _buy(core: Core, member_id: str, idem: str, **extra: Any) -> Any:
    body = {"member_id": member_id, "lines": BASKET, **extra}
    return core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem=idem))


def _without_ids(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("id", "member_id", "created_at")}


def test_a_warm_purchase_skips_flask_and_gives_flasks_answer(core: Core) -> None:
    seen = _flask_requests(core)
    first, second = _enrol(core, "+79165550101"), _enrol(core, "+79165550102")
    assert _buy(core, first, "warm-up-1").status_code == 201  # the key's first commit: Flask
    assert seen[-1] == "POST /api/v1/purchases"
    reached_flask = len(seen)
    assert _buy(core, second, "warm-up-2").status_code == 201  # the lane's: the key is known
    assert len(seen) == reached_flask

    core.app.extensions["till_lane"].on = False  # the lane off: Flask answers
    by_flask = _buy(core, first, "k-flask", redeem_points=10)
    core.app.extensions["till_lane"].on = True
    by_lane = _buy(core, second, "k-lane", redeem_points=10)
    # Both members had the same history (one purchase) when they bought the same basket.
    assert len(seen) == reached_flask + 1
    assert (
        (by_lane.status_code, by_lane.mimetype)
        == (by_flask.status_code, by_flask.mimetype)
        == (
            201,
            "application/json",
        )
    )
    assert by_lane.headers["Idempotent-Replayed"] == by_flask.headers["Idempotent-Replayed"] == "false"
    assert _without_ids(by_lane.get_json()) == _without_ids(by_flask.get_json())
    assert by_lane.get_json()["member_id"] == second

    replayed = _buy(core, second, "k-lane", redeem_points=10)
    assert (replayed.status_code, replayed.headers["Idempotent-Replayed"]) == (201, "true")
    assert replayed.get_json() == by_lane.get_json()
    assert len(seen) == reached_flask + 1  # the replay came from the lane too


def test_a_warm_quote_skips_flask_and_gives_flasks_answer(core: Core) -> None:
    seen = _flask_requests(core)
    member = _enrol(core, "+79165550103")
    assert _buy(core, member, "warm-up").status_code == 201
    body = {"member_id": member, "lines": BASKET, "redeem_points": 10}
    reached_flask = len(seen)
    by_lane = core.client.post(f"{API}/purchases/quote", json=body, headers=core.headers())
    assert len(seen) == reached_flask
    core.app.extensions["till_lane"].on = False
    by_flask = core.client.post(f"{API}/purchases/quote", json=body, headers=core.headers())
    assert len(seen) == reached_flask + 1
    assert (by_lane.status_code, by_lane.mimetype) == (200, "application/json")
    assert by_lane.get_json() == by_flask.get_json()


def test_refusals_on_a_warm_key_are_flasks_problem_documents(core: Core) -> None:
    seen = _flask_requests(core)
    member = _enrol(core, "+79165550104")
    assert _buy(core, member, "k-1").status_code == 201
    reached_flask = len(seen)

    other_body = _buy(core, member, "k-1", redeem_points=10)
    assert other_body.status_code == 409
    assert other_body.get_json()["field"] == "Idempotency-Key"
    unknown = _buy(core, "00000000-0000-7000-8000-000000000000", "k-2")
    assert (unknown.status_code, unknown.get_json()["field"]) == (404, "member_id")
    malformed = _buy(core, member, "k-3", redeem_points=-1)
    assert (malformed.status_code, malformed.get_json()["field"]) == (400, "redeem_points")
    no_key = core.client.post(
        f"{API}/purchases", json={"member_id": member, "lines": BASKET}, headers=core.headers()
    )
    assert (no_key.status_code, no_key.get_json()["field"]) == (400, "Idempotency-Key")
    late = _buy(core, member, "k-4", occurred_at="2026-03-02T12:00:00+03:00")
    assert (late.status_code, late.get_json()["field"]) == (422, "occurred_at")  # no offline: section
    for answer in (other_body, unknown, malformed, no_key, late):
        assert answer.mimetype == "application/problem+json"
    assert len(seen) == reached_flask + 5  # every one of them was Flask's to answer


def test_bodies_the_lane_does_not_read_reach_flask_whole(core: Core) -> None:
    seen = _flask_requests(core)
    member = _enrol(core, "+79165550105")
    assert _buy(core, member, "k-1").status_code == 201
    reached_flask = len(seen)
    body = json.dumps({"member_id": member, "lines": BASKET}).encode()
    headers = core.headers(idem="k-2")

    as_text = core.client.post(f"{API}/purchases", data=body, headers=headers, content_type="text/plain")
    assert (as_text.status_code, as_text.get_json()["field"]) == (400, "Content-Type")
    core.app.config["MAX_CONTENT_LENGTH"] = len(body) - 1  # read per request, by the lane too
    too_big = core.client.post(
        f"{API}/purchases", data=body, headers=headers, content_type="application/json"
    )
    assert too_big.status_code == 413
    core.app.config["MAX_CONTENT_LENGTH"] = 1_048_576
    # A body streamed without a length (Transfer-Encoding: chunked): Flask reads it and commits.
    environ = EnvironBuilder(
        path=f"{API}/purchases",
        method="POST",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers=list(headers.items()),
    ).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True
    app_iter, status, _ = run_wsgi_app(core.app.wsgi_app, environ)
    assert status.startswith("201"), b"".join(app_iter)
    assert len(seen) == reached_flask + 3, seen
