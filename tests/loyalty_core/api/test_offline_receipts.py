"""Receipts that carry their own time (`occurred_at`): a till that was offline sends them later.

The store ran v1 (5 %, a double-points week, points valid 5 days) until two days ago and v2
(3 %, no promotion) since. Today is Tuesday 2026-03-10, 12:00 Moscow time; a week back is
Tuesday 2026-03-03, inside v1's double-points week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from loyalty_core.api import init_api
from loyalty_core.db import make_session_factory
from loyalty_core.engine import BasketLine
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import Transaction
from loyalty_core.stores import service as store_service

from ..conftest import Clock, setup_programme

API = "/api/v1"
MOSCOW = ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=MOSCOW)
WEEK_AGO = NOW - dt.timedelta(days=7)
V1 = """
program: Offline
timezone: Europe/Moscow
earn: {base_rate: 5}
tiers:
  - {code: base, threshold: "0.00"}
  - {code: gold, threshold: "20000.00", multiplier: 1.5}
expiry_days: 5
offline: {max_age_days: 14}
promotions:
  - code: WEEK_X2
    kind: multiplier
    multiplier: 2
    conditions: {date_from: "2026-03-02", date_to: "2026-03-08"}
"""
V2 = """
program: Offline
timezone: Europe/Moscow
earn: {base_rate: 3}
tiers:
  - {code: base, threshold: "0.00"}
  - {code: gold, threshold: "20000.00", multiplier: 1.5}
