"""Each KPI on a small hand-made ledger, every figure computed by hand below; on SQLite and on
PostgreSQL (the `engine` fixture runs each test on both, so both give the same exact numbers).

The ledger (point value 0.50):
  stores  R001 retail Moscow · R002 retail Kazan · W001 wholesale Moscow
  members A (enrolled 01-05 at R001), B (01-20, R001), C (02-03, R002), D (02-10, W001)
  January:  A buys 100.00 and 50.50 at R001 (earns 3, 1); B buys 200.00 at R001 (silver, earns 6)
            and returns 50.00 of it (reverses 1)
  February: A buys 80.00 at R002 (redeems 2, earns 2); C buys 33.33 at R002 (earns 1);
            D buys 1000.00 at W001 (earns 30); B's 2 points expire on 02-28 23:00 UTC
            (already 1 March in Moscow: the period is the UTC one)
  March:    C buys 10.00 at R002 (tells February's retention)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.engine import Engine

from analytics.kpi.definitions import KPIS
from analytics.kpi.facts import Dimension
from analytics.kpi.report import KPIReport, kpi_report
from analytics.periods import Period
from tests.analytics.ledger_builder import LedgerBuilder

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
HALF = Decimal("0.50")


def build(engine: Engine) -> None:
    with engine.begin() as conn:
        b = LedgerBuilder(conn)
        b.store("R001", "retail", "Moscow")
        b.store("R002", "retail", "Kazan")
        b.store("W001", "wholesale", "Moscow")
        b.member("A", "2026-01-05 09:00", "R001")
        b.member("B", "2026-01-20 09:00", "R001")
        b.member("C", "2026-02-03 09:00", "R002")
        b.member("D", "2026-02-10 09:00", "W001")
        b.transaction("purchase", "A", "2026-01-05 10:00", "R001", "100.00", entries=(("earn", 3),))
        b.transaction("purchase", "A", "2026-01-15 10:00", "R001", "50.50", entries=(("earn", 1),))
        b.transaction(
            "purchase", "B", "2026-01-20 10:00", "R001", "200.00", tier="silver", entries=(("earn", 6),)
        )
        b.transaction(
            "return",
            "B",
            "2026-01-25 10:00",
            "R001",
            "-50.00",
            tier="silver",
            entries=(("reverse_earn", -1),),
        )
        b.transaction(
            "purchase", "A", "2026-02-03 10:00", "R002", "80.00", entries=(("redeem", -2), ("earn", 2))
        )
        b.transaction("purchase", "C", "2026-02-03 11:00", "R002", "33.33", entries=(("earn", 1),))
        b.transaction("purchase", "D", "2026-02-10 10:00", "W001", "1000.00", entries=(("earn", 30),))
        b.transaction("expiry", "B", "2026-02-28 23:00", None, tier=None, entries=(("expire", -2),))
        b.transaction("purchase", "C", "2026-03-02 10:00", "R002", "10.00", entries=())


def report(engine: Engine, dimension: Dimension | None = None, unit: Period = Period.month) -> KPIReport:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TIME ZONE 'Europe/Moscow'"))  # must not move a UTC period
        return kpi_report(conn, JAN, dt.date(2026, 2, 28), unit, dimension, point_value=HALF)


def values(result: KPIReport, period: dt.date, group: str = "all") -> dict[str, object]:
    (row,) = [r for r in result.rows if r.period == period and r.group == group]
    return row.values


def test_programme_kpis_by_month(engine: Engine) -> None:
    build(engine)
    result = report(engine)
    assert values(result, JAN) == {
        "active_members": 2,  # A, B
        "new_members": 2,  # A, B
        "retention": Decimal("0.5000"),  # of A, B only A buys in February
        "purchase_frequency": Decimal("1.50"),  # 3 purchases / 2 members
        "average_check": Decimal("116.83"),  # 350.50 / 3 = 116.8333
        "net_sales": Decimal("300.50"),  # 350.50 - 50.00
        "sales_per_member": Decimal("150.25"),  # 300.50 / 2
        "card_share": None,  # no till totals in this ledger (see the card share test)
        "points_issued": 9,  # 3 + 1 + 6 - 1
        "points_redeemed": 0,
        "points_expired": 0,
        "liability": Decimal("4.50"),  # 9 points x 0.50
        "breakage_rate": None,  # no point left the programme
    }
    assert values(result, FEB) == {
        "active_members": 3,  # A, C, D
        "new_members": 2,  # C, D
        "retention": Decimal("0.3333"),  # only C buys again in March: 1 / 3
        "purchase_frequency": Decimal("1.00"),
        "average_check": Decimal("371.11"),  # 1113.33 / 3
        "net_sales": Decimal("1113.33"),
        "sales_per_member": Decimal("371.11"),
        "card_share": None,
        "points_issued": 33,  # 2 + 1 + 30
        "points_redeemed": 2,
        "points_expired": 2,  # 23:00 UTC on 28 February is February
        "liability": Decimal("19.00"),  # (9 + 33 - 2 - 2) x 0.50
        "breakage_rate": Decimal("0.5000"),  # 2 / (2 + 2)
    }


def test_kpis_by_store_place_each_figure_with_its_store(engine: Engine) -> None:
    build(engine)
    result = report(engine, Dimension.store)
    r001 = values(result, JAN, "R001")
    assert (r001["active_members"], r001["net_sales"], r001["retention"]) == (
        2,
        Decimal("300.50"),
        Decimal("0.0000"),
    )
    assert r001["liability"] is None  # liability is programme-wide
    r002 = values(result, FEB, "R002")
    # A and C buy at R002 in February; C again in March: 1 / 2.
    assert (r002["active_members"], r002["average_check"], r002["retention"]) == (
        2,
        Decimal("56.67"),
        Decimal("0.5000"),
    )
    assert values(result, FEB, "R002")["new_members"] == 1  # C enrolled there
    assert values(result, FEB, "—")["points_expired"] == 2  # an expiry has no store
    assert values(result, JAN, "W001")["active_members"] == 0  # the period is shown, empty


def test_kpis_by_direction_region_and_tier(engine: Engine) -> None:
    build(engine)
    by_direction = report(engine, Dimension.direction)
    assert values(by_direction, FEB, "retail")["purchase_frequency"] == Decimal("1.00")  # A, C: 2 purchases
    assert values(by_direction, FEB, "wholesale")["net_sales"] == Decimal("1000.00")
    by_region = report(engine, Dimension.region)
    assert values(by_region, JAN, "Moscow")["net_sales"] == Decimal("300.50")
    assert values(by_region, FEB, "Moscow")["active_members"] == 1  # D at W001
    assert values(by_region, FEB, "Kazan")["points_issued"] == 3  # A's 2 and C's 1
    by_tier = report(engine, Dimension.tier)
    assert values(by_tier, JAN, "base")["average_check"] == Decimal("75.25")  # (100.00 + 50.50) / 2
    assert values(by_tier, JAN, "silver")["net_sales"] == Decimal("150.00")  # 200.00 - 50.00


def add_till_totals(engine: Engine) -> None:
    """The stores' till totals (all sales, card or not) of some days of the ledger above."""
    with engine.begin() as conn:
        b = LedgerBuilder(conn)
        b.stores = dict(conn.execute(text("SELECT code, id FROM stores")).tuples().all())
        b.till("R001", "2026-01-05", "400.00")  # A's 100.00 with a card
        b.till("R001", "2026-01-15", "101.00")  # A's 50.50
        b.till("R001", "2026-01-20", "800.00")  # B's 200.00
        b.till("R001", "2026-01-25", "1000.00")  # B's return of 50.00 that day
        b.till("R002", "2026-02-03", "226.66")  # A's 80.00 + C's 33.33 = 113.33, half the day
        b.till("W001", "2026-02-11", "500.00")  # no card sale that day; D's 02-10 has no till total
        b.till("R002", "2026-03-02", "40.00")  # March: outside the window


