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


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgresql() -> None:
    from sqlalchemy import create_engine, text

    url = postgres_url()
    assert url
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS workbench_migrations"))
        conn.execute(text("CREATE DATABASE workbench_migrations"))
    admin.dispose()
    target = url.rsplit("/", 1)[0] + "/workbench_migrations"
    app = _migrated_app(target.replace("postgresql://", "postgresql+psycopg://"))
    _assert_matches_models(app)
    with app.app_context():
        db.engine.dispose()
