"""`workbench store import` and `workbench rollout ...` as a rollout manager scripts them."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from rollout.models import RolloutPlan
from tests.rollout.conftest import REGISTER, V1, V2
from tests.workbench.rollout_support import seed_project
from workbench.audit.models import AuditEntry
from workbench.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _setup(app: Flask, tmp_path: Path) -> None:
    seed_project(app)  # plans go into a project
    runner = app.test_cli_runner()
    for label, text in (("v1", V1), ("v2", V2)):
        path = tmp_path / f"{label}.yaml"
        path.write_text(text)
        assert runner.invoke(args=["config", "load", str(path), "--label", label]).exit_code == 0
        assert runner.invoke(args=["config", "approve", label]).exit_code == 0
    register = tmp_path / "stores.csv"
    register.write_text(REGISTER)
    imported = runner.invoke(args=["store", "import", str(register)])
    assert imported.exit_code == 0 and "9 store(s) added, 0 updated" in imported.output
    for code in ("R001", "R002", "R003", "R004", "R005", "R006", "W001", "W002"):
        assert runner.invoke(args=["store", "assign", code, "v1"]).exit_code == 0


def test_a_plan_from_pilot_to_rollback_by_cli(app: Flask, tmp_path: Path) -> None:
    _setup(app, tmp_path)
    run = app.test_cli_runner().invoke
    created = run(
        args=[
            "rollout",
            "plan",
            "create",
            "--project",
            "DEMO",
            "--version",
            "v2",
            "--pilot",
            "R001,R002,W001",
        ]
    )
    assert created.exit_code == 0, created.output
    plan = created.stdout.strip()
    assert run(args=["rollout", "controls", plan, "R001", "--controls", "R005"]).exit_code == 0
    never = run(args=["rollout", "rollback", plan, "--reason", "test"])
    assert never.exit_code == 1 and "never switched" in never.output
    assert "wave 1: 3 store(s) scheduled" in run(args=["rollout", "advance", plan]).output
    twice = run(args=["rollout", "wave", "add", plan, "--stores", "R002,R003"])
    assert twice.exit_code == 1 and "R002 (wave 1)" in twice.output
    past = run(args=["rollout", "wave", "add", plan, "--region", "Ural", "--at", "2020-01-01 03:00"])
    assert past.exit_code == 1 and "has already passed" in past.output
    assert (
        run(args=["rollout", "wave", "add", plan, "--region", "Ural", "--at", "2099-01-15 03:00"]).exit_code
        == 0
    )

    gate = run(args=["rollout", "gate", plan, "2", "--json"])
    assert gate.exit_code == 1
    report = json.loads(gate.stdout)
    assert report["open"] is False
    by_name = {c["name"]: c for c in report["criteria"]}
    assert {
        "acceptance_passed",
        "prototype_signed",
        "pilot_ran",
        "no_blocking_defects",
        "checklist_complete",
    } <= set(by_name)
    assert by_name["prototype_signed"]["ok"] is True and by_name["acceptance_passed"]["ok"] is False
    assert "evidence" in by_name["pilot_ran"]

    closed = run(args=["rollout", "advance", plan])
    assert closed.exit_code == 1 and "pilot_ran" in closed.output and "acceptance_passed" in closed.output
    not_approver = run(
        args=["rollout", "advance", plan, "--override-reason", "go", "--as", "rollout_manager"]
    )
    assert not_approver.exit_code == 1 and "only an approver" in not_approver.output
    overridden = run(
        args=["rollout", "advance", plan, "--override-reason", "board said go", "--as", "approver"]
    )
    assert overridden.exit_code == 0 and "gate overridden" in overridden.output

    status = json.loads(run(args=["rollout", "status", plan, "--json"]).stdout)
    rows = {r["code"]: r for r in status["rows"]}
    assert rows["R001"]["state"] == "switched" and rows["R001"]["current"] == "v2"
    assert rows["R003"]["state"] == "scheduled" and rows["R003"]["switch_local"] == "2099-01-15 03:00"

    rolled = run(args=["rollout", "rollback", plan, "--store", "R001", "--reason", "tills crash"])
    assert rolled.exit_code == 0 and "rolled back: R001" in rolled.output
    assert run(args=["rollout", "halt", plan, "--reason", "incident"]).exit_code == 0
    assert run(args=["rollout", "resume", plan]).exit_code == 0
    item = run(
        args=[
            "rollout",
            "feedback",
            "add",
            plan,
            "--store",
            "R002",
            "--reporter",
            "Cashier",
            "--severity",
            "high",
            "--text",
            "No points on receipt",
        ]
    ).stdout.strip()
    assert run(args=["rollout", "feedback", "set", plan, item, "fixed"]).exit_code == 0
    ticked = run(args=["rollout", "checklist", plan, "2", "--complete"])
    assert ticked.exit_code == 0 and "12 item(s) ticked" in ticked.output

    with app.app_context():
        entries = {(e.action, e.actor): e for e in db.session.scalars(select(AuditEntry))}
    override = entries[("rollout.gate_override", "approver")]
    assert override.details["override_reason"] == "board said go"
    assert {c["name"] for c in override.details["criteria"] if not c["ok"]} >= {
        "pilot_ran",
        "acceptance_passed",
    }
    assert entries[("rollout.rollback", "cli")].details["reason"] == "tills crash"
    assert {a for a, _ in entries} >= {
        "store.import",
        "rollout.plan_create",
        "rollout.advance",
        "rollout.halt",
        "rollout.resume",
        "rollout.feedback_add",
        "rollout.feedback_status",
        "rollout.checklist",
    }


def test_a_bad_register_is_refused_line_by_line_and_nothing_is_stored(app: Flask, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(REGISTER.replace("Asia/Yekaterinburg", "Asia/Ekb", 1).replace(",wholesale,", ",bulk,", 1))
    result = app.test_cli_runner().invoke(args=["store", "import", str(bad)])
    assert result.exit_code == 1
    assert "line 4, timezone: unknown time zone 'Asia/Ekb'" in result.output
    assert "line 9, direction: unknown direction 'bulk'" in result.output
    assert app.test_cli_runner().invoke(args=["store", "list"]).output.strip() == ""


def test_a_sixth_pilot_store_needs_an_approvers_override_which_is_audited(app: Flask, tmp_path: Path) -> None:
    _setup(app, tmp_path)
    run = app.test_cli_runner().invoke
    six = [
        "rollout",
        "plan",
        "create",
        "--project",
        "DEMO",
        "--version",
        "v2",
        "--pilot",
        "R001,R002,R003,R004,R005,R006",
    ]
    refused = run(args=six)
    assert refused.exit_code == 1 and "at most 5 stores per direction: 6 retail stores" in refused.output
    not_approver = run(args=[*six, "--override-reason", "six cities", "--as", "rollout_manager"])
    assert not_approver.exit_code == 1 and "only an approver may override" in not_approver.output
    accepted = run(args=[*six, "--override-reason", "the client wants six cities", "--as", "approver"])
    assert accepted.exit_code == 0, accepted.output
    with app.app_context():
        override = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "rollout.pilot_override")
        ).one()
        assert override.actor == "approver" and override.details["reason"] == "the client wants six cities"
        assert db.session.scalar(select(func.count()).select_from(RolloutPlan)) == 1


def test_a_plan_goes_into_an_existing_project(app: Flask, tmp_path: Path) -> None:
    _setup(app, tmp_path)
    args = ["rollout", "plan", "create", "--version", "v2", "--pilot", "R001"]
    refused = app.test_cli_runner().invoke(args=[*args, "--project", "NOSUCH"])
    assert refused.exit_code == 1 and "no project 'NOSUCH'" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RolloutPlan)) == 0