def test_share_of_sales_with_a_card(engine: Engine) -> None:
    build(engine)
    add_till_totals(engine)
    programme = report(engine)
    # January: card net sales 100.00 + 50.50 + 200.00 - 50.00 = 300.50 over till totals
    # 400.00 + 101.00 + 800.00 + 1000.00 = 2301.00: 0.130595... -> 0.1306.
    assert values(programme, JAN)["card_share"] == Decimal("0.1306")
    # February: only R002's 02-03 has both: 113.33 over 226.66 + 500.00 = 726.66: 0.155960... -> 0.1560
    # (D's 1000.00 on 02-10 has no till total, so it is not counted against W001's 02-11).
    assert values(programme, FEB)["card_share"] == Decimal("0.1560")
    by_store = report(engine, Dimension.store)
    assert values(by_store, FEB, "R002")["card_share"] == Decimal("0.5000")  # 113.33 / 226.66
    assert values(by_store, FEB, "W001")["card_share"] == Decimal("0.0000")  # 0 / 500.00
    assert values(by_store, FEB, "R001")["card_share"] is None  # no till total: empty, not 0
    by_direction = report(engine, Dimension.direction)
    assert values(by_direction, JAN, "retail")["card_share"] == Decimal("0.1306")
    assert values(by_direction, FEB, "wholesale")["card_share"] == Decimal("0.0000")
    by_region = report(engine, Dimension.region)
    assert values(by_region, FEB, "Kazan")["card_share"] == Decimal("0.5000")
    assert values(by_region, FEB, "Moscow")["card_share"] == Decimal("0.0000")
    by_tier = report(engine, Dimension.tier)
    assert all(row.values["card_share"] is None for row in by_tier.rows)  # a till total has no tier
    weeks = report(engine, unit=Period.week)
    # The week of Monday 19 January: 200.00 - 50.00 over 800.00 + 1000.00 = 0.083333...
    assert values(weeks, dt.date(2026, 1, 19))["card_share"] == Decimal("0.0833")


