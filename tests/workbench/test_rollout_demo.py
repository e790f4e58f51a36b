"""The DEMO chain's rollout: 60 stores in 4 regions and 3 time zones, v2 piloted six weeks in
R001-R003 and W001-W002 with control stores, a feedback log, a half-done checklist of wave 2 and a
gate that is closed and says why."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable
from unittest import mock

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from loyalty_core.ledger.models import Transaction
from loyalty_core.stores import service as store_service
from rollout import readiness
from rollout import service as rollout
from workbench.demo import rollout_demo
from workbench.demo.loader import load_demo
from workbench.extensions import db

FIGURES = r"([+-][\d.]+)% \(95% interval ([+-][\d.]+)% to ([+-][\d.]+)%\)"  # lift (interval), as printed


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


def test_the_demo_pilot_evaluation_shows_v2s_average_check_lift_with_its_interval(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    """The demo as `workbench demo` loads it (300 members, 120 days): the pilot stores' baskets
    are worth rollout.yaml's `pilot_basket_lift` (+8%) more once switched, and the evaluation of
    DEMO/v2 against the control stores measures a positive average-check lift whose interval
    holds the true +8%. With 5 pilot and 5 control stores the interval is wide; the CLI and the
    page print the figure with it."""
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    true_lift = float(rollout_demo.spec()["pilot_basket_lift"])
    with app.app_context():
        load_demo(db.session(), now=now)
        db.session.commit()
    with mock.patch("workbench.rollout.service.utcnow", return_value=now):
        result = app.test_cli_runner().invoke(args=["pilot", "evaluate", "DEMO/v2", "--json"])
        assert result.exit_code == 0, result.output
        check = json.loads(result.output)["effects"][0]
        assert check["metric"] == "average_check"
        assert check["lift"] > 0 and check["low"] < true_lift < check["high"]
        assert check["low"] < check["lift"] < check["high"]
        text = app.test_cli_runner().invoke(args=["pilot", "evaluate", "DEMO/v2"]).output
        said = re.search(r"Average check: .*?" + FIGURES, text)
        assert said is not None, text
        assert [float(v) for v in said.groups()] == pytest.approx(
            [100 * check[k] for k in ("lift", "low", "high")], abs=0.051
        )
        _the_pilot_commands_speak_russian(app, json.loads(result.output))
        page = login_as("rollout_manager").get("/analytics/pilot?plan=DEMO/v2").get_data(as_text=True)
    figures = f"{said[1]}% (95% interval {said[2]}% to {said[3]}%)"
    assert re.search(r"Average check: [^<]*" + re.escape(figures), page), figures


def _the_pilot_commands_speak_russian(app: Flask, design: dict[str, list[str]]) -> None:
    """evaluate, guardrail and suggest in the CLI's language (BABEL_DEFAULT_LOCALE): Russian words
    around the figures; the tab-separated codes and statuses stay data for scripts."""
    pilots, controls = ",".join(design["pilot"]), ",".join(design["control"])
    period = ["--from", design["post"][0], "--to", design["post"][1]]
    app.config["BABEL_DEFAULT_LOCALE"] = "ru"
    try:
        runner = app.test_cli_runner()
        evaluated = runner.invoke(args=["pilot", "evaluate", "DEMO/v2"]).output
        guarded = runner.invoke(
            args=["pilot", "guardrail", "--pilot", pilots, "--control", controls, *period]
        )
        suggested = runner.invoke(
            args=["pilot", "suggest", "--pilot", pilots, "--from", design["pre"][0], "--to", design["pre"][1]]
        ).output
    finally:
        app.config["BABEL_DEFAULT_LOCALE"] = "en"
    assert "Средний чек:" in evaluated and "Average" not in evaluated, evaluated
    rows = [line.split("\t") for line in guarded.output.splitlines() if "\t" in line]
    assert rows and all(row[1] in {"passed", "inconclusive", "breached"} for row in rows), guarded.output
    assert all("не хуже" in row[2] for row in rows), guarded.output
    matches = [line.split("\t") for line in suggested.splitlines()]
    assert matches and all(row[0] in design["pilot"] for row in matches), suggested
    assert all(re.match(r"оценка [\d.]+ \((хорошее|среднее|плохое)\)", row[2]) for row in matches), suggested
