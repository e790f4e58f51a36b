"""Upgrading an instance with projects keeps today's access: existing users become members."""

from __future__ import annotations

from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

from workbench import create_app
from workbench.extensions import db

BEFORE = "0549bee778bc"


def test_the_upgrade_makes_existing_users_members_of_existing_projects(tmp_path: Path) -> None:
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "SECRET_KEY": "t"},
        instance_path=tmp_path / "instance",
    )
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for name, role in (("olga", "consultant"), ("ivan", "approver"), ("root", "admin")):
                conn.execute(
                    text(
                        "INSERT INTO users (username, display_name, password_hash, role, active, created_at) "
                        "VALUES (:n, :n, 'x', :r, 1, '2026-11-01 10:00:00')"
                    ),
                    {"n": name, "r": role},
                )
            conn.execute(
                text(
                    "INSERT INTO projects (key, name, client, directions, stage, description, created_at) "
                    "VALUES ('ACME', 'Acme', '', '[]', 1, '', '2026-11-01 10:00:00')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT u.username, m.role FROM project_members m JOIN users u ON u.id = m.user_id ORDER "
                    "BY 1"
                )
            ).all()
            versions = conn.execute(text("SELECT DISTINCT session_version FROM users")).scalars().all()
        db.engine.dispose()
    # Admins see every project without a membership; the others keep what they saw.
    assert [tuple(row) for row in rows] == [("ivan", "member"), ("olga", "lead")]
    assert versions == [0]
