"""The POS hardening migrations on data that is already there (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import text

from tests.workbench.test_migrations import fresh_pg_database
from workbench import create_app
from workbench.extensions import db

BEFORE_RECEIPTS = "a1f0c3b2d901"


def _app(url: str) -> Flask:
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})


def _purchase(conn: object, receipt_no: str) -> None:
    conn.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO transactions (id, kind, member_id, store_id, receipt_no, created_at, check_total, "
            "redeemed_points, redeemed_value, earned_points, points_delta, spend_delta, details) VALUES "
            "(:id, 'purchase', :member, 1, :receipt, CURRENT_TIMESTAMP, 10, 0, 0, 1, 1, 10, '{}')"
        ),
        {
            "id": uuid.uuid4().hex if conn.dialect.name == "sqlite" else str(uuid.uuid4()),  # type: ignore[attr-defined]
            "member": MEMBER,
            "receipt": receipt_no,
        },
    )


MEMBER = "6f1c0a529b8e4c1ea3d21f0e5d4c3b2a"


def _seed_duplicate_receipts(app: Flask) -> None:
    with app.app_context(), db.engine.begin() as conn:
        member = MEMBER if conn.dialect.name == "sqlite" else str(uuid.UUID(MEMBER))
        conn.execute(
            text(
                "INSERT INTO stores (id, code, name, city, direction, api_key_hash, api_key_prefix, "
                "created_at) "
                "VALUES (1, 'R001', '', '', 'retail', 'h', 'p', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO members (id, phone, name, enrolled_at) VALUES (:id, '+79160000001', '', "
                "CURRENT_TIMESTAMP)"
            ),
            {"id": member},
        )
        globals()["MEMBER"] = member
        for receipt in ("000001", "000001", "000002"):
            _purchase(conn, receipt)


def _duplicates_stop_the_upgrade(url: str) -> None:
    app = _app(url)
    with app.app_context():
        upgrade(revision=BEFORE_RECEIPTS)
    _seed_duplicate_receipts(app)
    with app.app_context():
        # Alembic itself, not Flask-Migrate's wrapper (which prints the reason and exits 1).
        config = app.extensions["migrate"].migrate.get_config()
        with pytest.raises(
            RuntimeError, match=r"1 receipt number\(s\) are committed more than once.*'000001': 2 purchases"
        ):
            command.upgrade(config, "head")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM transactions")).scalar() == 3
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == BEFORE_RECEIPTS
        db.engine.dispose()


def test_duplicate_receipts_stop_the_upgrade_and_nothing_changes_on_sqlite(tmp_path: Path) -> None:
    _duplicates_stop_the_upgrade(f"sqlite:///{tmp_path / 'dupes.db'}")


@pytest.mark.postgres
def test_duplicate_receipts_stop_the_upgrade_and_nothing_changes_on_postgresql() -> None:
    _duplicates_stop_the_upgrade(fresh_pg_database("receipts"))