expiry_days: 5
offline: {max_age_days: 14}
"""


@dataclass
class Till:
    client: Any
    key: str
    member_id: str
    engine: Engine

    def post(self, path: str, body: dict[str, Any], idem: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.key}"}
        if idem:
            headers["Idempotency-Key"] = idem
        return self.client.post(f"{API}{path}", json=body, headers=headers)

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(
            f"{API}{path}", query_string=query, headers={"Authorization": f"Bearer {self.key}"}
        )

    def basket(self, amount: str = "1000.00", **extra: Any) -> dict[str, Any]:
        line = {"sku": "TEA", "category": "grocery", "quantity": "1", "amount": amount}
        return {"member_id": self.member_id, "lines": [line], **extra}

    def count(self) -> int:
        session = make_session_factory(self.engine)()
        try:
            return int(session.scalar(select(func.count()).select_from(Transaction)) or 0)
        finally:
            session.close()


@pytest.fixture
def till(engine: Engine) -> Iterator[Till]:
    app = Flask("offline-test")
    app.config["TESTING"] = True
    init_api(app, engine, clock=Clock(NOW.astimezone(dt.UTC)))
    session = make_session_factory(engine)()
    v1, v2 = setup_programme(session, V1, "v1"), setup_programme(session, V2, "v2")
    store, key = store_service.add_store(session, "R001", "retail")
    store_service.assign_version(session, store, v1, at=NOW - dt.timedelta(days=400))
    member = ledger.enroll(session, phone="+79160000401", at=NOW - dt.timedelta(days=400))
    # 20000.00 paid 370 days ago: inside the tier window of a week back, outside today's.
    old = [BasketLine("TV", "tech", Decimal(1), Decimal("20000.00"))]
    ledger.commit_purchase(session, ledger.run_context(store), member, old, 0, NOW - dt.timedelta(days=370))
    store_service.assign_version(session, store, v2, at=NOW - dt.timedelta(days=2))
    session.commit()
    session.close()
    yield Till(app.test_client(), key, str(member.id), engine)


def test_a_receipt_a_week_back_is_computed_under_that_weeks_version_promotion_and_tier(till: Till) -> None:
    late = till.post("/purchases", till.basket(occurred_at=WEEK_AGO.isoformat()), "late-1")
    assert late.status_code == 201, late.get_json()
    body = late.get_json()
    # v1, gold (the 20000.00 of 370 days ago still counts a week back), WEEK_X2:
    # 1000.00 x 5 % x 1.5 x 2 = 150
    assert body["config_version"] == "v1" and body["tier"] == "gold"
    assert [p["code"] for p in body["promotions"]] == ["WEEK_X2"]
    assert body["earned_points"] == 150
    assert body["created_at"] == "2026-03-03T09:00:00Z" and body["recorded_at"] == "2026-03-10T09:00:00Z"

    today = till.post("/purchases", till.basket(), "today-1").get_json()
    # today: v2, base (that 20000.00 left the window), no promotion: 1000.00 x 3 % = 30
    assert (today["config_version"], today["tier"], today["promotions"], today["earned_points"]) == (
        "v2",
        "base",
        [],
        30,
    )
    assert today["created_at"] == today["recorded_at"] == "2026-03-10T09:00:00Z"


def test_points_already_past_their_date_are_earned_and_expired_at_once(till: Till) -> None:
    # v1 keeps points 5 days: earned on 03-03, valid through the end of 03-08, so already gone.
    assert till.post("/purchases", till.basket(occurred_at=WEEK_AGO.isoformat()), "late-2").status_code == 201
    member = till.get(f"/members/{till.member_id}").get_json()
    assert member["balance"] == 0
    history = till.get(f"/members/{till.member_id}/transactions").get_json()["transactions"]
    newest = [(t["kind"], t["points_delta"], t["created_at"], t["recorded_at"]) for t in history[:2]]
    assert newest == [
        ("expiry", -150, "2026-03-10T09:00:00Z", "2026-03-10T09:00:00Z"),
        ("purchase", 150, "2026-03-03T09:00:00Z", "2026-03-10T09:00:00Z"),
    ]


def test_the_quote_and_the_commit_for_the_same_occurred_at_agree(till: Till) -> None:
    moment = (NOW - dt.timedelta(days=6, hours=3)).isoformat()
    quote = till.post("/purchases/quote", till.basket("777.77", occurred_at=moment))
    assert quote.status_code == 200, quote.get_json()
    committed = till.post("/purchases", till.basket("777.77", occurred_at=moment), "late-3").get_json()
    only_committed = ("id", "created_at", "recorded_at", "receipt_no")
    assert {k: v for k, v in committed.items() if k not in only_committed} == quote.get_json()
    assert quote.get_json()["config_version"] == "v1"


@pytest.mark.parametrize(
    ("occurred_at", "why"),
    [
        pytest.param((NOW + dt.timedelta(seconds=1)).isoformat(), "is in the future", id="a second ahead"),
        # 14 local days back is 2026-02-24; the first accepted instant is 00:00 Moscow time that day.
        pytest.param("2026-02-23T23:59:59+03:00", "older than offline.max_age_days (14)", id="15 days back"),
        pytest.param("2025-03-10T12:00:00+03:00", "older than offline.max_age_days (14)", id="a year back"),
    ],
)
def test_a_moment_outside_the_bounds_is_a_422_naming_the_field_and_stores_nothing(
    till: Till, occurred_at: str, why: str
) -> None:
    before = till.count()
    for path, idem in (("/purchases", "bad"), ("/purchases/quote", None)):
        refused = till.post(path, till.basket(occurred_at=occurred_at), idem)
        assert refused.status_code == 422, refused.get_json()
        problem = refused.get_json()
        assert problem["field"] == "occurred_at" and why in problem["detail"], problem
    assert till.count() == before


def test_the_edges_of_the_bounds_are_accepted(till: Till) -> None:
    first_day = till.post("/purchases", till.basket(occurred_at="2026-02-24T00:00:00+03:00"), "edge-1")
    assert first_day.status_code == 201, first_day.get_json()
    this_moment = till.post("/purchases", till.basket(occurred_at=NOW.isoformat()), "edge-2")
    assert this_moment.status_code == 201, this_moment.get_json()
    assert this_moment.get_json()["config_version"] == "v2"


def test_a_moment_without_its_utc_offset_is_refused_naming_the_field(till: Till) -> None:
    refused = till.post("/purchases", till.basket(occurred_at="2026-03-09T12:00:00"), "naive")
    assert refused.status_code == 400
    assert refused.get_json()["field"] == "occurred_at" and "offset" in refused.get_json()["detail"]


def test_a_late_return_carries_its_time_and_cannot_precede_its_purchase(till: Till) -> None:
    bought = till.post(
        "/purchases", till.basket(occurred_at=(NOW - dt.timedelta(days=3)).isoformat()), "p"
    ).get_json()
    too_early = (NOW - dt.timedelta(days=4)).isoformat()
    body = {"lines": [{"line": 1, "quantity": "1"}], "occurred_at": too_early}
    refused = till.post(f"/purchases/{bought['id']}/returns", body, "r-early")
    assert refused.status_code == 422 and refused.get_json()["field"] == "occurred_at"

    body["occurred_at"] = (NOW - dt.timedelta(days=1)).isoformat()
    back = till.post(f"/purchases/{bought['id']}/returns", body, "r-late")
    assert back.status_code == 201, back.get_json()
    assert back.get_json()["created_at"] == "2026-03-09T09:00:00Z"
    assert back.get_json()["recorded_at"] == "2026-03-10T09:00:00Z"
