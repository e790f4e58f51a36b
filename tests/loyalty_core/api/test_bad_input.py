"""Bad input at the POS API: each a 4xx problem+json naming the problem, never a 500, nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from loyalty_core.ledger.models import IdempotencyRecord, LedgerEntry, Member, Transaction

from ..conftest import Core

TABLES = (Transaction, LedgerEntry, Member, IdempotencyRecord)


def _counts(core: Core) -> dict[str, int]:
    with core.session() as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES}


@pytest.fixture
def member_id(core: Core) -> str:
    response = core.client.post("/api/v1/members", json={"phone": "+79160001122"}, headers=core.headers())
    assert response.status_code == 201
    return str(response.get_json()["id"])


def _line(**overrides: Any) -> dict[str, Any]:
    return {"sku": "MILK", "category": "dairy", "quantity": "1", "amount": "100.00", **overrides}


CASES: list[tuple[str, dict[str, Any], int, str, str | None]] = [
    # (id, request pieces, status, text in detail, field)
    ("malformed JSON", {"data": '{"lines": [', "idem": "k"}, 400, "not valid JSON", "body"),
    ("unknown card", {"body": {"card": "0000000000000", "lines": [_line()]}, "idem": "k"}, 404, "no member", "card"),
    ("negative quantity", {"body": {"lines": [_line(quantity="-1")]}, "idem": "k"}, 400, "lines[0].quantity", "lines[0].quantity"),
    ("amount as a JSON number", {"body": {"lines": [_line(amount=100.5)]}, "idem": "k"}, 400, "not a JSON number", "lines[0].amount"),
    ("three decimals in money", {"body": {"lines": [_line(amount="1.005")]}, "idem": "k"}, 400, "at most 2 places", "lines[0].amount"),
    ("unknown key", {"body": {"lines": [_line()], "discount": 5}, "idem": "k"}, 400, "discount: unknown key", "discount"),
    ("no lines", {"body": {"lines": []}, "idem": "k"}, 400, "lines: must have at least 1 item", "lines"),
    ("redeem as a string", {"body": {"lines": [_line()], "redeem_points": "5"}, "idem": "k"}, 400, "redeem_points: must be an integer", "redeem_points"),
    ("wrong key", {"body": {"lines": [_line()]}, "idem": "k", "key": "lk_wrong"}, 401, "not valid", None),
    ("no key", {"body": {"lines": [_line()]}, "idem": "k", "key": ""}, 401, "Bearer", None),
    ("missing Idempotency-Key", {"body": {"lines": [_line()]}}, 400, "Idempotency-Key header is required", "Idempotency-Key"),
    ("not JSON content", {"data": "lines=1", "content_type": "text/plain", "idem": "k"}, 400, "Content-Type: application/json", "Content-Type"),
    ("redeem more than allowed", {"body": {"lines": [_line()], "redeem_points": 1000}, "idem": "k"}, 422, "cannot redeem 1000 points", "redeem_points"),
    ("body of 10 MB", {"data": "x" * 10_000_000, "idem": "k"}, 413, "limit", None),
]


@pytest.mark.parametrize(("pieces", "status", "detail", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_purchase_is_a_problem_and_stores_nothing(
    core: Core, member_id: str, pieces: dict[str, Any], status: int, detail: str, field: str | None
) -> None:
    before = _counts(core)
    headers = {"Authorization": f"Bearer {pieces.get('key', core.store_key)}"} if pieces.get("key", True) else {}
    if pieces.get("key") == "":
        headers = {}
    if "idem" in pieces:
        headers["Idempotency-Key"] = pieces["idem"]
    if "body" in pieces:
        body = dict(pieces["body"])
        if "card" not in body:
            body["member_id"] = member_id
        data = json.dumps(body)
    else:
        data = pieces["data"]
    response = core.client.post(
        "/api/v1/purchases", data=data, headers=headers, content_type=pieces.get("content_type", "application/json")
    )
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status and detail in problem["detail"], problem
    if field:
        assert problem.get("field") == field, problem
    assert _counts(core) == before


def test_an_over_return_and_a_reused_key_are_refused_without_trace(core: Core, member_id: str) -> None:
    basket = {"member_id": member_id, "lines": [_line(quantity="2", amount="200.00")]}
    purchase = core.client.post("/api/v1/purchases", json=basket, headers=core.headers(idem="p1")).get_json()
    before = _counts(core)
    over = core.client.post(
        f"/api/v1/purchases/{purchase['id']}/returns",
        json={"lines": [{"line": 1, "quantity": "3"}]},
        headers=core.headers(idem="r1"),
    )
    assert over.status_code == 422 and "only 2 of 2 left" in over.get_json()["detail"]
    unknown_line = core.client.post(
        f"/api/v1/purchases/{purchase['id']}/returns", json={"lines": [{"line": 9, "quantity": "1"}]}, headers=core.headers(idem="r2")
    )
    assert unknown_line.status_code == 422 and "no line 9" in unknown_line.get_json()["detail"]
    unknown = core.client.post(
        "/api/v1/purchases/00000000-0000-0000-0000-000000000000/returns",
        json={"lines": [{"line": 1, "quantity": "1"}]},
        headers=core.headers(idem="r3"),
    )
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
    other_body = dict(basket, lines=[_line(amount="999.00")])
    reused = core.client.post("/api/v1/purchases", json=other_body, headers=core.headers(idem="p1"))
    assert reused.status_code == 409 and "already used with a different request" in reused.get_json()["detail"]
    assert _counts(core) == before


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/v1/members/not-a-uuid", 404), ("GET", "/api/v1/nowhere", 404), ("DELETE", "/api/v1/purchases", 405)],
)
def test_unknown_routes_and_ids_are_problems_too(core: Core, method: str, path: str, status: int) -> None:
    from loyalty_core.api.problems import from_http_exception
    from werkzeug.exceptions import HTTPException

    # The bare test app has no app-level handler (the workbench and create_app() add one).
    core.app.register_error_handler(HTTPException, from_http_exception)
    response = core.client.open(path, method=method, headers=core.headers())
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"]


def test_an_enrolment_with_a_bad_phone_names_the_field(core: Core) -> None:
    response = core.client.post("/api/v1/members", json={"phone": "12"}, headers=core.headers())
    assert response.status_code == 400 and response.get_json()["field"] == "phone"
    assert _counts(core)["members"] == 0
