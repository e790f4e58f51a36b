"""Builders for the core's persistence and API tests: a programme, a store, a member."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from loyalty_core.api import init_api
from loyalty_core.config import service as config_service
from loyalty_core.db import make_session_factory
from loyalty_core.stores import service as store_service

PROGRAMME = """
program: Test programme
timezone: Europe/Moscow
rounding: floor
earn:
  base_rate: 5
  category_rates: {dairy: 7}
  excluded_categories: [tobacco]
tiers:
  - {code: base, threshold: "0.00", multiplier: 1}
  - {code: gold, threshold: "20000.00", multiplier: 1.5}
redemption: {point_value: "1.00", max_share: 50, min_points: 10}
expiry_days: 365
promotions:
  - {code: DAIRY2X, kind: multiplier, multiplier: 2, priority: 10, conditions: {categories: [dairy]}}
  - {code: BIG, kind: extra_points, points: 50, priority: 1, conditions: {min_check: "1000.00"}}
"""


@dataclass
class Clock:
    """A settable clock for the API (so tests can travel in time)."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: Any) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Core:
    engine: Engine
    app: Flask
    client: FlaskClient
    clock: Clock
    store_key: str
    store_code: str

    def session(self) -> Session:
        return make_session_factory(self.engine)()

    def headers(self, key: str | None = None, idem: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {key or self.store_key}"}
        if idem is not None:
            headers["Idempotency-Key"] = idem
        return headers


def setup_programme(session: Session, text: str = PROGRAMME, label: str = "v1") -> Any:
    version = config_service.create_version(session, label, text, created_by="test")
    config_service.approve(session, version, approved_by="test")
    return version


@pytest.fixture
def core(engine: Engine) -> Iterator[Core]:
    clock = Clock()
    app = Flask("core-test")
    app.config["TESTING"] = True
    init_api(app, engine, clock=clock)
    session = make_session_factory(engine)()
    version = setup_programme(session)
    store, key = store_service.add_store(session, "R001", "retail", name="Test store")
    store_service.assign_version(session, store, version)
    session.commit()
    session.close()
    yield Core(engine, app, app.test_client(), clock, key, "R001")
