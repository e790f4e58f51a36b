"""Phone look-ups are limited per store key; a store key's reach across the chain.

Without a limit one store key could walk the phone number space and learn who is a member.
The limit is counted in the database, per key and per minute, so every worker shares it.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from loyalty_core.api import init_api
from loyalty_core.stores import service as store_service

from ..conftest import Core

API = "/api/v1"
LIMIT = 5


@pytest.fixture
def limited(core: Core) -> Core:
    """The same database served by an app with a limit of 5 phone look-ups a minute."""
    app = Flask("limited")
    app.config.update(TESTING=True, POS_PHONE_LOOKUPS_PER_MINUTE=LIMIT)
    init_api(app, core.engine, clock=core.clock)
    core.app, core.client = app, app.test_client()
    return core


def _lookup(core: Core, key: str | None = None, **query: str) -> Any:
    return core.client.get(f"{API}/members", query_string=query, headers=core.headers(key=key))


def _second_store(core: Core) -> str:
    with core.session() as session:
        version = store_service.get_store(session, core.store_code).active_version
        other, key = store_service.add_store(session, "R002", "retail")
        store_service.assign_version(session, other, version)
        session.commit()
    return key


def test_a_store_key_over_its_phone_lookups_gets_429_with_retry_after(limited: Core) -> None:
    core = limited
    core.clock.now = core.clock.now.replace(second=20)
    enrolled = core.client.post(f"{API}/members", json={"phone": "+7 916 555-04-05"}, headers=core.headers())
    card = enrolled.get_json()["cards"][0]
    answers = [_lookup(core, phone=f"+7 916 555-04-{i:02d}").status_code for i in range(1, LIMIT + 1)]
    assert answers == [404] * (LIMIT - 1) + [200]  # misses count too: that is what guessing looks like

    refused = _lookup(core, phone="+7 916 555-04-05")
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"] == "40"  # the minute window ends 40 s later
    problem = refused.get_json()
    assert problem["field"] == "phone" and problem["retry_after"] == 40 and "R001" in problem["detail"]

    assert _lookup(core, card=card).status_code == 200  # cards are not limited
    assert _lookup(core, key=_second_store(core), phone="+7 916 555-04-05").status_code == 200  # per key
    core.clock.advance(seconds=40)
    assert _lookup(core, phone="+7 916 555-04-05").status_code == 200  # a new window


def test_a_purchase_may_be_returned_at_another_store_of_the_chain(core: Core) -> None:
    member = core.client.post(
        f"{API}/members", json={"phone": "+7 916 555-05-05"}, headers=core.headers()
    ).get_json()
    body = {
        "member_id": member["id"],
        "lines": [{"sku": "KETTLE", "category": "home", "quantity": "1", "amount": "1000.00"}],
    }
    bought = core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem="buy")).get_json()
    other = _second_store(core)
    returned = core.client.post(
        f"{API}/purchases/{bought['id']}/returns",
        json={"lines": [{"line": 1, "quantity": "1"}]},
        headers=core.headers(key=other, idem="ret"),
    )
    assert returned.status_code == 201, returned.get_json()
    assert returned.get_json()["store"] == "R002"
    assert returned.get_json()["points_reversed"] == bought["earned_points"]
