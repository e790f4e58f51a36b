"""Bad input at the POS API: a clear 4xx problem document, never a 500, and nothing stored.

Every case runs against a member who already has a committed purchase (the `world` fixture),
so "nothing stored" is checked against a ledger that has something to lose: the row counts of
every ledger table, the balances and the purchase's returned quantities are the same after the
refused request as before it.

The programme is PROGRAMME of tests/loyalty_core/conftest.py: base rate 5 %, dairy 7 %,
tobacco excluded, redemption at 1.00 per point up to 50 % of the check from 10 points, BIG
gives +50 points on a check >= 1000.00, rounding floor.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any

import pytest
from flask import Response
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder, run_wsgi_app

from loyalty_core.api.openapi import openapi_document
from loyalty_core.db import metadata

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"
LIMIT = 1_048_576  # MAX_BODY_BYTES of loyalty_core.api
TEN_MB = 10 * 1024 * 1024
UNKNOWN_CARD = "2770000000000"
LEDGER_TABLES = (
    "members",
    "cards",
    "accounts",
    "transactions",
    "transaction_lines",
    "ledger_entries",
    "earn_buckets",
    "idempotency_records",
)
SETUP_KEY = "setup-purchase"


@dataclass
class World:
    """A member with one committed purchase: 2 x GROCERY for 1000.00, earning 100 points."""

    core: Any
    member_id: str
    card: str
    purchase_id: str


def _line(**over: Any) -> dict[str, Any]:
    return {"sku": "BREAD", "category": "bakery", "quantity": "1", "amount": "100.00", **over}


@pytest.fixture
def world(core: Any) -> World:
    client = core.client
    enrolled = client.post(
        f"{API}/members", json={"phone": "+7 916 555-01-01", "name": "Ivan"}, headers=core.headers()
    )
    assert enrolled.status_code == 201, enrolled.get_json()
    member = enrolled.get_json()
    body = {
        "member_id": member["id"],
        "lines": [_line(sku="GROCERY", category="grocery", quantity="2", amount="1000.00")],
    }
    bought = client.post(f"{API}/purchases", json=body, headers=core.headers(idem=SETUP_KEY))
    assert bought.status_code == 201, bought.get_json()
    purchase = bought.get_json()
    # 1000.00 x 5 % = 50.00 -> 50 points; the check 1000.00 >= 1000.00 -> BIG +50; 50 + 50 = 100.
    assert purchase["earned_points"] == 100 and purchase["balance_after"] == 100
    return World(core, member["id"], member["cards"][0], purchase["id"])


def snapshot(core: Any) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    tables = metadata.tables
    with core.session() as session:
        state: dict[str, Any] = {
            name: session.scalar(select(func.count()).select_from(tables[name])) for name in LEDGER_TABLES
        }
        state["sum(accounts.balance)"] = session.scalar(
            select(func.coalesce(func.sum(tables["accounts"].c.balance), 0))
        )
        returned = session.scalar(
            select(func.coalesce(func.sum(tables["transaction_lines"].c.returned_quantity), 0))
        )
        state["sum(transaction_lines.returned_quantity)"] = Decimal(returned or 0)
    return state


# --- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One bad request and the problem document it must get."""

    name: str
    method: str
    template: str  # the path as documented in the OpenAPI document (without /api/v1)
    request: Callable[[World], dict[str, Any]]  # path and keyword arguments for the test client
    status: int
    field: str | None
    detail: tuple[str, ...]  # fragments the detail must contain: it names the problem
    extra: Callable[[World], dict[str, Any]] = lambda w: {}  # other members of the problem, exactly
    headers: dict[str, str] = dataclass_field(default_factory=dict)  # response headers, exactly
    chunked: bool = False  # send the body streamed, without Content-Length


def purchase(
    body: Callable[[World], Any], *, idem: str | None = "k-new", **kw: Any
) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"path": f"{API}/purchases", "json": body(w), "headers": w.core.headers(idem=idem), **kw}


def quote(body: Callable[[World], Any]) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"path": f"{API}/purchases/quote", "json": body(w), "headers": w.core.headers()}


