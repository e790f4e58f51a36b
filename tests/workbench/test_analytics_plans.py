"""A rollout plan's analytics: `workbench pilot evaluate PLAN`, the KPI guardrail the rollout
gate reads (thresholds stored per plan, edited on the plan page), and control stores suggested
by matching and accepted on the plan page."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select

from loyalty_core.config import service as config_service
from loyalty_core.stores.models import Store
from rollout import gates
from rollout import service as rollout
from rollout.errors import GateClosed
from rollout.models import GateDecision, RolloutPlan, WaveStore
from tests.analytics.pilot_ledger import CONTROLS, PILOT_END, PILOT_START, PILOTS, generate_pilot_ledger
from tests.rollout.conftest import V2
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.programme_analytics import gate as guardrail_gate
from workbench.programme_analytics import plans

UTC = dt.UTC
PLANNED = dt.datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
GATE_AT = dt.datetime(2026, 3, 30, 12, 0, tzinfo=UTC)  # the day after the pilot's four weeks


def pilot_plan(app: Flask, lift: float, controls: bool = True) -> int:
    """The generated pilot ledger (R001-R003 piloting from 2 March, R004-R008 not) as a plan:
    v2 piloted in R001-R003 (03:00 Moscow = 00:00 UTC on 2 March), each with one control store,
    and wave 2 (R009) waiting behind its gate."""
    with app.app_context():
        generate_pilot_ledger(db.engine, lift=lift)
        session = db.session()
        version = config_service.create_version(session, "v2", V2, created_by="test")
        config_service.approve(session, version, approved_by="approver")
        session.execute(insert(Store).values(code="R009", direction="retail", api_key_hash="k-R009"))
        plan = rollout.create_plan(
            session,
            "DEMO",
            version,
            PILOTS,
            actor="test",
            now=PLANNED,
            at_local=dt.datetime(2026, 3, 2, 3, 0),
        )
        if controls:
            for pilot, control in zip(PILOTS, CONTROLS[:3], strict=True):
                rollout.set_controls(session, plan, pilot, [control])
        rollout.advance(session, plan, actor="test", now=PLANNED)
        rollout.add_wave(session, plan, now=PLANNED, codes=["R009"])
        session.commit()
        return plan.id


def set_guardrail(app: Flask, plan_id: int, threshold: str = "5", **limits: str) -> None:
    with app.app_context():
        plan = db.session.get(RolloutPlan, plan_id)
        assert plan is not None
        plans.set_guardrail(
            db.session(),
            plan,
            threshold=threshold,
            limits=limits,
            confidence="90",
            block_inconclusive=False,
            actor="rollout_manager",
        )
        db.session.commit()


# --- workbench pilot evaluate PLAN -------------------------------------------------------------


def test_pilot_evaluate_takes_the_plans_stores_controls_and_dates(app: Flask) -> None:
    plan_id = pilot_plan(app, lift=0.10)
    runner = app.test_cli_runner()
    explicit = runner.invoke(
        args=[
            "pilot",
            "evaluate",
            "--pilot",
            ",".join(PILOTS),
            "--control",
            ",".join(CONTROLS[:3]),
            "--from",
            str(PILOT_START),
            "--to",
            str(PILOT_END),
            "--json",
        ]
    )
    assert explicit.exit_code == 0, explicit.output
    from unittest import mock

    with mock.patch("workbench.rollout.service.utcnow", return_value=GATE_AT):
        by_id = runner.invoke(args=["pilot", "evaluate", str(plan_id), "--json"])
        by_name = runner.invoke(args=["pilot", "evaluate", "DEMO/v2", "--json"])
    assert by_id.exit_code == 0, by_id.output
    data = json.loads(by_id.output)
    assert data["pilot"] == PILOTS and data["control"] == CONTROLS[:3]
    assert data["post"] == [str(PILOT_START), str(PILOT_END)]
    assert data == json.loads(explicit.output) == json.loads(by_name.output)
    assert data["effects"][0]["metric"] == "average_check" and data["effects"][0]["finding"] == "lift"


def test_pilot_evaluate_names_what_is_missing(app: Flask) -> None:
    plan_id = pilot_plan(app, lift=0.0, controls=False)
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["pilot", "evaluate", "77"])
    assert unknown.exit_code == 1 and "no rollout plan '77'" in unknown.output
    bare = runner.invoke(args=["pilot", "evaluate", str(plan_id)])
    assert bare.exit_code == 1 and f"plan {plan_id}: no control stores named" in bare.output
    nothing = runner.invoke(args=["pilot", "evaluate"])
    assert nothing.exit_code == 1 and "give a PLAN, or --pilot, --control, --from and --to" in nothing.output


# --- the KPI guardrail in the rollout gate -----------------------------------------------------


def guardrail_result(app: Flask, plan_id: int) -> gates.CriterionResult:
    with app.app_context():
        plan = rollout.get_plan(db.session(), plan_id)
        results = rollout.gate_for(db.session(), plan, plan.waves[1], GATE_AT)
    (result,) = [r for r in results if r.name == guardrail_gate.NAME]
    return result


def test_the_gate_reads_the_guardrail_only_of_plans_that_set_one(app: Flask) -> None:
    plan_id = pilot_plan(app, lift=-0.20)
    unset = guardrail_result(app, plan_id)
    assert unset.ok and unset.evidence == {"guardrail": "not set for this plan"}
    set_guardrail(app, plan_id, "5")
    breached = guardrail_result(app, plan_id)
    assert not breached.ok
    checks = {c["kpi"]: c for c in breached.evidence["checks"]}
    assert checks["average_check"]["status"] == "breached"
    assert checks["average_check"]["upper_pct"] < -5 and checks["average_check"]["no_worse_than_pct"] == -5
    assert breached.evidence["pilot"] == PILOTS and breached.evidence["control"] == CONTROLS[:3]
    assert breached.evidence["pilot_days"] == [str(PILOT_START), str(PILOT_END)]


@pytest.fixture
def only_the_guardrail(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The gate with the guardrail as its one criterion: what opens or closes it is the guardrail."""
    monkeypatch.setattr(gates, "REGISTRY", {guardrail_gate.NAME: gates.REGISTRY[guardrail_gate.NAME]})
    yield


