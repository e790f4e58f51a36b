"""Plans, waves and gates: the pilot limit, bad input refused with nothing stored, a closed gate
refusing `advance` and naming what fails, an override recording who, why and the evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from loyalty_core.ledger.models import Transaction
from loyalty_core.stores.models import VersionAssignment
from rollout import gates, readiness, register, service
from rollout.errors import GateClosed, RolloutError
from rollout.models import GateDecision, RolloutPlan, WaveStore
from rollout.schedule import parse_local
from tests.rollout.conftest import Chain

SIX_RETAIL = "\n".join(
    f"X{i:03d},Extra {i},retail,Moscow,Moscow,Europe/Moscow,convenience,,open" for i in range(1, 7)
)


def _counts(chain: Chain) -> tuple[int, int, int]:
    with chain.session() as session:
        return (
            int(session.scalar(select(func.count()).select_from(RolloutPlan)) or 0),
            int(session.scalar(select(func.count()).select_from(WaveStore)) or 0),
            int(session.scalar(select(func.count()).select_from(VersionAssignment)) or 0),
        )


def test_a_sixth_pilot_store_of_a_direction_needs_an_override(chain: Chain) -> None:
    header = "code,name,direction,region,city,timezone,format,opened on,status\n"
    with chain.session() as session:
        register.import_register(session, "more.csv", (header + SIX_RETAIL).encode())
        session.commit()
        six = [f"X{i:03d}" for i in range(1, 7)]
        with pytest.raises(RolloutError, match="at most 5 stores per direction: 6 retail"):
            service.create_plan(
                session, "DEMO", chain.version(session, "v2"), six, actor="rollout", now=chain.clock.now
            )
        session.rollback()
        assert _counts(chain)[0] == 0
        # 5 retail and 2 wholesale is within the limit.
        service.create_plan(
            session,
            "DEMO",
            chain.version(session, "v2"),
            six[:5] + ["W001", "W002"],
            actor="r",
            now=chain.clock.now,
        )
        plan = service.create_plan(
            session,
            "DEMO",
            chain.version(session, "v2"),
            six,
            actor="rollout",
            now=chain.clock.now,
            override_reason="the client wants a sixth city",
            override_by="approver",
        )
        session.commit()
        assert (plan.waves[0].override_by, plan.waves[0].override_reason) == (
            "approver",
            "the client wants a sixth city",
        )
        assert len(plan.waves[0].stores) == 6


@pytest.mark.parametrize(
    ("wave", "message"),
    [
        ({"codes": ["R001"]}, r"only one wave of a plan; already planned: R001 \(wave 1\)"),
        ({"codes": ["R404", "R002"]}, "unknown store code.*R404"),
        ({"codes": ["R002"], "at_local": "2027-01-14 14:00"}, r"14:00 \(local\) has already passed in: R002"),
        ({"codes": ["R007"]}, "closed store"),
    ],
)
def test_a_bad_wave_is_refused_and_nothing_changes(chain: Chain, wave: dict, message: str) -> None:
    with chain.session() as session:
        plan = service.create_plan(
            session, "DEMO", chain.version(session, "v2"), ["R001"], actor="r", now=chain.clock.now
        )
        session.commit()
    before = _counts(chain)
    with chain.session() as session:
        plan = service.get_plan(session, plan.id)
        args = dict(wave)
        at = parse_local(args.pop("at_local")) if "at_local" in args else None
        with pytest.raises(RolloutError, match=message):
            service.add_wave(session, plan, now=chain.clock.now, at_local=at, **args)
        session.rollback()
    assert _counts(chain) == before


def test_a_switch_time_already_past_in_one_zone_is_refused(chain: Chain) -> None:
    # 2027-01-14 16:30 local: still ahead in Moscow (13:30 UTC) but past in Yekaterinburg (11:30 UTC).
    with chain.session() as session:
        plan = service.create_plan(
            session, "DEMO", chain.version(session, "v2"), ["R001"], actor="r", now=chain.clock.now
        )
        with pytest.raises(RolloutError, match="already passed in: R003$"):
            service.add_wave(
                session,
                plan,
                codes=["R002", "R003"],
                now=chain.clock.now,
                at_local=parse_local("2027-01-14 16:30"),
            )


def test_later_waves_by_region_and_direction_cover_every_open_store(chain: Chain) -> None:
    with chain.session() as session:
        plan = service.create_plan(
            session, "DEMO", chain.version(session, "v2"), ["R001", "W001"], actor="r", now=chain.clock.now
        )
        wave2 = service.add_wave(session, plan, region="Ural", direction="retail", now=chain.clock.now)
        assert sorted(ws.store_id for ws in wave2.stores) == sorted(
            s.id for s in service.stores_by_codes(session, ["R003", "R004"])
        )
        service.add_wave(session, plan, direction="wholesale", now=chain.clock.now)
        assert service.uncovered_open_stores(session, plan) == 3  # R002, R005, R006 (R007 is closed)
        service.add_wave(session, plan, region="Moscow", now=chain.clock.now)
        service.add_wave(session, plan, region="North-West", now=chain.clock.now)
        assert service.uncovered_open_stores(session, plan) == 0
        with pytest.raises(RolloutError, match="no open store"):
            service.add_wave(session, plan, region="Moscow", now=chain.clock.now)


def test_control_stores_share_the_direction_and_stay_out_of_the_pilot(chain: Chain) -> None:
    with chain.session() as session:
        plan = service.create_plan(
            session, "DEMO", chain.version(session, "v2"), ["R001", "R002"], actor="r", now=chain.clock.now
        )
        with pytest.raises(RolloutError, match="W001 is wholesale"):
            service.set_controls(session, plan, "R001", ["W001"])
        with pytest.raises(RolloutError, match="itself in the pilot"):
            service.set_controls(session, plan, "R001", ["R002"])
        assert service.set_controls(session, plan, "R001", ["R005", "R006"]).control_codes == "R005,R006"


def _advanced_pilot(chain: Chain, session) -> RolloutPlan:  # type: ignore[no-untyped-def]
    plan = service.create_plan(
        session, "DEMO", chain.version(session, "v2"), ["R001", "R002"], actor="r", now=chain.clock.now
    )
    service.advance(session, plan, actor="rollout", now=chain.clock.now)
    service.add_wave(session, plan, codes=["R005", "R006"], now=chain.clock.now)
    plan.min_pilot_days, plan.min_pilot_transactions = 7, 2
    return plan


def test_a_closed_gate_refuses_advance_and_names_the_failing_criteria(chain: Chain) -> None:
    with chain.session() as session:
        plan = _advanced_pilot(chain, session)
        readiness.add_feedback(
            session,
            plan,
            store_code="R001",
            reporter="Store manager",
            severity="high",
            category="defect",
            text="Receipt shows no points",
            actor="rollout",
            now=chain.clock.now,
        )
        session.commit()
        with pytest.raises(GateClosed) as refused:
            service.advance(session, plan, actor="rollout", now=chain.clock.now + dt.timedelta(days=1))
        session.rollback()
        assert "pilot_ran" in str(refused.value) and "no_blocking_defects" in str(refused.value)
        assert "checklist_complete" in str(refused.value)
        assert "prototype_signed" not in str(refused.value)
        assert session.scalar(select(func.count()).select_from(GateDecision)) == 0


def _pos_purchases(chain: Chain, code: str, n: int) -> None:
    for i in range(n):
        response = chain.client().post(
            "/api/v1/purchases",
            json={
                "member_id": chain.member_id,
                "redeem_points": 0,
                "lines": [{"sku": "A", "category": "dairy", "quantity": "1", "amount": "100.00"}],
            },
            headers={"Authorization": f"Bearer {chain.keys[code]}", "Idempotency-Key": f"{code}-{i}"},
        )
        assert response.status_code == 201


def test_an_open_gate_advances_when_every_criterion_holds(chain: Chain) -> None:
    with chain.session() as session:
        plan = _advanced_pilot(chain, session)
        item = readiness.add_feedback(
            session,
            plan,
            store_code="R001",
            reporter="Cashier",
            severity="critical",
            category="defect",
            text="Crash",
            actor="rollout",
            now=chain.clock.now,
        )
        session.commit()
        plan_id, item_id = plan.id, item.id
    chain.clock.advance(minutes=5)
    _pos_purchases(chain, "R001", 2)
    chain.clock.advance(days=8)
    with chain.session() as session:
        plan = service.get_plan(session, plan_id)
        readiness.set_feedback_status(session, plan, item_id, "fixed", chain.clock.now)
        readiness.complete_checklist(session, plan.waves[1], actor="rollout", now=chain.clock.now)
        result = service.advance(session, plan, actor="rollout", now=chain.clock.now)
        session.commit()
        assert result.decision is not None and result.decision.decision == "advance"
        evidence = {c["name"]: c for c in result.decision.criteria}
        assert evidence["pilot_ran"]["evidence"]["transactions"] == 2
        assert evidence["pilot_ran"]["evidence"]["days"] == 8
    assert chain.quote_version("R005") == "v2"


def test_an_override_records_who_why_and_the_evidence(chain: Chain) -> None:
    with chain.session() as session:
        plan = _advanced_pilot(chain, session)
        result = service.advance(
            session, plan, actor="approver", now=chain.clock.now, override_reason="board decision"
        )
        session.commit()
        decision = session.scalars(select(GateDecision)).one()
        assert (decision.decided_by, decision.override_reason, decision.decision, decision.passed) == (
            "approver",
            "board decision",
            "override",
            False,
        )
        failing = {c["name"] for c in decision.criteria if not c["ok"]}
        assert failing == {"pilot_ran", "checklist_complete"}
        assert result.switches == 2


def test_a_pluggable_criterion_joins_every_gate(chain: Chain) -> None:
    @gates.register("kpi_guardrails", "KPI guardrails hold")
    def kpi(ctx: gates.GateContext) -> gates.Check:
        return gates.Check(False, {"avg_check_delta_pct": -7.5, "threshold_pct": -5})

    try:
        with chain.session() as session:
            plan = _advanced_pilot(chain, session)
            with pytest.raises(GateClosed, match="kpi_guardrails"):
                service.advance(session, plan, actor="r", now=chain.clock.now)
    finally:
        gates.REGISTRY.pop("kpi_guardrails")


def test_pilot_transactions_count_only_the_plan_version_after_the_switch(chain: Chain) -> None:
    _pos_purchases(chain, "R001", 3)  # under v1, before the pilot
    with chain.session() as session:
        plan = _advanced_pilot(chain, session)
        session.commit()
        results = service.gate_for(session, plan, plan.waves[1], chain.clock.now)
        pilot = next(r for r in results if r.name == "pilot_ran")
        assert pilot.evidence["transactions"] == 0
        assert session.scalar(select(func.count()).select_from(Transaction)) == 3
