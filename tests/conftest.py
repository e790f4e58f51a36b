"""Fixtures shared by every test folder: the databases the tests run against.

SQLite (a file per test) always runs. PostgreSQL runs when TEST_DATABASE_URL is set (CI sets
it; `.ci/run` starts the server); with CI=true and no URL the PostgreSQL tests fail instead of
skipping, so a broken CI set-up cannot pass silently.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

import loyalty_core.models  # noqa: F401  (all core tables in the metadata)
from loyalty_core.db import make_engine, metadata

PG_VARIABLE = "TEST_DATABASE_URL"


def postgres_url() -> str | None:
    url = os.environ.get(PG_VARIABLE)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {PG_VARIABLE} is not set: the PostgreSQL tests must run in CI")
    pytest.skip(
        f"PostgreSQL tests skipped: set {PG_VARIABLE}=postgresql://postgres@127.0.0.1:5432/test to run them"
    )
    return None


def _all_tables() -> None:
    # Every package's models must be imported before create_all; the workbench adds its own.
    with contextlib.suppress(ImportError):
        import workbench.models  # noqa: F401


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    url = postgres_url()
    assert url
    _all_tables()
    engine = make_engine(url, pool_size=30, max_overflow=70)
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(424242)"))
        # The whole schema, not only today's tables: a table left by another version of the
        # code (a renamed one, a branch's) would otherwise keep foreign keys to ours.
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        metadata.create_all(conn)
    yield engine
    engine.dispose()


def _truncate_pg(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The core's database on each backend: a fresh SQLite file, or the emptied PostgreSQL test db."""
    if request.param == "postgres":
        pg = request.getfixturevalue("pg_engine")
        _truncate_pg(pg)
        yield pg
        return
    _all_tables()
    path = tmp_path_factory.mktemp("db") / "core.db"
    eng = make_engine(f"sqlite:///{path}")
    metadata.create_all(eng)
    yield eng
    eng.dispose()
