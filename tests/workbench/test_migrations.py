"""The migrations build exactly the schema the models declare (no create_all in production)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import Engine, create_engine, inspect, text

from loyalty_core.db import metadata
from tests.conftest import postgres_url
from workbench import create_app
from workbench.extensions import db


def _migrated_app(url: str) -> Flask:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade()
    return app


def _assert_matches_models(app: Flask) -> None:
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set(metadata.tables)
        check()  # raises when autogenerate would find a difference


def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    _assert_matches_models(_migrated_app(f"sqlite:///{tmp_path / 'migrated.db'}"))


def fresh_pg_database(suffix: str) -> str:
    """A new, empty PostgreSQL database named after the test database (so parallel checkouts,
    each with its own TEST_DATABASE_URL, never share it); its psycopg URL."""
    from sqlalchemy import create_engine, text

    url = postgres_url()
    assert url
    base, name = url.rsplit("/", 1)
    target = f"{name}_{suffix}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target}"'))
    admin.dispose()
    return f"{base}/{target}".replace("postgresql://", "postgresql+psycopg://")


FAST_PATH_FUNCTIONS = ("pos_spend_365", "pos_commit_purchase", "transactions_spend_months")


def _function_definitions(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {
            name: conn.scalar(text("SELECT pg_get_functiondef(to_regproc(:name))"), {"name": name})
            for name in FAST_PATH_FUNCTIONS
        }


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgresql() -> None:
    app = _migrated_app(fresh_pg_database("migrations"))
    _assert_matches_models(app)
    # The POS fast path's functions: the migrations write theirs out; create_all (tests,
    # benchmarks) installs loyalty_core.ledger.fastpath_sql's. They must be the same.
    built = create_engine(fresh_pg_database("create_all"))
    metadata.create_all(built)
    with app.app_context():
        migrated = _function_definitions(db.engine)
        assert all(migrated.values()) and "plpgsql" in migrated["pos_spend_365"]
        assert migrated == _function_definitions(built)
        db.engine.dispose()
    built.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL: a SQLite file, or a fresh schema of the PostgreSQL test database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    from sqlalchemy import create_engine, text

    url = postgres_url()
    assert url
    url = url.replace("postgresql://", "postgresql+psycopg://")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS receipt_times_migration CASCADE"))
        conn.execute(text("CREATE SCHEMA receipt_times_migration"))
    yield url + "?options=-csearch_path%3Dreceipt_times_migration"
    with admin.connect() as conn:
        conn.execute(text("DROP SCHEMA receipt_times_migration CASCADE"))
    admin.dispose()


def test_the_receipt_times_migration_keeps_and_fills_existing_rows(empty_database: str) -> None:
    """a7c3e91f2b40 on a database with a store, a purchase and its return from before it."""
    import datetime as dt
    import uuid
    from decimal import Decimal

    from sqlalchemy import JSON, Column, Integer, MetaData, Numeric, String, Table, Uuid, select

    from loyalty_core.db import UTCDateTime

    old = MetaData()
    versions = Table(
        "config_versions",
        old,
        Column("id", Integer, primary_key=True),
        Column("label", String),
        Column("status", String),
        Column("document", JSON),
        Column("source_text", String),
        Column("content_hash", String),
        Column("notes", String),
        Column("created_at", UTCDateTime),
        Column("created_by", String),
    )
    stores = Table(
        "stores",
        old,
        Column("id", Integer, primary_key=True),
        Column("code", String),
        Column("name", String),
        Column("city", String),
        Column("direction", String),
        Column("api_key_hash", String),
        Column("api_key_prefix", String),
        Column("active_version_id", Integer),
        Column("created_at", UTCDateTime),
    )
    members = Table(
        "members",
        old,
        Column("id", Uuid, primary_key=True),
        Column("phone", String),
        Column("name", String),
        Column("enrolled_at", UTCDateTime),
    )
    money = Numeric(14, 2)
    txns = Table(
        "transactions",
        old,
        Column("id", Uuid, primary_key=True),
        Column("kind", String),
        Column("member_id", Uuid),
        Column("store_id", Integer),
        Column("config_version_id", Integer),
        Column("original_id", Uuid),
        Column("created_at", UTCDateTime),
        Column("check_total", money),
        Column("redeemed_points", Integer),
        Column("redeemed_value", money),
        Column("earned_points", Integer),
        Column("points_delta", Integer),
        Column("spend_delta", money),
        Column("details", JSON),
    )
    opened = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    bought, returned = opened + dt.timedelta(days=10), opened + dt.timedelta(days=12)
    member_id, purchase_id, return_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    figures = {
        "check_total": Decimal("100.00"),
        "redeemed_points": 0,
        "redeemed_value": Decimal("0"),
        "earned_points": 5,
        "points_delta": 5,
        "details": {},
    }

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade(revision="0549bee778bc")
        with db.engine.begin() as conn:
            conn.execute(
                versions.insert().values(
                    id=1,
                    label="v1",
                    status="approved",
                    document={},
                    source_text="",
                    content_hash="h",
                    notes="",
                    created_at=opened,
                    created_by="t",
                )
            )
            conn.execute(
                stores.insert().values(
                    id=1,
                    code="R1",
                    name="",
                    city="",
                    direction="retail",
                    api_key_hash="k",
                    api_key_prefix="",
                    active_version_id=1,
                    created_at=opened,
                )
            )
            conn.execute(
                stores.insert().values(
                    id=2,
                    code="R2",
                    name="",
                    city="",
                    direction="retail",
                    api_key_hash="k2",
                    api_key_prefix="",
                    active_version_id=None,
                    created_at=opened,
                )
            )
            conn.execute(
                members.insert().values(id=member_id, phone="+79160000801", name="", enrolled_at=opened)
            )
            conn.execute(
                txns.insert().values(
                    id=purchase_id,
                    kind="purchase",
                    member_id=member_id,
                    store_id=1,
                    config_version_id=1,
                    created_at=bought,
                    spend_delta=Decimal("100.00"),
                    **figures,
                )
            )
            conn.execute(
                txns.insert().values(
                    id=return_id,
                    kind="return",
                    member_id=member_id,
                    store_id=1,
                    config_version_id=1,
                    original_id=purchase_id,
                    created_at=returned,
                    spend_delta=Decimal("-100.00"),
                    **{**figures, "earned_points": -5, "points_delta": -5},
                )
            )
        upgrade()
        from loyalty_core.ledger.models import Transaction
        from loyalty_core.stores.models import VersionAssignment

        session = db.session()
        by_id = {t.id: t for t in session.scalars(select(Transaction))}
        assert (by_id[purchase_id].recorded_at, by_id[purchase_id].spend_at) == (bought, bought)
        # The return counts with its purchase in the tier window; it was recorded when it happened.
        assert (by_id[return_id].recorded_at, by_id[return_id].spend_at) == (returned, bought)
        assert by_id[return_id].spend_delta == Decimal("-100.00")
        assigned = [
            (a.store_id, a.version_id, a.effective_at) for a in session.scalars(select(VersionAssignment))
        ]
        assert assigned == [(1, 1, opened)]  # R2 runs no version: nothing to record
        session.close()

        downgrade(revision="0549bee778bc")  # and back, the rows still there
        with db.engine.connect() as conn:
            assert sorted(conn.scalars(select(txns.c.kind))) == ["purchase", "return"]
        db.engine.dispose()
