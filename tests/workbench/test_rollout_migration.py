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
