"""The ledger's figures per (period, group), gathered with SQLAlchemy Core aggregates.

Money is summed as whole cents (each amount rounded to the cent, then cast to an integer) so
SQLite, which keeps NUMERIC as floating point, and PostgreSQL give exactly the same totals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import BigInteger, Date, Select, and_, case, cast, distinct, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from analytics.periods import Period, end_of, index_of, sql_period_index, start_of
from analytics.tills.tables import till_totals
from loyalty_core.ledger.enums import EntryKind, TransactionKind
from loyalty_core.ledger.models import LedgerEntry, Member, Transaction
from loyalty_core.stores.models import Store

ALL = "all"
NONE = "—"  # the group of rows a dimension cannot place (expiries have no store, new members no tier)

PURCHASE = TransactionKind.purchase.value
RETURN = TransactionKind.return_.value


class Dimension(str, Enum):
    store = "store"
    direction = "direction"
    region = "region"  # the store's region (the register's column)
    tier = "tier"


@dataclass
class Facts:
    """What the KPIs are computed from, for one period and one group."""

    purchases: int = 0
    purchase_cents: int = 0  # check totals of purchases
    net_sales_cents: int = 0  # purchases minus returns
    active_members: int = 0  # distinct members with a purchase in the period
    retained_members: int | None = None  # of those, active in the next period too (None: not known yet)
    new_members: int = 0
    points_issued: int = 0  # earned minus reversed by returns
    points_redeemed: int = 0  # redeemed minus given back by returns
    points_expired: int = 0
    outstanding_points: int | None = None  # at period end; programme-wide only
    # Card (member) net sales on the store-days that have a till total, and those till totals
    # (all sales, with and without a card); None: no till total in the period and group.
    card_covered_cents: int = 0
    till_cents: int | None = None


@dataclass(frozen=True)
class Window:
    """Periods `first`..`last` (indexes) of one unit."""

    unit: Period
    first: int
    last: int

    @classmethod
    def of(cls, unit: Period, date_from: dt.date, date_to: dt.date) -> Window:
        if date_to < date_from:
            raise ValueError(f"the window ends ({date_to}) before it starts ({date_from})")
        return cls(unit, index_of(unit, date_from), index_of(unit, date_to))

    def bounds(self, extra: int = 0) -> tuple[dt.datetime, dt.datetime]:
        """UTC instants from the first period's start to the end of the last (+ `extra` periods)."""
        start, end = start_of(self.unit, self.first), end_of(self.unit, self.last + extra)
        return _midnight(start), _midnight(end)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _cents(column: Any) -> ColumnElement[int]:
    return cast(func.round(column * 100), BigInteger)


def _group(dimension: Dimension | None, tier: Any = Transaction.tier) -> ColumnElement[str]:
    expressions: dict[Dimension | None, Any] = {
        None: literal(ALL),
        Dimension.store: Store.code,
        Dimension.direction: Store.direction,
        Dimension.region: func.nullif(Store.region, ""),
        Dimension.tier: tier,
    }
    return func.coalesce(expressions[dimension], NONE)


@dataclass
class FactTable:
    """Facts by (period index, group)."""

    window: Window
    dimension: Dimension | None
    cells: dict[tuple[int, str], Facts] = field(default_factory=lambda: defaultdict(Facts))

    def groups(self) -> list[str]:
        return sorted({group for _, group in self.cells})

    def get(self, period: int, group: str) -> Facts:
        return self.cells.get((period, group)) or Facts()


def gather(conn: Connection, window: Window, dimension: Dimension | None = None) -> FactTable:
    """Every fact of every period of `window`, per group of `dimension` (None: the programme)."""
    table = FactTable(window, dimension)
    _transactions(conn, table)
    _retention(conn, table)
    _entries(conn, table)
    _new_members(conn, table)
    if dimension is not Dimension.tier:  # a till total has no tier: the share is not split by tier
        _till_totals(conn, table)
    if dimension is None:
        _outstanding(conn, table)
    return table


def _in_window(column: Any, window: Window, extra: int = 0) -> ColumnElement[bool]:
    start, end = window.bounds(extra)
    return and_(column >= start, column < end)


def _transactions(conn: Connection, table: FactTable) -> None:
    period = sql_period_index(conn.dialect.name, table.window.unit, Transaction.created_at).label("period")
    group = _group(table.dimension).label("grp")
    is_purchase = Transaction.kind == PURCHASE
    query = (
        select(
            period,
            group,
            func.sum(case((is_purchase, 1), else_=0)),
            func.sum(case((is_purchase, _cents(Transaction.check_total)), else_=0)),
            func.sum(_cents(Transaction.check_total)),
            func.count(distinct(case((is_purchase, Transaction.member_id)))),
        )
        .outerjoin(Store, Store.id == Transaction.store_id)
        .where(Transaction.kind.in_([PURCHASE, RETURN]), _in_window(Transaction.created_at, table.window))
        .group_by(period, group)
    )
    for p, g, purchases, purchase_cents, net_cents, active in conn.execute(query):
        facts = table.cells[(int(p), g)]
        facts.purchases, facts.purchase_cents = int(purchases), int(purchase_cents or 0)
        facts.net_sales_cents, facts.active_members = int(net_cents or 0), int(active)


