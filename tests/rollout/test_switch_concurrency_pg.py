"""(PostgreSQL) 50 tills commit while a wave switches: each transaction runs entirely under the
version in force when it started, records it, and earns exactly what that version computes."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Engine

from loyalty_core.api import init_api
from loyalty_core.config.models import ConfigVersion
from loyalty_core.config.service import program_config
from loyalty_core.db import make_session_factory
from loyalty_core.engine.basket import Basket, BasketLine, MemberState
from loyalty_core.engine.calculate import calculate
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import Transaction
from rollout import service
from tests.loyalty_core.conftest import Clock
from tests.rollout.conftest import build_chain

pytestmark = pytest.mark.postgres
TILLS = 50
AMOUNT = "1234.56"


class WallClock(Clock):
    """The real time: the switch and the commits race for real here."""

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def test_fifty_commits_straddling_a_switch_record_old_or_new_with_matching_points(pg_engine: Engine) -> None:
    from tests.conftest import _truncate_pg

    _truncate_pg(pg_engine)
    clock = WallClock(dt.datetime.now(dt.UTC))
    chain = build_chain(pg_engine, clock)
    factory = make_session_factory(pg_engine)
    with factory() as session:
        members = [str(ledger.enroll(session, phone=f"+7916100{i:04d}").id) for i in range(TILLS)]
        plan = service.create_plan(
            session, "DEMO", chain.version(session, "v2"), ["R001"], actor="t", now=clock()
        )
        session.commit()
        plan_id = plan.id
    app = Flask("straddle")
    init_api(app, pg_engine, clock=clock)

    done_before = threading.Semaphore(0)
    switched = threading.Event()
    start = threading.Barrier(TILLS + 1)

    def till(i: int) -> tuple[int, dict[str, Any]]:
        start.wait()
        if i >= TILLS // 2:
            switched.wait()  # the second half surely runs after; the first half straddles
        with app.test_client() as client:
            response = client.post(
                "/api/v1/purchases",
                json={
                    "member_id": members[i],
                    "redeem_points": 0,
                    "lines": [{"sku": "A", "category": "grocery", "quantity": "1", "amount": AMOUNT}],
                },
                headers={"Authorization": f"Bearer {chain.keys['R001']}", "Idempotency-Key": f"till-{i}"},
            )
        done_before.release()
        return response.status_code, response.get_json()

    def switch() -> None:
        start.wait()
        for _ in range(3):  # a few tills are through: the rest are in flight when it commits
            done_before.acquire()
        with factory() as session:
            service.advance(session, service.get_plan(session, plan_id), actor="t", now=clock())
            session.commit()
        switched.set()

    with ThreadPoolExecutor(max_workers=TILLS + 1) as pool:
        switcher = pool.submit(switch)
        results = list(pool.map(till, range(TILLS)))
        switcher.result()

    assert all(status == 201 for status, _ in results), [b for s, b in results if s != 201][:3]
    labels = {body["config_version"] for _, body in results}
    assert labels == {"v1", "v2"}
    with factory() as session:
        txns = list(session.scalars(select(Transaction)))
        assert len(txns) == TILLS
        basket = Basket((BasketLine("A", "grocery", Decimal("1"), Decimal(AMOUNT)),), "R001", "retail")
        for txn in txns:
            version = session.get(ConfigVersion, txn.config_version_id)
            assert version is not None and version.label in {"v1", "v2"}
            expected = calculate(basket, MemberState(balance=0), program_config(version), txn.created_at)
            assert txn.earned_points == expected.earned_points, (version.label, txn.earned_points)
        by_id = {str(t.id): t for t in txns}
        for _, body in results:
            txn = by_id[str(body["id"])]
            assert session.get(ConfigVersion, txn.config_version_id).label == body["config_version"]  # type: ignore[union-attr]
