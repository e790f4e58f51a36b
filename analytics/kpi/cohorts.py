"""The cohort retention table: members grouped by the period of their first purchase, and the
share of each cohort active (a purchase) in every later period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from analytics.kpi.facts import PURCHASE, Window
from analytics.periods import Period, sql_period_index, start_of
from loyalty_core.ledger.models import Transaction

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class Cohort:
    start: dt.date  # first day of the cohort's first-purchase period
    size: int
    shares: list[Decimal]  # shares[k]: active k periods after the first (shares[0] is 1)


def cohort_counts(conn: Connection, window: Window) -> dict[tuple[int, int], int]:
    """Members by (cohort period, period of activity), for cohorts starting in the window."""
    dialect, unit = conn.dialect.name, window.unit
    first = (
        select(Transaction.member_id, func.min(Transaction.created_at).label("first_at"))
        .where(Transaction.kind == PURCHASE)
        .group_by(Transaction.member_id)
        .subquery()
    )
    cohort = sql_period_index(dialect, unit, first.c.first_at).label("cohort")
    period = sql_period_index(dialect, unit, Transaction.created_at).label("period")
    start, end = window.bounds()
    query = (
        select(cohort, period, func.count(func.distinct(Transaction.member_id)))
        .join(first, first.c.member_id == Transaction.member_id)
        .where(
            Transaction.kind == PURCHASE,
            first.c.first_at >= start,
            first.c.first_at < end,
            Transaction.created_at < end,
        )
        .group_by(cohort, period)
    )
    return {(int(c), int(p)): int(n) for c, p, n in conn.execute(query)}


def cohort_table(
    conn: Connection, date_from: dt.date, date_to: dt.date, unit: Period = Period.month
) -> list[Cohort]:
    """Cohort share active in period c+k = members first buying in c and buying in c+k ÷ members
    first buying in c; for cohorts starting in the window, up to the window's last period."""
    window = Window.of(unit, date_from, date_to)
    return cohorts_from_counts(window, cohort_counts(conn, window))


def cohorts_from_counts(window: Window, counts: dict[tuple[int, int], int]) -> list[Cohort]:
    cohorts = []
    for c in range(window.first, window.last + 1):
        size = counts.get((c, c), 0)
        if not size:
            continue
        shares = [
            (Decimal(counts.get((c, p), 0)) / size).quantize(RATIO, rounding=ROUND_HALF_UP)
            for p in range(c, window.last + 1)
        ]
        cohorts.append(Cohort(start_of(window.unit, c), size, shares))
    return cohorts
