"""Refreshing and reading the rollups.

`refresh_rollups` is the job: it recomputes every period from the ledger's first purchase to
today with the same queries the live dashboard uses (analytics.kpi.facts) and replaces the
stored rows in one transaction. Run it from the job runner (or `workbench kpi refresh` from
cron); the dashboard shows the time of the last refresh. Nothing is updated as transactions
commit, so the till's path stays as fast as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.engine import Connection

from analytics.kpi.cohorts import Cohort, cohort_counts, cohorts_from_counts
from analytics.kpi.facts import Dimension, Facts, FactTable, Window, gather
from analytics.periods import Period
from analytics.rollups.tables import cohort_rollups, kpi_rollups, rollup_refreshes
from loyalty_core.ledger.models import Transaction

PROGRAMME = "programme"
FACT_FIELDS = [f.name for f in dataclasses.fields(Facts)]


def _name(dimension: Dimension | None) -> str:
    return dimension.value if dimension else PROGRAMME


def refresh_rollups(
    conn: Connection,
    units: Iterable[Period] = tuple(Period),
    dimensions: Iterable[Dimension | None] = (None, *Dimension),
    now: dt.datetime | None = None,
) -> int:
    """Recompute the rollups of `units` x `dimensions`; returns the number of rows written.
    The caller commits (one transaction: readers see the old rows or the new, never a mix)."""
    moment = now or dt.datetime.now(dt.UTC)
    first_at = conn.scalar(select(func.min(Transaction.created_at)))
    if first_at is None:
        return 0
    first, today = first_at.astimezone(dt.UTC).date(), moment.date()
    written = 0
    for unit in units:
        window = Window.of(unit, first, today)
        for dimension in dimensions:
            written += _store_facts(conn, gather(conn, window, dimension), moment)
        conn.execute(delete(cohort_rollups).where(cohort_rollups.c.unit == unit.value))
        counts = cohort_counts(conn, window)
        if counts:
            conn.execute(
                insert(cohort_rollups),
                [
                    {"unit": unit.value, "cohort": c, "period": p, "members": n}
                    for (c, p), n in counts.items()
                ],
            )
    return written


def _store_facts(conn: Connection, table: FactTable, moment: dt.datetime) -> int:
    unit, name = table.window.unit.value, _name(table.dimension)
    conn.execute(delete(kpi_rollups).where(kpi_rollups.c.unit == unit, kpi_rollups.c.dimension == name))
    rows = [
        {"unit": unit, "dimension": name, "period": period, "grp": group, **dataclasses.asdict(facts)}
        for (period, group), facts in table.cells.items()
    ]
    if rows:
        conn.execute(insert(kpi_rollups), rows)
    conn.execute(
        delete(rollup_refreshes).where(rollup_refreshes.c.unit == unit, rollup_refreshes.c.dimension == name)
    )
    conn.execute(
        insert(rollup_refreshes).values(
            unit=unit,
            dimension=name,
            first_period=table.window.first,
            last_period=table.window.last,
            refreshed_at=moment,
        )
    )
    return len(rows)


def rollup_facts(
    conn: Connection, window: Window, dimension: Dimension | None
) -> tuple[FactTable, dt.datetime] | None:
    """The stored facts of `window` and when they were refreshed; None when no refresh covers
    the window's last period (then the caller computes live)."""
    unit, name = window.unit.value, _name(dimension)
    refresh = conn.execute(
        select(rollup_refreshes.c.last_period, rollup_refreshes.c.refreshed_at).where(
            rollup_refreshes.c.unit == unit, rollup_refreshes.c.dimension == name
        )
    ).first()
    if refresh is None or window.last > refresh.last_period:
        return None
    table = FactTable(window, dimension)
    query = select(kpi_rollups.c.period, kpi_rollups.c.grp, *(kpi_rollups.c[f] for f in FACT_FIELDS)).where(
        kpi_rollups.c.unit == unit,
        kpi_rollups.c.dimension == name,
        and_(kpi_rollups.c.period >= window.first, kpi_rollups.c.period <= window.last),
    )
    for period, group, *values in conn.execute(query):
        table.cells[(int(period), group)] = Facts(**dict(zip(FACT_FIELDS, values, strict=True)))
    if dimension is None:
        _reopen_outstanding(conn, table, unit)
    return table, refresh.refreshed_at


def _reopen_outstanding(conn: Connection, table: FactTable, unit: str) -> None:
    """Outstanding points are a running sum from the ledger's start; periods of the window with
    no stored row still need it, carried from the period before."""
    previous = conn.scalar(
        select(kpi_rollups.c.outstanding_points)
        .where(
            kpi_rollups.c.unit == unit,
            kpi_rollups.c.dimension == PROGRAMME,
            kpi_rollups.c.period < table.window.first,
        )
        .order_by(kpi_rollups.c.period.desc())
        .limit(1)
    )
    running = int(previous or 0)
    for period in range(table.window.first, table.window.last + 1):
        facts = table.cells[(period, "all")]
        if facts.outstanding_points is None:
            facts.outstanding_points = running
        running = facts.outstanding_points


def rollup_cohorts(
    conn: Connection, date_from: dt.date, date_to: dt.date, unit: Period
) -> list[Cohort] | None:
    window = Window.of(unit, date_from, date_to)
    refreshed = conn.scalar(
        select(rollup_refreshes.c.last_period).where(
            rollup_refreshes.c.unit == unit.value, rollup_refreshes.c.dimension == PROGRAMME
        )
    )
    if refreshed is None or window.last > refreshed:
        return None
    query = select(cohort_rollups.c.cohort, cohort_rollups.c.period, cohort_rollups.c.members).where(
        cohort_rollups.c.unit == unit.value,
        cohort_rollups.c.cohort >= window.first,
        cohort_rollups.c.cohort <= window.last,
        cohort_rollups.c.period <= window.last,
    )
    return cohorts_from_counts(window, {(int(c), int(p)): int(n) for c, p, n in conn.execute(query)})
