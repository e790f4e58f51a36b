"""Every KPI of the programme, defined once: a function of one period's facts whose docstring
is its formula. The pages show the docstring, the exports and the rollout gate call the function.

Money is Decimal to the cent (half-up); shares and ratios are Decimal to 4 places; a KPI with
nothing to divide by is None (shown as "—"), never 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from inspect import cleandoc

from analytics.kpi.facts import Facts

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")

Value = Decimal | int | None


class Unit(str, Enum):
    members = "members"
    money = "money"
    ratio = "ratio"  # a share, 0..1
    per_member = "per member"
    points = "points"


@dataclass(frozen=True)
class KPI:
    code: str
    title: str  # English msgid; pages translate it
    unit: Unit
    compute: Callable[[Facts, Decimal], Value]
    programme_only: bool = False  # defined for the whole programme, not per store/tier

    @property
    def formula(self) -> str:
        return cleandoc(self.compute.__doc__ or "")


def _ratio(numerator: int, denominator: int, places: Decimal = RATIO) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(places, rounding=ROUND_HALF_UP)


def _money(cents: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(cents) / Decimal(100) / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


def active_members(f: Facts, point_value: Decimal) -> Value:
    """Active members = distinct members with at least one purchase in the period."""
    return f.active_members


def new_members(f: Facts, point_value: Decimal) -> Value:
    """New members = members enrolled in the period (grouped by the store that enrolled them)."""
    return f.new_members


def retention(f: Facts, point_value: Decimal) -> Value:
    """Retention = members active in the period and again in the next one (in the same group)
    ÷ members active in the period. Unknown until the next period is over."""
    return None if f.retained_members is None else _ratio(f.retained_members, f.active_members)


def purchase_frequency(f: Facts, point_value: Decimal) -> Value:
    """Purchase frequency = purchases ÷ active members (purchases per active member in the period)."""
    return _ratio(f.purchases, f.active_members, CENT)


def average_check(f: Facts, point_value: Decimal) -> Value:
    """Average check = sum of purchase check totals ÷ purchases (returns are not checks and are
    not netted here; they lower net sales)."""
    return _money(f.purchase_cents, f.purchases)


def net_sales(f: Facts, point_value: Decimal) -> Value:
    """Net sales = purchase check totals − returned amounts, for card (member) sales."""
    return (Decimal(f.net_sales_cents) / 100).quantize(CENT)


def sales_per_member(f: Facts, point_value: Decimal) -> Value:
    """Sales per member = net sales ÷ active members."""
    return _money(f.net_sales_cents, f.active_members)


def card_share(f: Facts, point_value: Decimal) -> Value:
    """Share of sales with a card = card (member) net sales ÷ till totals (all net sales, with
    and without a card, as the stores' tills report them per day), over the store-days that have
    a till total. Not split by tier (a till total has none); empty without till totals."""
    return None if not f.till_cents else _ratio(f.card_covered_cents, f.till_cents)


def points_issued(f: Facts, point_value: Decimal) -> Value:
    """Points issued = points earned − points reversed by returns."""
    return f.points_issued


def points_redeemed(f: Facts, point_value: Decimal) -> Value:
    """Points redeemed = points spent − points given back by returns."""
    return f.points_redeemed


def points_expired(f: Facts, point_value: Decimal) -> Value:
    """Points expired = points written off by expiry in the period."""
    return f.points_expired


def liability(f: Facts, point_value: Decimal) -> Value:
    """Points liability = points outstanding at the period's end (sum of all members' balances)
    × point value."""
    if f.outstanding_points is None:
        return None
    return (Decimal(f.outstanding_points) * point_value).quantize(CENT, rounding=ROUND_HALF_UP)


def breakage_rate(f: Facts, point_value: Decimal) -> Value:
    """Breakage rate = points expired ÷ (points redeemed + points expired): the share of points
    leaving the programme in the period that left without being used."""
    return _ratio(f.points_expired, f.points_redeemed + f.points_expired)


KPIS: dict[str, KPI] = {
    kpi.code: kpi
    for kpi in (
        KPI("active_members", "Active members", Unit.members, active_members),
        KPI("new_members", "New members", Unit.members, new_members),
        KPI("retention", "Retention", Unit.ratio, retention),
        KPI("purchase_frequency", "Purchase frequency", Unit.per_member, purchase_frequency),
        KPI("average_check", "Average check", Unit.money, average_check),
        KPI("net_sales", "Net sales", Unit.money, net_sales),
        KPI("sales_per_member", "Sales per member", Unit.money, sales_per_member),
        KPI("card_share", "Share of sales with a card", Unit.ratio, card_share),
        KPI("points_issued", "Points issued", Unit.points, points_issued),
        KPI("points_redeemed", "Points redeemed", Unit.points, points_redeemed),
        KPI("points_expired", "Points expired", Unit.points, points_expired),
        KPI("liability", "Points liability", Unit.money, liability, programme_only=True),
        KPI("breakage_rate", "Breakage rate", Unit.ratio, breakage_rate),
    )
}
