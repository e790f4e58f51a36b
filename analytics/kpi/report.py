"""KPI tables: every KPI for every period of a window and every group of a dimension."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from analytics.kpi.definitions import KPIS, Value
from analytics.kpi.facts import ALL, Dimension, FactTable, Window, gather
from analytics.periods import Period, start_of
from analytics.rollups.refresh import rollup_facts
from loyalty_core.config.models import ConfigVersion

DEFAULT_POINT_VALUE = Decimal("1.00")


@dataclass(frozen=True)
class KPIRow:
    period: dt.date  # the period's first day
    group: str
    values: dict[str, Value]


@dataclass(frozen=True)
class KPIReport:
    unit: Period
    dimension: Dimension | None
    point_value: Decimal
    rows: list[KPIRow]
    as_of: dt.datetime | None = None  # when read from rollups: their last refresh (None: live)

    def series(self, code: str, group: str = ALL) -> list[tuple[dt.date, Value]]:
        return [(row.period, row.values[code]) for row in self.rows if row.group == group]


def _newest_approved(conn: Connection) -> dict[str, Any]:
    document = conn.scalar(
        select(ConfigVersion.document)
        .where(ConfigVersion.status == "approved")
        .order_by(ConfigVersion.id.desc())
        .limit(1)
    )
    return document or {}


def programme_point_value(conn: Connection) -> Decimal:
    """The point value of the newest approved configuration (what a point is worth now)."""
    value = (_newest_approved(conn).get("redemption") or {}).get("point_value")
    return Decimal(str(value)) if value is not None else DEFAULT_POINT_VALUE


def programme_currency(conn: Connection) -> str:
    return str(_newest_approved(conn).get("currency") or "RUB")


def kpi_report(
    conn: Connection,
    date_from: dt.date,
    date_to: dt.date,
    unit: Period = Period.month,
    dimension: Dimension | None = None,
    point_value: Decimal | None = None,
    use_rollups: bool = False,
) -> KPIReport:
    """Every KPI per period from `date_from` to `date_to` (inclusive, UTC days) and per group.
    Periods with no activity still appear (with zeros), so charts keep their time axis.
    With `use_rollups`, the facts come from the last rollup refresh when it covers the window
    (the report's `as_of` says when), else they are computed live from the ledger."""
    window = Window.of(unit, date_from, date_to)
    value = programme_point_value(conn) if point_value is None else point_value
    stored = rollup_facts(conn, window, dimension) if use_rollups else None
    if stored is not None:
        return from_facts(stored[0], value, as_of=stored[1])
    return from_facts(gather(conn, window, dimension), value)


def from_facts(facts: FactTable, point_value: Decimal, as_of: dt.datetime | None = None) -> KPIReport:
    window = facts.window
    groups = facts.groups() or [ALL]
    rows = []
    for period in range(window.first, window.last + 1):
        for group in groups:
            cell = facts.get(period, group)
            values = {
                code: (
                    None
                    if kpi.programme_only and facts.dimension is not None
                    else kpi.compute(cell, point_value)
                )
                for code, kpi in KPIS.items()
            }
            rows.append(KPIRow(start_of(window.unit, period), group, values))
    return KPIReport(window.unit, facts.dimension, point_value, rows, as_of)