def test_weeks_start_on_monday_and_days_are_utc(engine: Engine) -> None:
    build(engine)
    weeks = report(engine, unit=Period.week)
    # 2026-02-03 is a Tuesday: A's and C's purchases fall in the week of Monday 2 February.
    assert values(weeks, dt.date(2026, 2, 2))["active_members"] == 2
    assert values(weeks, dt.date(2026, 1, 5))["points_issued"] == 3  # Monday 5 January: A's first earn
    assert values(weeks, dt.date(2025, 12, 29))["points_issued"] == 0  # 1 January's week, shown empty
    days = report(engine, unit=Period.day)
    assert values(days, dt.date(2026, 2, 28))["points_expired"] == 2
    assert len(days.series("active_members")) == 59  # every day of January and February, even empty ones


def test_every_kpi_shows_its_formula() -> None:
    for kpi in KPIS.values():
        assert "=" in kpi.formula, kpi.code


def test_cohort_table_follows_each_first_purchase_month(engine: Engine) -> None:
    from analytics.kpi.cohorts import cohort_table

    build(engine)
    with engine.connect() as conn:
        cohorts = cohort_table(conn, JAN, dt.date(2026, 3, 31))
    # January: A, B first buy; in February only A; in March neither. February: C, D; March: C.
    assert [(c.start, c.size, c.shares) for c in cohorts] == [
        (JAN, 2, [Decimal("1.0000"), Decimal("0.5000"), Decimal("0.0000")]),
        (FEB, 2, [Decimal("1.0000"), Decimal("0.5000")]),
    ]


def test_rollups_give_the_live_figures_as_of_their_refresh(engine: Engine) -> None:
    from sqlalchemy import select

    from analytics.kpi.cohorts import cohort_table
    from analytics.rollups.refresh import refresh_rollups, rollup_cohorts
    from loyalty_core.ledger.models import Member
    from loyalty_core.stores.models import Store
    from tests.analytics.ledger_builder import LedgerBuilder, at

    build(engine)
    add_till_totals(engine)  # the card share survives the rollups too
    refreshed = at("2026-03-31 12:00")
    with engine.begin() as conn:
        assert refresh_rollups(conn, now=refreshed) > 0
    for dimension in (None, Dimension.store, Dimension.tier):
        with engine.connect() as conn:
            live = kpi_report(conn, JAN, dt.date(2026, 2, 28), Period.month, dimension, HALF)
            stored = kpi_report(
                conn, JAN, dt.date(2026, 2, 28), Period.month, dimension, HALF, use_rollups=True
            )
        assert stored.rows == live.rows and stored.as_of == refreshed and live.as_of is None
        if dimension is None:
            assert values(stored, JAN)["card_share"] == Decimal("0.1306")
    with engine.connect() as conn:
        assert rollup_cohorts(conn, JAN, dt.date(2026, 3, 31), Period.month) == cohort_table(
            conn, JAN, dt.date(2026, 3, 31)
        )
        # A window beyond the refresh is computed live rather than shown empty.
        assert kpi_report(conn, JAN, dt.date(2026, 4, 30), use_rollups=True, point_value=HALF).as_of is None
    # A purchase after the refresh shows once the job runs again.
    with engine.begin() as conn:
        builder = LedgerBuilder(conn)
        builder.members["A"] = conn.scalar(select(Member.id).where(Member.name == "A"))
        builder.stores["R001"] = conn.scalar(select(Store.id).where(Store.code == "R001"))
        builder.transaction("purchase", "A", "2026-02-20 10:00", "R001", "99.50")
    with engine.connect() as conn:
        stale = kpi_report(conn, JAN, dt.date(2026, 2, 28), use_rollups=True, point_value=HALF)
    assert values(stale, FEB)["net_sales"] == Decimal("1113.33")
    with engine.begin() as conn:
        refresh_rollups(conn, now=at("2026-03-31 13:00"))
    with engine.connect() as conn:
        fresh = kpi_report(conn, JAN, dt.date(2026, 2, 28), use_rollups=True, point_value=HALF)
    assert values(fresh, FEB)["net_sales"] == Decimal("1212.83")  # 1113.33 + 99.50