def raw_purchase(
    data: bytes | str, content_type: str, *, idem: str | None = "k-new"
) -> Callable[[World], dict[str, Any]]:
    return lambda w: {
        "path": f"{API}/purchases",
        "data": data,
        "content_type": content_type,
        "headers": w.core.headers(idem=idem),
    }


def give_back(
    body: Any, *, purchase_id: str | None = None, idem: str | None = "r-new"
) -> Callable[[World], dict[str, Any]]:
    return lambda w: {
        "path": f"{API}/purchases/{purchase_id or w.purchase_id}/returns",
        "json": body,
        "headers": w.core.headers(idem=idem),
    }


def enrol(body: dict[str, Any]) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"path": f"{API}/members", "json": body, "headers": w.core.headers()}


def get(path: str, **query: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {
        "path": f"{API}{path.format(member_id=w.member_id)}",
        "query_string": query,
        "headers": w.core.headers(),
    }


def basket(w: World, *, lines: Any = None, **over: Any) -> dict[str, Any]:
    return {"member_id": w.member_id, "lines": [_line()] if lines is None else lines, **over}


BIG_BODY = b'{"lines": [], "pad": "' + b"x" * TEN_MB + b'"}'  # a little over 10 MB, 10x the limit
RANDOM_ID = "6f1c0a52-9b8e-4c1e-a3d2-1f0e5d4c3b2a"

CASES = [
    # --- the body is not JSON, or not the JSON we take ---------------------------------------
    Case(
        "malformed-json",
        "post",
        "/purchases",
        raw_purchase('{"member_id": "x", "lines": [', "application/json"),
        400,
        "body",
        ("not valid JSON",),
    ),
    Case(
        "body-is-a-json-array",
        "post",
        "/purchases",
        purchase(lambda w: [basket(w)]),
        400,
        "body",
        ("must be a JSON object",),
    ),
    Case(
        "content-type-text-plain",
        "post",
        "/purchases",
        lambda w: raw_purchase(json.dumps(basket(w)), "text/plain")(w),
        400,
        "Content-Type",
        ("Content-Type: application/json",),
    ),
    Case(
        "content-type-form-encoded",
        "post",
        "/purchases",
        raw_purchase("member_id=x&amount=1", "application/x-www-form-urlencoded"),
        400,
        "Content-Type",
        ("Content-Type: application/json",),
    ),
    Case(
        "body-10mb",
        "post",
        "/purchases",
        raw_purchase(BIG_BODY, "application/json"),
        413,
        None,
        (f"is {len(BIG_BODY)} bytes", str(LIMIT)),
    ),
    Case(
        "body-10mb-chunked-without-content-length",
        "post",
        "/purchases",
        raw_purchase(BIG_BODY, "application/json"),
        413,
        None,
        (str(LIMIT),),
        chunked=True,
    ),
    # --- the store key -------------------------------------------------------------------------
    Case(
        "wrong-store-key",
        "post",
        "/purchases",
        lambda w: {
            "path": f"{API}/purchases",
            "json": basket(w),
            "headers": w.core.headers(key="lk_wrong", idem="k1"),
        },
        401,
        None,
        ("store key is not valid",),
        headers={"WWW-Authenticate": 'Bearer realm="pos"'},
    ),
    Case(
        "no-authorization-header",
        "post",
        "/purchases",
        lambda w: {"path": f"{API}/purchases", "json": basket(w), "headers": {"Idempotency-Key": "k1"}},
        401,
        None,
        ("Authorization: Bearer",),
        headers={"WWW-Authenticate": 'Bearer realm="pos"'},
    ),
    Case(
        "wrong-store-key-on-lookup",
        "get",
        "/members",
        lambda w: {
            "path": f"{API}/members",
            "query_string": {"card": w.card},
            "headers": w.core.headers(key="lk_wrong"),
        },
        401,
        None,
        ("store key is not valid",),
        headers={"WWW-Authenticate": 'Bearer realm="pos"'},
    ),
    # --- Idempotency-Key -----------------------------------------------------------------------
    Case(
        "purchase-without-idempotency-key",
        "post",
        "/purchases",
        purchase(basket, idem=None),
        400,
        "Idempotency-Key",
        ("Idempotency-Key header is required",),
    ),
    Case(
        "purchase-with-blank-idempotency-key",
        "post",
        "/purchases",
        purchase(basket, idem="   "),
        400,
        "Idempotency-Key",
        ("Idempotency-Key header is required",),
    ),
    Case(
        "return-without-idempotency-key",
        "post",
        "/purchases/{purchase_id}/returns",
        give_back({"lines": [{"line": 1, "quantity": "1"}]}, idem=None),
        400,
        "Idempotency-Key",
        ("Idempotency-Key header is required",),
    ),
    Case(
        "same-idempotency-key-another-body",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, lines=[_line(amount="999.00")]), idem=SETUP_KEY),
        409,
        "Idempotency-Key",
        (repr(SETUP_KEY), "already used with a different request"),
    ),
    # --- who buys ------------------------------------------------------------------------------
    Case(
        "unknown-card",
        "post",
        "/purchases",
        purchase(lambda w: {"card": UNKNOWN_CARD, "lines": [_line()]}),
        404,
        "card",
        (UNKNOWN_CARD,),
    ),
    Case(
        "unknown-card-on-quote",
        "post",
        "/purchases/quote",
        quote(lambda w: {"card": UNKNOWN_CARD, "lines": [_line()]}),
        404,
        "card",
        (UNKNOWN_CARD,),
    ),
    Case(
        "unknown-card-on-lookup",
        "get",
        "/members",
        get("/members", card=UNKNOWN_CARD),
        404,
        "card",
        (UNKNOWN_CARD,),
    ),
    Case(
        "unknown-member-id",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, member_id=RANDOM_ID)),
        404,
        "member_id",
        (RANDOM_ID,),
    ),
    Case(
        "member-id-not-a-uuid",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, member_id="42")),
        400,
        "member_id",
        ("member_id: must be a UUID",),
    ),
    Case(
        "neither-member-nor-card",
        "post",
        "/purchases/quote",
        quote(lambda w: {"lines": [_line()]}),
        400,
        "member_id",
        ("member_id or card",),
    ),
    Case(
        "lookup-without-card-or-phone", "get", "/members", get("/members"), 400, "card", ("?card=", "?phone=")
    ),
    # --- the lines -----------------------------------------------------------------------------
    Case(
        "negative-quantity",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, lines=[_line(quantity="-1")])),
        400,
        "lines[0].quantity",
        ("lines[0].quantity", "positive"),
    ),
    Case(
        "zero-quantity",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, lines=[_line(quantity="0")])),
        400,
        "lines[0].quantity",
        ("lines[0].quantity", "positive"),
    ),
    Case(
        "amount-as-json-number",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, lines=[_line(amount=100.5)])),
        400,
        "lines[0].amount",
        ("lines[0].amount", "not a JSON number"),
    ),
    Case(
        "amount-with-3-decimals-on-second-line",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, lines=[_line(), _line(amount="1.005")])),
        400,
        "lines[1].amount",
        ("lines[1].amount", "at most 2 places"),
    ),
    Case(
        "unknown-key-in-body",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, colour="red")),
        400,
        "colour",
        ("colour: unknown key",),
    ),
    Case(
        "unknown-key-in-line",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, lines=[_line(discount="5.00")])),
        400,
        "lines[0].discount",
        ("lines[0].discount: unknown key",),
    ),
    Case(
        "empty-lines",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, lines=[])),
        400,
        "lines",
        ("lines: must have at least 1",),
    ),
    Case(
        "missing-lines",
        "post",
        "/purchases",
        purchase(lambda w: {"member_id": w.member_id}),
        400,
        "lines",
        ("lines: is required",),
    ),
    # --- redemption ----------------------------------------------------------------------------
    Case(
        "redeem-points-as-string",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, redeem_points="20")),
        400,
        "redeem_points",
        ("redeem_points: must be an integer",),
    ),
    Case(
        "redeem-points-negative",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, redeem_points=-20)),
        400,
        "redeem_points",
        ("redeem_points: must be >= 0",),
    ),
    # check 100.00: floor(100.00 x 50 % / 1.00) = 50; balance 100; max_redeemable = min(100, 50) = 50.
    Case(
        "redeem-more-than-50-percent-of-check",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, redeem_points=60)),
        422,
        "redeem_points",
        ("cannot redeem 60 points", "at most 50 points"),
        extra=lambda w: {"max_redeemable": 50},
    ),
    Case(
        "redeem-more-than-allowed-on-quote",
        "post",
        "/purchases/quote",
        quote(lambda w: basket(w, redeem_points=60)),
        422,
        "redeem_points",
        ("cannot redeem 60 points",),
        extra=lambda w: {"max_redeemable": 50},
    ),
    # check 1000.00: floor(1000.00 x 50 % / 1.00) = 500; balance 100; max_redeemable = min(100, 500) = 100.
    Case(
        "redeem-more-than-the-balance",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, lines=[_line(amount="1000.00")], redeem_points=150)),
        422,
        "redeem_points",
        ("cannot redeem 150 points", "balance is 100"),
        extra=lambda w: {"max_redeemable": 100},
    ),
    # min_points 10: 5 is below it although 50 may be redeemed on a 100.00 check.
    Case(
        "redeem-below-min-points",
        "post",
        "/purchases",
        purchase(lambda w: basket(w, redeem_points=5)),
        422,
        "redeem_points",
        ("at least 10 points",),
        extra=lambda w: {"max_redeemable": 50},
    ),
    # --- returns -------------------------------------------------------------------------------
    Case(
        "over-return-of-a-line",
        "post",
        "/purchases/{purchase_id}/returns",
        give_back({"lines": [{"line": 1, "quantity": "3"}]}),
        422,
        "lines[line=1]",
        ("line 1", "cannot return 3", "only 2 of 2 left"),
    ),
    Case(
        "return-of-a-line-the-purchase-has-not",
        "post",
        "/purchases/{purchase_id}/returns",
        give_back({"lines": [{"line": 9, "quantity": "1"}]}),
        422,
        "lines[line=9]",
        ("no line 9",),
    ),
    Case(
        "return-listing-a-line-twice",
        "post",
        "/purchases/{purchase_id}/returns",
        give_back({"lines": [{"line": 1, "quantity": "1"}, {"line": 1, "quantity": "1"}]}),
        422,
        "lines[1].line",
        ("line 1 is listed twice",),
    ),
    Case(
        "return-negative-quantity",
        "post",
        "/purchases/{purchase_id}/returns",
        give_back({"lines": [{"line": 1, "quantity": "-1"}]}),
        400,
        "lines[0].quantity",
        ("lines[0].quantity", "positive"),
    ),
    Case(
        "return-empty-lines",
        "post",
        "/purchases/{purchase_id}/returns",
        give_back({"lines": []}),
        400,
        "lines",
        ("lines: must have at least 1",),
    ),
    Case(
        "return-of-an-unknown-purchase",
        "post",
        "/purchases/{purchase_id}/returns",
        give_back({"lines": [{"line": 1, "quantity": "1"}]}, purchase_id=RANDOM_ID),
        404,
        "purchase_id",
        (RANDOM_ID,),
    ),
    Case(
        "return-of-a-purchase-id-that-is-no-uuid",
        "post",
        "/purchases/{purchase_id}/returns",
        give_back({"lines": [{"line": 1, "quantity": "1"}]}, purchase_id="receipt-17"),
        404,
        "purchase_id",
        ("receipt-17",),
    ),
    # --- enrolment and reads -------------------------------------------------------------------
    Case(
        "enrol-invalid-phone",
        "post",
        "/members",
        enrol({"phone": "12-34"}),
        422,
        "phone",
        ("12-34", "not a valid number"),
    ),
    Case(
        "enrol-invalid-email",
        "post",
        "/members",
        enrol({"phone": "+7 916 555-02-02", "email": "ivan-at-mail"}),
        400,
        "email",
        ("email: must be an email address",),
    ),
    Case(
        "enrol-duplicate-phone",
        "post",
        "/members",
        enrol({"phone": "8 916 555 01 01"}),
        409,
        "phone",
        ("+79165550101", "already exists"),
        extra=lambda w: {"member_id": w.member_id},
    ),
    Case(
        "enrol-unknown-key",
        "post",
        "/members",
        enrol({"phone": "+7 916 555-02-02", "loyalty_level": "gold"}),
        400,
        "loyalty_level",
        ("loyalty_level: unknown key",),
    ),
    Case(
        "history-limit-not-a-number",
        "get",
        "/members/{member_id}/transactions",
        get("/members/{member_id}/transactions", limit="ten"),
        400,
        "limit",
        ("limit must be an integer",),
    ),
    Case(
        "history-before-not-a-timestamp",
        "get",
        "/members/{member_id}/transactions",
        get("/members/{member_id}/transactions", before="yesterday"),
        400,
        "before",
        ("ISO 8601",),
    ),
    Case(
        "history-before-without-a-zone",
        "get",
        "/members/{member_id}/transactions",
        get("/members/{member_id}/transactions", before="2026-03-03T09:00:00"),
        400,
        "before",
        ("with a zone",),
    ),
    Case(
        "history-before-empty",
        "get",
        "/members/{member_id}/transactions",
        get("/members/{member_id}/transactions", before=""),
        400,
        "before",
        ("ISO 8601",),
    ),
    Case(
        "history-limit-0",
        "get",
        "/members/{member_id}/transactions",
        get("/members/{member_id}/transactions", limit="0"),
        400,
        "limit",
        ("between 1 and 500", "not 0"),
    ),
    Case(
        "history-limit-4267",
        "get",
        "/members/{member_id}/transactions",
        get("/members/{member_id}/transactions", limit="4267"),
        400,
        "limit",
        ("between 1 and 500", "not 4267"),
    ),
    Case(
        "history-limit-negative",
        "get",
        "/members/{member_id}/transactions",
        get("/members/{member_id}/transactions", limit="-1"),
        400,
        "limit",
        ("limit must be an integer",),
    ),
    # --- NUL (U+0000): PostgreSQL cannot store it; refused in every text field, body or query --
    *[
        Case(f"nul-in-{name}", method, template, request, 400, field, ("NUL",))
        for name, method, template, request, field in [
            (
                "enrol-name",
                "post",
                "/members",
                enrol({"phone": "+7 916 555-02-02", "name": "Iv\x00an"}),
                "name",
            ),
            ("enrol-phone", "post", "/members", enrol({"phone": "+7 916 555-02-02\x00"}), "phone"),
            (
                "enrol-email",
                "post",
                "/members",
                enrol({"phone": "+7 916 555-02-02", "email": "a\x00@b.ru"}),
                "email",
            ),
            (
                "purchase-sku",
                "post",
                "/purchases",
                purchase(lambda w: basket(w, lines=[_line(sku="MI\x00LK")])),
                "lines[0].sku",
            ),
            (
                "purchase-category",
                "post",
                "/purchases",
                purchase(lambda w: basket(w, lines=[_line(category="dairy\x00")])),
                "lines[0].category",
            ),
            (
                "purchase-receipt-no",
                "post",
                "/purchases",
                purchase(lambda w: basket(w, receipt_no="R-\x0042")),
                "receipt_no",
            ),
            (
                "purchase-card",
                "post",
                "/purchases",
                purchase(lambda w: {"card": "2770\x00", "lines": [_line()]}),
                "card",
            ),
            (
                "quote-sku",
                "post",
                "/purchases/quote",
                quote(lambda w: basket(w, lines=[_line(sku="\x00")])),
                "lines[0].sku",
            ),
            ("lookup-card", "get", "/members", get("/members", card="277\x00"), "card"),
            ("lookup-phone", "get", "/members", get("/members", phone="+7916\x005550101"), "phone"),
            (
                "history-before",
                "get",
                "/members/{member_id}/transactions",
                get("/members/{member_id}/transactions", before="2026-03-03T09:00:00Z\x00"),
                "before",
            ),
            (
                "history-limit",
                "get",
                "/members/{member_id}/transactions",
                get("/members/{member_id}/transactions", limit="5\x00"),
                "limit",
            ),
        ]
    ],
]


