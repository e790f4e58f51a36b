"""Scheduled switching by data: each store switches at its own local time, a rollback is seen on
the next POS request, and a restart between scheduling and the switch changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from loyalty_core.stores import service as store_service
from rollout import service
from rollout.errors import RolloutError
from rollout.schedule import parse_local
from tests.rollout.conftest import Chain, restart

UTC = dt.UTC


def _pilot(chain: Chain, codes: list[str], at: str | None = "2027-01-15 03:00") -> int:
    with chain.session() as session:
        plan = service.create_plan(
            session,
            "DEMO",
            chain.version(session, "v2"),
            codes,
            actor="rollout",
            now=chain.clock.now,
            at_local=parse_local(at) if at else None,
        )
        service.advance(session, plan, actor="rollout", now=chain.clock.now)
        session.commit()
        return plan.id


def test_a_wave_at_03_local_switches_moscow_and_yekaterinburg_at_their_own_03(chain: Chain) -> None:
    _pilot(chain, ["R001", "R003"])
    # 03:00 in Yekaterinburg (UTC+5) is 22:00 UTC the day before; in Moscow (UTC+3) 00:00 UTC.
    chain.clock.now = dt.datetime(2027, 1, 14, 21, 59, 59, tzinfo=UTC)
    assert (chain.quote_version("R001"), chain.quote_version("R003")) == ("v1", "v1")
    chain.clock.now = dt.datetime(2027, 1, 14, 22, 0, tzinfo=UTC)
    assert (chain.quote_version("R001"), chain.quote_version("R003")) == ("v1", "v2")
    chain.clock.now = dt.datetime(2027, 1, 14, 23, 59, 59, tzinfo=UTC)
    assert chain.quote_version("R001") == "v1"
    chain.clock.now = dt.datetime(2027, 1, 15, 0, 0, tzinfo=UTC)
    assert (chain.quote_version("R001"), chain.quote_version("R003")) == ("v2", "v2")
    # A store outside the wave keeps its version.
    assert chain.quote_version("R002") == "v1"


def test_a_scheduled_switch_survives_a_restart_before_its_moment(chain: Chain) -> None:
    _pilot(chain, ["R001"])
    restarted = restart(chain)  # the server (and any worker) goes away and comes back
    try:
        restarted.clock.now = dt.datetime(2027, 1, 15, 0, 0, 1, tzinfo=UTC)
        assert restarted.quote_version("R001") == "v2"
    finally:
        restarted.engine.dispose()  # its own pool: PostgreSQL's connections are shared


def test_a_purchase_records_the_version_it_ran_under_and_its_points(chain: Chain) -> None:
    _pilot(chain, ["R001"])
    body = {
        "lines": [{"sku": "M", "category": "dairy", "quantity": "1", "amount": "1000.00"}],
        "redeem_points": 0,
        "member_id": chain.member_id,
    }
    for moment, label, points in [("2027-01-14T23:59:00", "v1", 10), ("2027-01-15T00:00:00", "v2", 50)]:
        chain.clock.now = dt.datetime.fromisoformat(moment).replace(tzinfo=UTC)
        response = chain.client().post(
            "/api/v1/purchases",
            json=body,
            headers={"Authorization": f"Bearer {chain.keys['R001']}", "Idempotency-Key": moment},
        )
        assert response.status_code == 201
        assert (response.get_json()["config_version"], response.get_json()["earned_points"]) == (
            label,
            points,
        )


def test_rollback_of_one_store_is_seen_on_its_next_request(chain: Chain) -> None:
    plan_id = _pilot(chain, ["R001", "R002"], at=None)
    chain.clock.advance(minutes=1)
    assert chain.quote_version("R001") == "v2"
    with chain.session() as session:
        result = service.rollback(
            session,
            service.get_plan(session, plan_id),
            reason="tills print wrong totals",
            now=chain.clock.now,
            store_code="R001",
        )
        session.commit()
    assert result.switched_back == ["R001"]
    assert chain.quote_version("R001") == "v1"
    assert chain.quote_version("R002") == "v2"


def test_rollback_before_the_switch_calls_the_switch_off(chain: Chain) -> None:
    plan_id = _pilot(chain, ["R001"])
    with chain.session() as session:
        result = service.rollback(
            session, service.get_plan(session, plan_id), reason="not ready", now=chain.clock.now
        )
        session.commit()
    assert result.called_off == ["R001"]
    chain.clock.now = dt.datetime(2027, 1, 16, tzinfo=UTC)
    assert chain.quote_version("R001") == "v1"


def test_rolling_back_a_plan_that_never_switched_is_refused_and_changes_nothing(chain: Chain) -> None:
    with chain.session() as session:
        plan = service.create_plan(
            session, "DEMO", chain.version(session, "v2"), ["R001"], actor="r", now=chain.clock.now
        )
        session.commit()
        with pytest.raises(RolloutError, match="never switched"):
            service.rollback(session, plan, reason="why not", now=chain.clock.now)
        session.rollback()
    assert chain.quote_version("R001") == "v1"


def test_halt_freezes_advancing_and_calls_off_pending_switches(chain: Chain) -> None:
    plan_id = _pilot(chain, ["R001"])
    with chain.session() as session:
        plan = service.get_plan(session, plan_id)
        assert service.halt(session, plan, reason="incident at HQ", now=chain.clock.now) == ["R001"]
        service.add_wave(session, plan, codes=["R002"], now=chain.clock.now)
        with pytest.raises(RolloutError, match="halted"):
            service.advance(session, plan, actor="r", now=chain.clock.now)
        session.commit()
    chain.clock.now = dt.datetime(2027, 1, 16, tzinfo=UTC)
    assert chain.quote_version("R001") == "v1"


def test_the_job_records_due_switches_once(chain: Chain) -> None:
    _pilot(chain, ["R001", "R003"])
    with chain.session() as session:
        assert service.record_due_switches(session, dt.datetime(2027, 1, 14, 22, 30, tzinfo=UTC)) == [
            (1, 1, "R003")
        ]
        assert service.record_due_switches(session, dt.datetime(2027, 1, 15, 1, 0, tzinfo=UTC)) == [
            (1, 1, "R001")
        ]
        assert service.record_due_switches(session, dt.datetime(2027, 1, 15, 2, 0, tzinfo=UTC)) == []
        assert store_service.get_store(session, "R001").active_version_id == chain.v2
