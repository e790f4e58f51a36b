"""A small chain on each backend: v1 live everywhere, v2 approved, stores in two time zones, a POS
app on a clock the test controls (no sleeps), and each store's key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from loyalty_core.api import init_api
from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import make_session_factory
from loyalty_core.ledger import service as ledger
from loyalty_core.stores import service as store_service
from rollout import register
from tests.loyalty_core.conftest import Clock, setup_programme

V1 = """
program: Chain v1
timezone: Europe/Moscow
earn: {base_rate: 1}
redemption: {point_value: "1.00", max_share: 30, min_points: 0}
"""
V2 = """
program: Chain v2
timezone: Europe/Moscow
earn: {base_rate: 5}
redemption: {point_value: "1.00", max_share: 30, min_points: 0}
"""

# code, direction, region, time zone: 6 retail and 3 wholesale stores, Moscow and Yekaterinburg.
REGISTER = """code,name,direction,region,city,timezone,format,opened on,status
R001,Tverskaya,retail,Moscow,Moscow,Europe/Moscow,convenience,2019-03-01,open
R002,Arbat,retail,Moscow,Moscow,Europe/Moscow,convenience,2019-04-01,open
R003,Lenina,retail,Ural,Yekaterinburg,Asia/Yekaterinburg,hypermarket,2020-01-15,open
R004,Malysheva,retail,Ural,Yekaterinburg,Asia/Yekaterinburg,convenience,2020-02-01,open
R005,Nevsky,retail,North-West,St Petersburg,Europe/Moscow,hypermarket,2018-06-01,open
R006,Liteyny,retail,North-West,St Petersburg,Europe/Moscow,convenience,2018-07-01,open
R007,Closed one,retail,Moscow,Moscow,Europe/Moscow,convenience,2015-01-01,closed
W001,Cash Moscow,wholesale,Moscow,Moscow,Europe/Moscow,cash & carry,2017-01-01,open
W002,Cash Ural,wholesale,Ural,Yekaterinburg,Asia/Yekaterinburg,cash & carry,2017-05-01,open
"""

BASKET = {
    "lines": [{"sku": "MILK", "category": "dairy", "quantity": "1", "amount": "1000.00"}],
    "redeem_points": 0,
}


@dataclass
class Chain:
    engine: Engine
    app: Flask
    clock: Clock
    keys: dict[str, str]
    v1: int
    v2: int
    member_id: str

    def session(self) -> Session:
        return make_session_factory(self.engine)()

    def client(self) -> FlaskClient:
        return self.app.test_client()

    def quote_version(self, code: str) -> str:
        """The version label the POS runs for `code` on its next request."""
        response = self.client().post(
            "/api/v1/purchases/quote",
            json={**BASKET, "member_id": self.member_id},
            headers={"Authorization": f"Bearer {self.keys[code]}"},
        )
        assert response.status_code == 200, response.get_json()
        return str(response.get_json()["config_version"])

    def version(self, session: Session, label: str) -> ConfigVersion:
        return session.get(ConfigVersion, self.v1 if label == "v1" else self.v2)  # type: ignore[return-value]


def build_chain(engine: Engine, clock: Clock) -> Chain:
    session = make_session_factory(engine)()
    v1 = setup_programme(session, V1, "v1")
    v2 = setup_programme(session, V2, "v2")
    register.import_register(session, "stores.csv", REGISTER.encode())
    keys: dict[str, str] = {}
    for store in store_service.list_stores(session):
        keys[store.code] = store_service.rotate_key(session, store)
        store_service.assign_version(session, store, v1, at=clock.now - dt.timedelta(days=30))
    member = ledger.enroll(session, phone="+79160000001")
    session.commit()
    chain = Chain(engine, _pos_app(engine, clock), clock, keys, v1.id, v2.id, str(member.id))
    session.close()
    return chain


def _pos_app(engine: Engine, clock: Clock) -> Flask:
    app = Flask("rollout-test")
    app.config["TESTING"] = True
    init_api(app, engine, clock=clock)
    return app


def restart(chain: Chain) -> Chain:
    """A new server process, as far as the POS can tell: a fresh app and engine over the same data."""
    from loyalty_core.db import make_engine

    engine = make_engine(str(chain.engine.url.render_as_string(hide_password=False)))
    chain.app = _pos_app(engine, chain.clock)
    chain.engine = engine
    return chain


@pytest.fixture
def chain(engine: Engine) -> Iterator[Chain]:
    # 2027-01-14 12:00 UTC: the day before the switches the tests schedule.
    clock = Clock(dt.datetime(2027, 1, 14, 12, 0, tzinfo=dt.UTC))
    yield build_chain(engine, clock)


def quote_body(chain: Chain) -> dict[str, Any]:
    return {**BASKET, "member_id": chain.member_id}


@pytest.fixture(autouse=True)
def core_criteria_only() -> Iterator[None]:
    """The rollout's own gate criteria: other packages plug theirs into the same registry when
    imported (the workbench's acceptance verdict), which these tests do not set up."""
    from rollout import gates

    saved = dict(gates.REGISTRY)
    for name, criterion in saved.items():
        if criterion.check.__module__ != "rollout.gates":
            del gates.REGISTRY[name]
    yield
    gates.REGISTRY.clear()
    gates.REGISTRY.update(saved)