def send(core: Any, method: str, request: dict[str, Any], *, chunked: bool = False) -> Response:
    if not chunked:
        return core.client.open(method=method.upper(), **request)
    # A streamed body as a WSGI server hands it over for Transfer-Encoding: chunked: no
    # Content-Length, wsgi.input_terminated set. The test client would add a Content-Length.
    builder = EnvironBuilder(
        path=request["path"],
        method=method.upper(),
        input_stream=io.BytesIO(
            request["data"] if isinstance(request["data"], bytes) else request["data"].encode()
        ),
        content_type=request["content_type"],
        headers=request["headers"],
    )
    environ = builder.get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True
    app_iter, status, headers = run_wsgi_app(core.app.wsgi_app, environ)
    try:
        body = b"".join(app_iter)
    finally:
        getattr(app_iter, "close", lambda: None)()
    return Response(body, status=status, headers=headers)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_a_problem_document_and_stores_nothing(world: World, case: Case) -> None:
    before = snapshot(world.core)

    response = send(world.core, case.method, case.request(world), chunked=case.chunked)

    assert response.status_code < 500, response.data[:500]
    assert response.status_code == case.status, response.data[:500]
    assert response.mimetype == PROBLEM_JSON
    problem = json.loads(response.data)
    assert problem["status"] == case.status
    assert problem["type"].startswith("https://") and problem["title"]
    for fragment in case.detail:
        assert fragment in problem["detail"], problem["detail"]
    if case.field is None:
        assert "field" not in problem, problem
    else:
        assert problem.get("field") == case.field, problem
    for name, value in case.extra(world).items():
        assert problem.get(name) == value, problem
    for name, value in case.headers.items():
        assert response.headers.get(name) == value
    # The OpenAPI document promises this answer for this operation.
    responses = openapi_document()["paths"][case.template][case.method]["responses"]
    assert str(case.status) in responses, (
        f"{case.method.upper()} {case.template} does not document {case.status}"
    )

    assert snapshot(world.core) == before


