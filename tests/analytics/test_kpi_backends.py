"""The same generated ledger on SQLite and PostgreSQL gives exactly the same KPIs, for every
period unit and every dimension (amounts with awkward cents, instants near midnight UTC)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from analytics.kpi.facts import Dimension
from analytics.kpi.report import kpi_report
from analytics.periods import Period
from loyalty_core.db import make_engine, metadata
from tests.analytics.ledger_builder import LedgerBuilder
from tests.conftest import _truncate_pg

STORES = [
    ("R001", "retail", "Moscow"),
    ("R002", "retail", "Kazan"),
    ("W001", "wholesale", "Moscow"),
    ("W002", "wholesale", ""),
]


def generate(engine: Engine, seed: int = 3) -> None:
    rng = random.Random(seed)
    with engine.begin() as conn:
        b = LedgerBuilder(conn)
        for code, direction, region in STORES:
            b.store(code, direction, region)
        for m in range(40):
            b.member(
                f"M{m}",
                f"2026-0{rng.randint(1, 3)}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:59",
                rng.choice(STORES)[0],
            )
        for _ in range(300):
            member, store = f"M{rng.randrange(40)}", rng.choice(STORES)[0]
            when = (
                f"2026-0{rng.randint(1, 4)}-{rng.randint(1, 28):02d} "
                f"{rng.choice(['00:00', '23:59', '12:30'])}"
            )
            cents = rng.randint(1, 500_000)
            kind = rng.choice(["purchase"] * 8 + ["return", "expiry"])
            total = (
                Decimal(cents if kind == "purchase" else -cents // 3).scaleb(-2)
                if kind != "expiry"
                else Decimal(0)
            )
            entries = {
                "purchase": (("earn", cents // 3000), ("redeem", -rng.randint(0, 5))),
                "return": (("reverse_earn", -rng.randint(0, 3)),),
                "expiry": (("expire", -rng.randint(1, 9)),),
            }[kind]
            b.transaction(
                kind,
                member,
                when,
                None if kind == "expiry" else store,
                str(total),
                tier=rng.choice(["base", "silver", None]),
                entries=entries,
            )
        for day in range(1, 29):  # till totals of most store-days, with awkward cents
            for code, _direction, _region in STORES:
                if rng.random() < 0.8:
                    b.till(
                        code,
                        f"2026-0{rng.randint(1, 4)}-{day:02d}",
                        str(Decimal(rng.randint(1, 9_000_000)).scaleb(-2)),
                    )


@pytest.fixture
def both(pg_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Engine]]:
    _truncate_pg(pg_engine)
    sqlite = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'kpi.db'}")
    metadata.create_all(sqlite)
    yield sqlite, pg_engine
    sqlite.dispose()


@pytest.mark.postgres
def test_sqlite_and_postgresql_agree_exactly(both: tuple[Engine, Engine]) -> None:
    for engine in both:
        generate(engine)
    for unit in Period:
        for dimension in [None, *Dimension]:
            reports = []
            for engine in both:
                with engine.connect() as conn:
                    reports.append(
                        kpi_report(
                            conn, dt.date(2026, 1, 1), dt.date(2026, 4, 30), unit, dimension, Decimal("0.25")
                        )
                    )
            assert reports[0].rows == reports[1].rows, (unit, dimension)
            assert any(row.values["net_sales"] for row in reports[0].rows)
            if dimension is not Dimension.tier:
                assert any(row.values["card_share"] for row in reports[0].rows), (unit, dimension)
