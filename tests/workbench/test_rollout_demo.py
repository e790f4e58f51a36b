"""The DEMO chain's rollout: 60 stores in 4 regions and 3 time zones, v2 piloted six weeks in
R001-R003 and W001-W002 with control stores, a feedback log, a half-done checklist of wave 2 and a
gate that is closed and says why."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from flask import Flask
from sqlalchemy import func, select

from loyalty_core.ledger.models import Transaction
from loyalty_core.stores import service as store_service
from rollout import readiness
from rollout import service as rollout
from workbench.demo.loader import load_demo
from workbench.extensions import db


def test_the_demo_pilot_and_its_closed_gate(app: Flask) -> None:
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with app.app_context():
        session = db.session()
        summary = load_demo(session, members=30, days=60, now=now)
        session.commit()
        stores = store_service.list_stores(session)
        assert Counter(s.direction for s in stores) == {"retail": 40, "wholesale": 20}
        assert len({s.region for s in stores}) == 4 and len({s.timezone for s in stores}) >= 2
        plan = rollout.get_plan(session, summary.plan_id or 0)
        pilot = plan.waves[0]
        codes = {session.get(type(stores[0]), ws.store_id).code: ws for ws in pilot.stores}  # type: ignore[union-attr]
        assert set(codes) == {"R001", "R002", "R003", "W001", "W002"}
        assert codes["R001"].control_codes == "R004" and codes["W002"].control_codes == "W004"
        # 03:00 local on the pilot's first day: Moscow 00:00 UTC, Yekaterinburg 22:00 UTC the day before.
        assert codes["R001"].switch_at.hour == 0 and codes["R003"].switch_at.hour == 22  # type: ignore[union-attr]
        v2_in_pilot = session.scalar(
            select(func.count())
            .select_from(Transaction)
            .where(
                Transaction.store_id.in_([ws.store_id for ws in pilot.stores]),
                Transaction.config_version_id == plan.version_id,
            )
        )
        before_switch = session.scalar(
            select(func.count())
            .select_from(Transaction)
            .where(
                Transaction.store_id == codes["R001"].store_id,
                Transaction.config_version_id == plan.version_id,
                Transaction.created_at < codes["R001"].switch_at,
            )
        )
        assert v2_in_pilot and v2_in_pilot > 300 and before_switch == 0

        results = {r.name: r for r in rollout.gate_for(session, plan, plan.waves[1], now)}
        assert results["pilot_ran"].ok and results["prototype_signed"].ok
        assert not results["no_blocking_defects"].ok and not results["checklist_complete"].ok
        assert results["no_blocking_defects"].evidence["open_blocking"][0]["severity"] == "high"
        items = readiness.checklist(session, plan.waves[1])
        done = sum(1 for item, _ in items if item.done_at)
        assert 0 < done < len(items)
        assert any(readiness.is_overdue(item, now.date()) for item, _ in items)
        assert len(readiness.feedback(session, plan)) == 5