def _activity(conn: Connection, table: FactTable) -> Select[Any]:
    """Distinct (period, group, member) of purchases: the members active in each period."""
    period = sql_period_index(conn.dialect.name, table.window.unit, Transaction.created_at).label("period")
    return (
        select(period, _group(table.dimension).label("grp"), Transaction.member_id.label("member_id"))
        .outerjoin(Store, Store.id == Transaction.store_id)
        .where(Transaction.kind == PURCHASE, _in_window(Transaction.created_at, table.window, extra=1))
        .distinct()
    )


def _retention(conn: Connection, table: FactTable) -> None:
    """Members active in period t (in a group) who are active in t+1 in the same group. The
    last period's retention waits for the next period: it stays None while that is not over."""
    active = _activity(conn, table).cte("active")
    later = active.alias("later")
    query = (
        select(active.c.period, active.c.grp, func.count())
        .join(
            later,
            and_(
                later.c.member_id == active.c.member_id,
                later.c.grp == active.c.grp,
                later.c.period == active.c.period + 1,
            ),
        )
        .group_by(active.c.period, active.c.grp)
    )
    retained = {(int(p), g): int(n) for p, g, n in conn.execute(query)}
    complete_until = _last_complete_period(table.window.unit)
    for (p, g), facts in list(table.cells.items()):
        if p + 1 <= complete_until and facts.active_members:
            facts.retained_members = retained.get((p, g), 0)


def _last_complete_period(unit: Period) -> int:
    return index_of(unit, dt.datetime.now(dt.UTC).date()) - 1


def _entries(conn: Connection, table: FactTable) -> None:
    period = sql_period_index(conn.dialect.name, table.window.unit, LedgerEntry.created_at).label("period")
    group = _group(table.dimension).label("grp")

    def total(*kinds: EntryKind) -> Any:
        return func.sum(case((LedgerEntry.kind.in_([k.value for k in kinds]), LedgerEntry.points), else_=0))

    query = (
        select(
            period,
            group,
            total(EntryKind.earn, EntryKind.reverse_earn),
            total(EntryKind.redeem, EntryKind.refund_redeem),
            total(EntryKind.expire),
        )
        .select_from(LedgerEntry)
        .outerjoin(Transaction, Transaction.id == LedgerEntry.transaction_id)
        .outerjoin(Store, Store.id == Transaction.store_id)
        .where(_in_window(LedgerEntry.created_at, table.window))
        .group_by(period, group)
    )
    for p, g, issued, redeemed, expired in conn.execute(query):
        facts = table.cells[(int(p), g)]
        # Redemptions and expiries are negative entries; the KPIs count them as positive points.
        facts.points_issued, facts.points_redeemed, facts.points_expired = (
            int(issued),
            -int(redeemed),
            -int(expired),
        )


def _new_members(conn: Connection, table: FactTable) -> None:
    period = sql_period_index(conn.dialect.name, table.window.unit, Member.enrolled_at).label("period")
    group = _group(table.dimension, tier=literal(None)).label("grp")
    query = (
        select(period, group, func.count())
        .select_from(Member)
        .outerjoin(Store, Store.id == Member.enrolled_store_id)
        .where(_in_window(Member.enrolled_at, table.window))
        .group_by(period, group)
    )
    for p, g, n in conn.execute(query):
        table.cells[(int(p), g)].new_members = int(n)


def _utc_day(dialect: str, column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp column, comparable with a Date column."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def _till_totals(conn: Connection, table: FactTable) -> None:
    """Till totals per (period, group), and the card net sales of the same store-days (a
    transaction is placed on its UTC day, the day a till total is matched to)."""
    start, end = table.window.bounds()
    group = _group(table.dimension, tier=literal(None)).label("grp")
    totals = (
        select(till_totals.c.day, group, func.sum(_cents(till_totals.c.total)))
        .select_from(till_totals)
        .join(Store, Store.id == till_totals.c.store_id)
        .where(till_totals.c.day >= start.date(), till_totals.c.day < end.date())
        .group_by(till_totals.c.day, group)
    )
    for day, g, cents in conn.execute(totals):
        facts = table.cells[(index_of(table.window.unit, _as_date(day)), g)]
        facts.till_cents = (facts.till_cents or 0) + int(cents or 0)
    dialect = conn.dialect.name
    period = sql_period_index(dialect, table.window.unit, Transaction.created_at).label("period")
    card = (
        select(period, group, func.sum(_cents(Transaction.check_total)))
        .join(Store, Store.id == Transaction.store_id)
        .join(
            till_totals,
            and_(
                till_totals.c.store_id == Transaction.store_id,
                till_totals.c.day == _utc_day(dialect, Transaction.created_at),
            ),
        )
        .where(Transaction.kind.in_([PURCHASE, RETURN]), _in_window(Transaction.created_at, table.window))
        .group_by(period, group)
    )
    for p, g, cents in conn.execute(card):
        table.cells[(int(p), g)].card_covered_cents = int(cents or 0)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _outstanding(conn: Connection, table: FactTable) -> None:
    """Points outstanding at each period's end: the balance before the window plus every entry
    since (entries are the balance's only source, so this equals the sum of balances)."""
    start, _ = table.window.bounds()
    opening = int(
        conn.scalar(
            select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(LedgerEntry.created_at < start)
        )
        or 0
    )
    running = opening
    for p in range(table.window.first, table.window.last + 1):
        facts = table.cells[(p, ALL)]
        running += facts.points_issued - facts.points_redeemed - facts.points_expired
        facts.outstanding_points = running