def test_a_guardrail_breach_closes_the_gate(app: Flask, only_the_guardrail: None) -> None:
    plan_id = pilot_plan(app, lift=-0.20)  # the pilot's average check fell by a fifth
    set_guardrail(app, plan_id, "5")
    with app.app_context():
        plan = rollout.get_plan(db.session(), plan_id)
        with pytest.raises(GateClosed) as closed:
            rollout.advance(db.session(), plan, actor="rollout_manager", now=GATE_AT)
        assert closed.value.failing == [f"{guardrail_gate.NAME}: {guardrail_gate.TITLE}"]


def test_within_its_thresholds_the_gate_opens_and_keeps_the_figures(
    app: Flask, only_the_guardrail: None
) -> None:
    plan_id = pilot_plan(app, lift=0.10)
    set_guardrail(app, plan_id, "5", average_check="3")
    with app.app_context():
        plan = rollout.get_plan(db.session(), plan_id)
        result = rollout.advance(db.session(), plan, actor="rollout_manager", now=GATE_AT)
        db.session.commit()
        assert result.decision is not None and result.decision.passed
        decision = db.session.scalar(select(GateDecision).where(GateDecision.plan_id == plan_id))
        assert decision is not None
        (snapshot,) = decision.criteria
        assert snapshot["name"] == guardrail_gate.NAME and snapshot["ok"]
        checks = {c["kpi"]: c for c in snapshot["evidence"]["checks"]}
        assert checks["average_check"]["no_worse_than_pct"] == -3  # the KPI's own threshold
        assert checks["average_check"]["status"] == "passed" and checks["average_check"]["lower_pct"] > 0
        assert (
            snapshot["evidence"]["threshold_pct"] == "5.00"
            and snapshot["evidence"]["confidence_pct"] == "90.00"
        )


# --- the plan page: guardrail thresholds ------------------------------------------------------


