"""Concurrency on PostgreSQL: tills racing on one member never overdraw, retries apply once."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from loyalty_core.api import init_api
from loyalty_core.db import make_session_factory
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import IdempotencyRecord, LedgerEntry, Transaction
from loyalty_core.stores import service as store_service
from tests.loyalty_core.conftest import Clock, setup_programme

SIMPLE = """
program: Concurrency
earn: {base_rate: 10}
redemption: {point_value: "1.00", max_share: 100, min_points: 0}
"""


@pytest.fixture
def pg_core(pg_engine: Engine) -> dict[str, Any]:
    from tests.conftest import _truncate_pg

    _truncate_pg(pg_engine)
    app = Flask("pg-concurrency")
    init_api(app, pg_engine, clock=Clock())
    session = make_session_factory(pg_engine)()
    version = setup_programme(session, SIMPLE)
    store, key = store_service.add_store(session, "C001", "retail")
    store_service.assign_version(session, store, version)
    member = ledger.enroll(session, phone="+79160000001")
    session.commit()
    member_id = str(member.id)
    session.close()
    return {"app": app, "key": key, "member_id": member_id, "engine": pg_engine}


def _post(app: Flask, key: str, idem: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    with app.test_client() as client:
        response = client.post(
            "/api/v1/purchases",
            json=body,
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idem},
        )
        return response.status_code, response.get_json()


def _basket(member_id: str, amount: str, redeem: int) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "redeem_points": redeem,
        "lines": [{"sku": "A", "category": "grocery", "quantity": "1", "amount": amount}],
    }


def test_fifty_concurrent_redemptions_never_overdraw(pg_core: dict[str, Any]) -> None:
    app, key, member_id = pg_core["app"], pg_core["key"], pg_core["member_id"]
    # 1000.00 at 10% earns 100 points: enough for exactly 10 redemptions of 10 points.
    status, body = _post(app, key, "seed", _basket(member_id, "1000.00", 0))
    assert status == 201 and body["balance_after"] == 100

    barrier = threading.Barrier(50)

    def redeem(i: int) -> tuple[int, dict[str, Any]]:
        barrier.wait()
        # A 10.00 check paying 10 points in full earns nothing: each success costs exactly 10.
        return _post(app, key, f"redeem-{i}", _basket(member_id, "10.00", 10))

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(redeem, range(50)))

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 10, 422: 40}, statuses
    refusals = [body for status, body in results if status == 422]
    assert all("cannot redeem 10 points" in r["detail"] for r in refusals), refusals[0]
    balances_after = sorted(body["balance_after"] for status, body in results if status == 201)
    assert balances_after == list(range(0, 100, 10))

    session = make_session_factory(pg_core["engine"])()
    member = ledger.get_member(session, member_id)
    assert member.account.balance == 0
    assert ledger.ledger_sum(session, member) == 0
    assert ledger.bucket_sum(session, member) == 0
    # Running balance over the ledger in order never dipped below zero.
    running = 0
    for points in session.scalars(select(LedgerEntry.points).order_by(LedgerEntry.id)):
        running += points
        assert running >= 0
    session.close()


def test_thousand_retries_of_one_commit_apply_once(pg_core: dict[str, Any]) -> None:
    app, key, member_id = pg_core["app"], pg_core["key"], pg_core["member_id"]
    body = _basket(member_id, "250.00", 0)  # 250.00 at 10% = 25 points

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(lambda _: _post(app, key, "same-receipt", body), range(1000)))

    assert {status for status, _ in results} == {201}
    first = results[0][1]
    assert all(payload == first for _, payload in results), "every retry replays the first response"
    session = make_session_factory(pg_core["engine"])()
    assert session.scalar(select(func.count()).select_from(Transaction)) == 1
    assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
    member = ledger.get_member(session, member_id)
    assert member.account.balance == 25 == ledger.ledger_sum(session, member)
    session.close()


def test_one_receipt_sent_under_twenty_keys_at_once_commits_once(pg_core: dict[str, Any]) -> None:
    app, key, member_id = pg_core["app"], pg_core["key"], pg_core["member_id"]
    body = {**_basket(member_id, "100.00", 0), "receipt_no": "C001-000777"}
    barrier = threading.Barrier(20)

    def send(i: int) -> tuple[int, dict[str, Any]]:
        barrier.wait()
        return _post(app, key, f"till-retry-{i}", body)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(send, range(20)))

    assert Counter(status for status, _ in results) == {201: 1, 409: 19}
    winner = next(payload for status, payload in results if status == 201)
    assert {payload.get("transaction_id") for status, payload in results if status == 409} == {winner["id"]}
    session = make_session_factory(pg_core["engine"])()
    assert session.scalar(select(func.count()).select_from(Transaction)) == 1
    session.close()
