"""The migrations build exactly the schema the models declare (no create_all in production)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import check, upgrade
from sqlalchemy import inspect

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


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgresql() -> None:
    app = _migrated_app(fresh_pg_database("migrations"))
    _assert_matches_models(app)
    with app.app_context():
        db.engine.dispose()
