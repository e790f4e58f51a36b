"""The till lane's own connections (ledger.till_connections), on PostgreSQL.

They live outside SQLAlchemy's pool, so what the pool does for its own connections is checked
here for them: reuse, a dead one never handed out again, and the engine's dispose closing them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from loyalty_core.db import make_engine
from loyalty_core.ledger.till_connections import TillConnections
from tests.conftest import postgres_url


@pytest.fixture
def lane_engine() -> Iterator[Engine]:
    url = postgres_url()
    assert url
    name = f"till-connections-{uuid.uuid4().hex[:8]}"
    engine = make_engine(url, pool_pre_ping=False, connect_args={"application_name": name})
    yield engine
    engine.dispose()


def _application_name(engine: Engine) -> str:
    return str(TillConnections.of(engine).fetch_one("SELECT current_setting('application_name')", {})[0])


def test_statements_reuse_one_connection_in_autocommit(lane_engine: Engine, pg_engine: Engine) -> None:
    connections = TillConnections.of(lane_engine)
    assert TillConnections.of(lane_engine) is connections  # one stack per engine, whatever the app
    pids = {connections.fetch_one("SELECT pg_backend_pid()", {})[0] for _ in range(5)}
    assert len(pids) == 1 and connections.idle == 1
    with pg_engine.connect() as admin:
        state = admin.execute(
            text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pids.pop()}
        ).scalar_one()
    assert state == "idle"  # not "idle in transaction"


def test_concurrent_statements_open_as_many_connections_as_ran_at_once(lane_engine: Engine) -> None:
    connections = TillConnections.of(lane_engine)
    with ThreadPoolExecutor(3) as pool:
        pids = set(
            pool.map(
                lambda _: connections.fetch_one("SELECT pg_backend_pid(), pg_sleep(0.2)", {})[0], range(3)
            )
        )
    assert len(pids) == 3 and connections.idle == 3


def test_a_statement_error_keeps_the_connection_and_arrives_as_sqlalchemys(lane_engine: Engine) -> None:
    connections = TillConnections.of(lane_engine)
    first = connections.fetch_one("SELECT pg_backend_pid()", {})[0]
    with pytest.raises(IntegrityError) as raised:  # psycopg's UniqueViolation, translated
        connections.fetch_one("DO $$ BEGIN RAISE unique_violation USING MESSAGE = 'clash'; END $$", {})
    assert not raised.value.connection_invalidated
    assert connections.fetch_one("SELECT pg_backend_pid()", {})[0] == first


def test_a_dead_connection_is_reported_lost_and_never_handed_out_again(
    lane_engine: Engine, pg_engine: Engine
) -> None:
    connections = TillConnections.of(lane_engine)
    dead = connections.fetch_one("SELECT pg_backend_pid()", {})[0]
    with pg_engine.begin() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dead})
    with pytest.raises(DBAPIError) as raised:
        connections.fetch_one("SELECT 1", {})
    assert raised.value.connection_invalidated  # api.retry and the lane hand such a request on
    assert connections.idle == 0
    assert connections.fetch_one("SELECT pg_backend_pid()", {})[0] != dead


def test_disposing_of_the_engine_closes_them(lane_engine: Engine, pg_engine: Engine) -> None:
    connections = TillConnections.of(lane_engine)
    name = _application_name(lane_engine)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda _: connections.fetch_one("SELECT pg_sleep(0.1)", {}), range(2)))
    assert connections.idle == 2

    lane_engine.dispose()  # as a test dropping its database, or a lost server (fastpath._fetch_one)
    assert connections.idle == 0
    assert _backends_left(pg_engine, name) == 0


def _backends_left(admin: Engine, name: str) -> int:
    """The backends still named `name`; a closed client's backend takes a moment to exit."""
    deadline = time.monotonic() + 5
    while True:
        with admin.connect() as conn:
            left = int(
                conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": name},
                ).scalar_one()
            )
        if left == 0 or time.monotonic() > deadline:
            return left
        time.sleep(0.05)
