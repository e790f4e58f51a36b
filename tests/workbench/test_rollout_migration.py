"""The rollout migration keeps existing stores: they get region "", Moscow time, status open, and
keep running their version."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from workbench import create_app
from workbench.extensions import db

ROLLOUT_REVISION = "4a7f94b82ff4"


def test_existing_stores_get_defaults_and_keep_their_version(tmp_path: Path) -> None:
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}", "SECRET_KEY": "t"},
        instance_path=tmp_path / "instance",
    )
    with app.app_context():
        upgrade(revision="0549bee778bc")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO config_versions (label, status, document, source_text, content_hash, notes, "
                    "created_at, created_by)"
                    " VALUES ('v1', 'approved', '{}', '', 'h', '', '2026-01-01 00:00:00', 't')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO stores (code, name, city, direction, api_key_hash, api_key_prefix, "
                    "active_version_id, created_at)"
                    " VALUES ('R001', 'Old', 'Moscow', 'retail', 'x', 'lk_', 1, '2026-01-01 00:00:00')"
                )
            )
        upgrade(revision=ROLLOUT_REVISION)
        with db.engine.connect() as conn:
            row = conn.execute(
                text("SELECT region, timezone, format, status, opened_on, active_version_id FROM stores")
            ).one()
        assert tuple(row) == ("", "Europe/Moscow", "", "open", None, 1)
        db.engine.dispose()


def test_waves_made_before_the_checklist_was_written_on_joining_get_their_items(tmp_path: Path) -> None:
    from flask_migrate import downgrade

    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}", "SECRET_KEY": "t"},
        instance_path=tmp_path / "instance",
    )
    with app.app_context():
        upgrade(revision="e5b8c2d7f1a9")
        with db.engine.begin() as conn:
            for sql in (
                "INSERT INTO config_versions (label, status, document, source_text, content_hash, notes,"
                " created_at, created_by) VALUES ('v2', 'approved', '{}', '', 'h', '', '2026-01-01', 't')",
                "INSERT INTO stores (code, name, city, direction, api_key_hash, api_key_prefix, created_at)"
                " VALUES ('R001', 'A', 'Moscow', 'retail', 'x1', 'lk_', '2026-01-01')",
                "INSERT INTO stores (code, name, city, direction, api_key_hash, api_key_prefix, created_at)"
                " VALUES ('R002', 'B', 'Moscow', 'retail', 'x2', 'lk_', '2026-01-01')",
                "INSERT INTO rollout_plans (project_key, version_id, halted, halt_reason, min_pilot_days,"
                " min_pilot_transactions, created_at, created_by)"
                " VALUES ('DEMO', 1, 0, '', 14, 100, '2026-01-01', 't')",
                "INSERT INTO rollout_waves (plan_id, number, status) VALUES (1, 1, 'planned')",
                "INSERT INTO rollout_wave_stores (plan_id, wave_id, store_id, control_codes)"
                " VALUES (1, 1, 1, '')",
                "INSERT INTO rollout_wave_stores (plan_id, wave_id, store_id, control_codes)"
                " VALUES (1, 1, 2, '')",
                # R001's staff were trained on the old page (which wrote the items on first read).
                "INSERT INTO rollout_checklist (wave_id, store_id, kind, owner, done_at, done_by)"
                " VALUES (1, 1, 'staff_trained', 'Ivan', '2026-01-02', 'rm')",
            ):
                conn.execute(text(sql))
        upgrade(revision="e5b8d2f4c716")
        with db.engine.connect() as conn:
            items = conn.execute(
                text("SELECT store_id, kind, owner, done_by FROM rollout_checklist ORDER BY store_id, kind")
            ).all()
        assert len(items) == 8 and (1, "staff_trained", "Ivan", "rm") in items  # kept as it was
        assert sum(1 for *_, done_by in items if done_by) == 1
        downgrade(revision="e5b8c2d7f1a9")
        upgrade(revision="e5b8d2f4c716")
        db.engine.dispose()
