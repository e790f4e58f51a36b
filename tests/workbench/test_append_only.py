"""The audit log and approved configuration versions refuse raw SQL changes in the database.

The ORM already refused; a raw UPDATE (a script, a psql session, a bulk statement) went through.
Each check runs on a database built by the migrations and on one built by create_all (as the
tests build theirs), on SQLite and PostgreSQL, so both ways of making tables get the triggers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError

from loyalty_core.db import make_engine, metadata
from tests.conftest import postgres_url
from tests.workbench.test_migrations import fresh_pg_database
from workbench import create_app
from workbench.extensions import db


def _migrated(url: str) -> Engine:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return make_engine(url)


def _created(url: str) -> Engine:
    import workbench.models  # noqa: F401  (the audit table in the metadata)

    engine = make_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    return engine


# Built once per kind for the module: the refused statements change nothing, and the test that
# does change rows (drafts stay editable) runs last for each kind.
@pytest.fixture(
    scope="module",
    params=["sqlite-migrated", "sqlite-create_all", "postgres-migrated", "postgres-create_all"],
)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    backend, how = request.param.split("-")
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(how) / 'guarded.db'}"
    elif how == "migrated":
        url = fresh_pg_database("append_only")
    else:
        url = postgres_url() or ""
    eng = _migrated(url) if how == "migrated" else _created(url)
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_entries (id, at, actor, action, target_type, target_id, details) "
                "VALUES (1, CURRENT_TIMESTAMP, 'approver', 'config.approve', 'version', 'v1', '{}')"
            )
        )
        for vid, label, status in ((1, "v1", "approved"), (2, "v2", "draft")):
            conn.execute(
                text(
                    "INSERT INTO config_versions (id, label, status, document, source_text, content_hash, "
                    "notes, created_at, "
                    "created_by) VALUES (:id, :label, :status, '{\"program\": \"P\"}', 'program: P', 'h', "
                    "'', CURRENT_TIMESTAMP, 't')"
                ),
                {"id": vid, "label": label, "status": status},
            )
    yield eng
    eng.dispose()


REFUSED = [
    "UPDATE audit_entries SET actor = 'someone else'",
    "DELETE FROM audit_entries",
    "UPDATE config_versions SET document = '{\"program\": \"Q\"}' WHERE label = 'v1'",
    "UPDATE config_versions SET source_text = 'program: Q' WHERE label = 'v1'",
    "UPDATE config_versions SET content_hash = 'other' WHERE label = 'v1'",
    "UPDATE config_versions SET label = 'v1b' WHERE label = 'v1'",
    "UPDATE config_versions SET status = 'draft' WHERE label = 'v1'",
    "DELETE FROM config_versions WHERE label = 'v1'",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_raw_sql_cannot_change_history(engine: Engine, sql: str) -> None:
    with pytest.raises(DatabaseError, match="append-only|is approved"), engine.begin() as conn:
        conn.execute(text(sql))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM audit_entries")).scalars().all() == ["approver"]
        row = conn.execute(
            text("SELECT label, status, source_text, content_hash FROM config_versions WHERE id = 1")
        ).one()
        assert tuple(row) == ("v1", "approved", "program: P", "h")


def test_drafts_and_an_approved_versions_notes_stay_editable(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE config_versions SET source_text = 'program: Q', status = 'approved' WHERE label = "
                "'v2'"
            )
        )
        conn.execute(text("UPDATE config_versions SET notes = 'signed on paper too' WHERE label = 'v1'"))
        conn.execute(text("DELETE FROM config_versions WHERE status = 'draft'"))
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT source_text FROM config_versions WHERE label = 'v2'")).scalar()
            == "program: Q"
        )
        assert (
            conn.execute(text("SELECT notes FROM config_versions WHERE label = 'v1'")).scalar()
            == "signed on paper too"
        )
