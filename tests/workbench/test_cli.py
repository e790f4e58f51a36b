"""The `workbench` command line as scripts and a newcomer use it."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from loyalty_core.config import service as config_service
from loyalty_core.stores import service as store_service
from loyalty_core.stores.service import hash_key
from workbench.audit.models import AuditEntry
from workbench.extensions import db

DEMO = Path(__file__).resolve().parents[2] / "workbench" / "demo"


def test_config_validate_names_every_problem(app: Flask, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "program: X\nearn: {base_rate: five}\npromotions:\n  - {code: A, kind: multiplier, priority: high}\n"
    )
    result = app.test_cli_runner().invoke(args=["config", "validate", str(bad)])
    assert result.exit_code == 1
    assert "earn.base_rate: must be a number" in result.output
    assert "promotions[0].priority: must be an integer" in result.output
    assert "promotions[0].multiplier: is required when kind is 'multiplier'" in result.output
    good = app.test_cli_runner().invoke(args=["config", "validate", str(DEMO / "v2.yaml")])
    assert good.exit_code == 0 and "valid" in good.output


def test_config_validate_reports_yaml_syntax_with_the_line(app: Flask, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("program: X\nearn:\n  base_rate: [5\n")
    result = app.test_cli_runner().invoke(args=["config", "validate", str(broken)])
    assert result.exit_code == 1 and "line 4" in result.output


def test_load_approve_add_a_store_and_assign(app: Flask) -> None:
    runner = app.test_cli_runner()
    loaded = runner.invoke(args=["config", "load", str(DEMO / "v1.yaml"), "--label", "v1"])
    assert loaded.exit_code == 0, loaded.output
    version_id = int(loaded.stdout.strip().splitlines()[0])
    refused = runner.invoke(args=["store", "add", "r010", "--direction", "retail"])
    key = refused.stdout.strip().splitlines()[0]
    assert key.startswith("lk_")
    draft = runner.invoke(args=["store", "assign", "R010", "v1"])
    assert draft.exit_code == 1 and "draft" in draft.output
    assert runner.invoke(args=["config", "approve", "v1", "--by", "approver"]).exit_code == 0
    assigned = runner.invoke(args=["store", "assign", "R010", "v1"])
    assert assigned.exit_code == 0 and "R010 -> v1" in assigned.output
    with app.app_context():
        store = store_service.get_store(db.session, "R010")
        assert store.active_version_id == version_id
        assert store.api_key_hash == hash_key(key) and key not in store.api_key_hash
        assert config_service.get_version(db.session, "v1").is_approved
        actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-4:] == ["config.create", "store.add", "config.approve", "store.assign"]


def test_bad_direction_and_unknown_store_are_clear(app: Flask) -> None:
    runner = app.test_cli_runner()
    wrong = runner.invoke(args=["store", "add", "X1", "--direction", "online"])
    assert wrong.exit_code != 0 and "online" in wrong.output
    missing = runner.invoke(args=["store", "assign", "NOPE", "v1"])
    assert missing.exit_code == 1 and "no store 'NOPE'" in missing.output


def test_demo_loads_once_with_live_v1_and_v2_piloted(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--members", "20"])
    assert result.exit_code == 0, result.output
    assert "60 stores" in result.output
    # Only the demo login created now is printed: the test app's own consultant keeps its password.
    assert "rollout-demo" in result.output and "consultant-demo" not in result.output
    with app.app_context():
        stores = store_service.list_stores(db.session)
        assert len(stores) == 60
        assert {s.direction for s in stores} == {"retail", "wholesale"}
        pilot = {"R001", "R002", "R003", "W001", "W002"}
        assert {s.active_version.label for s in stores if s.active_version and s.code not in pilot} == {"v1"}
        assert {s.active_version.label for s in stores if s.code in pilot} == {"v2"}
        assert config_service.get_version(db.session, "v2").is_approved
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output


def test_points_expire_is_safe_to_run_twice(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["points", "expire"])
    second = runner.invoke(args=["points", "expire"])
    assert first.exit_code == second.exit_code == 0
    assert "expired 0 points" in second.output


def test_points_expire_as_of_a_day_expires_what_was_due_by_its_end(app: Flask) -> None:
    """Points earned on 2026-01-10 (Moscow) with expiry_days 30 are valid through 2026-02-09."""
    import datetime as dt
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from loyalty_core.engine import BasketLine
    from loyalty_core.ledger import service as ledger
    from loyalty_core.ledger.models import Transaction

    programme = "program: P\ntimezone: Europe/Moscow\nearn: {base_rate: 10}\nexpiry_days: 30\n"
    with app.app_context():
        session = db.session()
        version = config_service.approve(
            session, config_service.create_version(session, "v1", programme, created_by="t"), approved_by="t"
        )
        store, _ = store_service.add_store(session, "R001", "retail")
        store_service.assign_version(session, store, version)
        member = ledger.enroll(session, phone="+79160000601")
        earned = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)
        lines = [BasketLine("B", "bread", Decimal(1), Decimal("1000.00"))]
        ledger.commit_purchase(session, ledger.run_context(store), member, lines, 0, earned)  # 100 points
        session.commit()

    runner = app.test_cli_runner()
    last_valid_day = runner.invoke(args=["points", "expire", "--as-of", "2026-02-09"])
    assert last_valid_day.exit_code == 0 and "expired 0 points" in last_valid_day.output
    next_day = runner.invoke(args=["points", "expire", "--as-of", "2026-02-10"])
    assert next_day.exit_code == 0 and "expired 100 points on 1 accounts" in next_day.output
    again = runner.invoke(args=["points", "expire", "--as-of", "2026-02-10"])
    assert "expired 0 points" in again.output
    with app.app_context():
        expiry = db.session.scalar(select(Transaction).where(Transaction.kind == "expiry"))
        assert expiry is not None and expiry.points_delta == -100
        # Written as of the end of that Moscow day, recorded when the command ran.
        assert expiry.created_at.astimezone(ZoneInfo("Europe/Moscow")).date() == dt.date(2026, 2, 10)
        assert expiry.recorded_at > expiry.created_at

    future = runner.invoke(args=["points", "expire", "--as-of", "2999-01-01"])
    assert future.exit_code == 2 and "--as-of" in future.output and "in the future" in future.output