def test_a_refused_commit_leaves_its_idempotency_key_free(world: World) -> None:
    """A till retrying with the same key after fixing the basket is served, not told 409."""
    core = world.core
    # check 100.00: max_redeemable = min(100, floor(100.00 x 50 %)) = 50, so 60 is refused.
    refused = core.client.post(
        f"{API}/purchases",
        json=basket(world, redeem_points=60),
        headers=core.headers(idem="till-7-receipt-9"),
    )
    assert refused.status_code == 422

    fixed = core.client.post(
        f"{API}/purchases",
        json=basket(world, redeem_points=50),
        headers=core.headers(idem="till-7-receipt-9"),
    )
    assert fixed.status_code == 201, fixed.get_json()
    assert fixed.headers["Idempotent-Replayed"] == "false"
    # redeem 50 of 100; earn on 100.00 - 50.00 = 50.00 x 5 % = 2.50 -> floor 2; 100 - 50 + 2 = 52.
    assert fixed.get_json()["redeemed_points"] == 50
    assert fixed.get_json()["earned_points"] == 2
    assert fixed.get_json()["balance_after"] == 52


def test_a_streamed_body_under_the_limit_is_read_whole(world: World) -> None:
    """The chunked-body guard must not cut a normal streamed request."""
    body = json.dumps(basket(world, lines=[_line(amount="200.00")]))
    request = {
        "path": f"{API}/purchases/quote",
        "data": body,
        "content_type": "application/json",
        "headers": world.core.headers(),
    }
    response = send(world.core, "post", request, chunked=True)
    assert response.status_code == 200, response.data[:500]
    # 200.00 x 5 % = 10.00 -> 10 points (no BIG: 200.00 < 1000.00).
    assert json.loads(response.data)["earned_points"] == 10


def test_a_request_without_a_body_is_a_clear_400(world: World) -> None:
    response = world.core.client.post(
        f"{API}/purchases",
        data=b"",
        content_type="application/json",
        headers=world.core.headers(idem="k-empty"),
    )
    assert response.status_code == 400
    assert response.mimetype == PROBLEM_JSON
    assert json.loads(response.data)["field"] == "body"


def test_unknown_card_numbers_are_not_confused_with_a_real_one(world: World) -> None:
    """The card in the table is really unknown (so its 404 is not luck)."""
    assert world.card != UNKNOWN_CARD
    found = world.core.client.get(
        f"{API}/members", query_string={"card": world.card}, headers=world.core.headers()
    )
    assert found.status_code == 200 and found.get_json()["id"] == world.member_id
    assert uuid.UUID(RANDOM_ID) != uuid.UUID(world.member_id)
