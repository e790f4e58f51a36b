"""`any_db_app`: the workbench on a SQLite file and on the PostgreSQL test database.

Import the fixture into a test module to run its tests on both (PostgreSQL refuses some input
SQLite takes, and its upserts and row locks take another path)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.engine import Engine

from tests.conftest import _truncate_pg, postgres_url
from workbench.extensions import db

from .conftest import make_app


@pytest.fixture(params=["sqlite", "postgres"])
def any_db_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    overrides: dict[str, Any] = {}
    if request.param == "postgres":
        url = postgres_url()
        assert url
        pg: Engine = request.getfixturevalue("pg_engine")
        _truncate_pg(pg)
        overrides["SQLALCHEMY_DATABASE_URI"] = url.replace("postgresql://", "postgresql+psycopg://")
    app = make_app(tmp_path, **overrides)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