def test_a_rollout_manager_sets_the_guardrail_on_the_plan_page(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    plan_id = pilot_plan(app, lift=0.10)
    client = login_as("rollout_manager")
    page = client.get(f"/rollout/plans/{plan_id}").get_data(as_text=True)
    assert "No KPI guardrail is set for this plan" in page and 'id="guardrail-form"' in page
    response = client.post(
        f"/analytics/plans/{plan_id}/guardrail",
        data={"threshold": "4", "confidence": "95", "retention": "2,5", "block_inconclusive": "y"},
    )
    assert response.status_code == 302
    page = client.get(f"/rollout/plans/{plan_id}").get_data(as_text=True)
    assert "worse than −4.00% at 95.00% confidence" in page and "Retention: −2.50%." in page
    refused = client.post(
        f"/analytics/plans/{plan_id}/guardrail",
        data={"threshold": "lots", "confidence": "90"},
        follow_redirects=True,
    )
    assert "threshold: &#39;lots&#39; is not a number of percent" in refused.get_data(as_text=True)
    with app.app_context():
        row = plans.guardrail_of(db.session(), rollout.get_plan(db.session(), plan_id))
        assert row is not None and (str(row.threshold_pct), row.limits) == ("4.00", {"retention": "2.50"})
        assert row.block_inconclusive
        audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "rollout.guardrail")).all()
        assert len(audited) == 1 and audited[0].actor == "rollout_manager"
    client.post("/logout")
    consultant = login_as("consultant")
    assert (
        consultant.post(f"/analytics/plans/{plan_id}/guardrail", data={"threshold": "50"}).status_code == 403
    )
    assert 'id="guardrail-form"' not in consultant.get(f"/rollout/plans/{plan_id}").get_data(as_text=True)


# --- the plan page: control stores suggested by matching ------------------------------------


def test_suggested_control_stores_are_shown_with_their_quality_and_accepted(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    plan_id = pilot_plan(app, lift=0.10, controls=False)
    client = login_as("rollout_manager")
    assert 'id="suggest-controls"' in client.get(f"/rollout/plans/{plan_id}").get_data(as_text=True)
    page = client.get(f"/analytics/plans/{plan_id}/controls").get_data(as_text=True)
    offered = {
        (chunk.split('data-pilot="')[1].split('"')[0], chunk.split('data-control="')[1].split('"')[0])
        for chunk in page.split('<tr class="match"')[1:]
    }
    assert {p for p, _ in offered} == set(PILOTS)
    # Not a pilot store, not R009 (in wave 2): only the stores that kept the old configuration.
    assert {c for _, c in offered} <= set(CONTROLS)
    assert len(offered) == 2 * len(PILOTS)  # two per pilot store
    assert "Match score" in page and any(q in page for q in ("good", "fair", "poor"))
    chosen = sorted(offered)[:2]
    response = client.post(
        f"/analytics/plans/{plan_id}/controls", data={"match": [f"{p}:{c}" for p, c in chosen]}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/rollout/plans/{plan_id}")
    with app.app_context():
        named = dict(
            db.session.execute(
                select(Store.code, WaveStore.control_codes)
                .join(WaveStore, WaveStore.store_id == Store.id)
                .where(WaveStore.plan_id == plan_id, WaveStore.control_codes != "")
            ).all()
        )
    expected: dict[str, list[str]] = {}
    for p, c in chosen:
        expected.setdefault(p, []).append(c)
    assert named == {p: ",".join(cs) for p, cs in expected.items()}
    client.post("/logout")
    approver = login_as("approver")
    assert approver.get(f"/analytics/plans/{plan_id}/controls").status_code == 200  # reads
    assert (
        approver.post(f"/analytics/plans/{plan_id}/controls", data={"match": "R001:R004"}).status_code == 403
    )


def test_accepting_a_store_of_another_direction_is_refused_naming_it(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    plan_id = pilot_plan(app, lift=0.10, controls=False)
    with app.app_context():
        db.session.execute(insert(Store).values(code="W001", direction="wholesale", api_key_hash="k-W001"))
        db.session.commit()
    client = login_as("rollout_manager")
    page = client.post(
        f"/analytics/plans/{plan_id}/controls", data={"match": "R001:W001"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "control store W001 is wholesale, pilot store R001 is retail" in page
    with app.app_context():
        assert not db.session.scalars(
            select(WaveStore.control_codes).where(WaveStore.control_codes != "")
        ).all()
