"""A database connection dropped under the POS API is invisible to the tills (PostgreSQL).

The probe terminated the app's backends between requests: without a pre-ping, every pooled
connection then failed one request with a 500. Here the app's connections carry their own
application_name, so only they are terminated (in the test database only), and every request
after that must succeed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine

from loyalty_core.api import init_api
from loyalty_core.db import make_engine, make_session_factory
from loyalty_core.stores import service as store_service
from tests.conftest import _truncate_pg, postgres_url
from tests.loyalty_core.conftest import Clock, setup_programme

APP_NAME = "pos-dropped-connections-test"
POOL = 4


def terminate_app_connections(admin: Engine, application_name: str) -> int:
    """Terminate the backends of one application, in this database only; how many there were."""
    with admin.begin() as conn:
        return len(
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name = :name AND pid <> "
                    "pg_backend_pid()"
                ),
                {"name": application_name},
            ).all()
        )


def lane_connections(app: Flask) -> int:
    """The till lane's own idle connections (ledger.till_connections), beside the app's pool."""
    return int(app.extensions["till_lane"].connections.idle)


@pytest.fixture(params=[True, False], ids=["pre-ping", "retry-alone"])
def app_and_key(request: pytest.FixtureRequest, pg_engine: Engine) -> Iterator[tuple[Flask, str, Engine]]:
    _truncate_pg(pg_engine)
    session = make_session_factory(pg_engine)()
    version = setup_programme(session)
    store, key = store_service.add_store(session, "D001", "retail")
    store_service.assign_version(session, store, version)
    session.commit()
    session.close()
    url = postgres_url()
    assert url
    # "retry-alone" turns the pre-ping off: the request that meets a dead connection mid-way is
    # then tried once more by the API itself.
    engine = make_engine(
        url,
        pool_size=POOL,
        max_overflow=0,
        pool_pre_ping=request.param,
        connect_args={"application_name": APP_NAME},
    )
    app = Flask("dropped")
    init_api(app, engine, clock=Clock())
    yield app, key, pg_engine
    engine.dispose()


def test_requests_after_the_apps_connections_were_terminated_all_succeed(app_and_key: Any) -> None:
    app, key, admin = app_and_key
    headers = {"Authorization": f"Bearer {key}"}

    def enrol(i: int) -> int:
        with app.test_client() as client:
            phone = f"+7916{5550000 + i}"
            return client.post("/api/v1/members", json={"phone": phone}, headers=headers).status_code

    def buy(member_id: str) -> int:
        with app.test_client() as client:
            body = {
                "member_id": member_id,
                "lines": [{"sku": "A", "category": "grocery", "quantity": "1", "amount": "10.00"}],
            }
            idem = {**headers, "Idempotency-Key": str(uuid.uuid4())}
            return client.post("/api/v1/purchases", json=body, headers=idem).status_code

    # Fill the pool: POOL requests at once hold POOL connections.
    with ThreadPoolExecutor(POOL) as pool:
        assert list(pool.map(enrol, range(POOL))) == [201] * POOL
    assert lane_connections(app) == 0
    assert terminate_app_connections(admin, APP_NAME) == POOL

    with app.test_client() as client:
        member = client.get("/api/v1/members", query_string={"phone": "+79165550000"}, headers=headers)
        assert member.status_code == 200, member.get_json()
        member_id = member.get_json()["id"]
    with ThreadPoolExecutor(POOL) as pool:
        assert list(pool.map(buy, [member_id] * (3 * POOL))) == [201] * (3 * POOL)

    # The warm purchases ran on the lane's own connections: they die too, with what the pool
    # holds alive (the pool's dead ones were replaced only where Flask needed one).
    lane = lane_connections(app)
    assert terminate_app_connections(admin, APP_NAME) > lane >= 1
    with ThreadPoolExecutor(POOL) as pool:
        assert list(pool.map(enrol, range(POOL, 3 * POOL))) == [201] * (2 * POOL)


def test_warm_purchases_after_the_apps_connections_were_terminated_all_succeed(app_and_key: Any) -> None:
    """The same with the store's key already known: the purchases meet the dead connections in
    the till lane (api.lane), which hands them to Flask, whose retry takes a fresh connection."""
    app, key, admin = app_and_key
    headers = {"Authorization": f"Bearer {key}"}
    with app.test_client() as client:
        member_id = client.post(
            "/api/v1/members", json={"phone": "+79165550900"}, headers=headers
        ).get_json()["id"]

    def buy(n: int) -> int:
        with app.test_client() as client:
            body = {
                "member_id": member_id,
                "lines": [{"sku": "A", "category": "grocery", "quantity": "1", "amount": "10.00"}],
            }
            idem = {**headers, "Idempotency-Key": f"warm-{n}-{uuid.uuid4()}"}
            return client.post("/api/v1/purchases", json=body, headers=idem).status_code

    with ThreadPoolExecutor(POOL) as pool:
        assert list(pool.map(buy, range(POOL))) == [201] * POOL  # the key is known from now on
    for round_no in range(3):
        with ThreadPoolExecutor(POOL) as pool:  # every pooled connection in use, then dropped
            assert list(pool.map(buy, range(POOL))) == [201] * POOL
        assert terminate_app_connections(admin, APP_NAME) >= 1
        with ThreadPoolExecutor(POOL) as pool:
            assert list(pool.map(buy, range(3 * POOL))) == [201] * (3 * POOL), f"round {round_no}"
