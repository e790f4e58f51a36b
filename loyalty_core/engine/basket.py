"""Value objects going into and coming out of the calculation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from loyalty_core.money import ZERO


@dataclass(frozen=True)
class BasketLine:
    """One receipt line: `amount` is what the line costs (price x quantity after discounts)."""

    sku: str
    category: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Basket:
    lines: tuple[BasketLine, ...]
    store_code: str
    direction: str
    redeem_points: int = 0

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


@dataclass(frozen=True)
class MemberState:
    """What the calculation needs to know of a member, read before the purchase."""

    balance: int
    spend_365: Decimal = ZERO
    birthday: dt.date | None = None


class LineDecision(NamedTuple):
    """One line's share of the receipt's points. (A named tuple: a quote builds one per line, and
    the frozen dataclass's __init__ was a tenth of a quote.)"""

    index: int  # type: ignore[assignment]  # the line number; shadows tuple.index, unused here
    sku: str
    category: str
    quantity: Decimal
    amount: Decimal
    redeemed_points: int
    redeemed_value: Decimal
    earn_base: Decimal
    rate: Decimal
    multiplier: Decimal
    raw_points: Decimal
    points: int


class AppliedPromotion(NamedTuple):
    """A promotion that applied. `reason` is formatted when read: the effect and what held.

    (Named tuples: a quote creates dozens of these, and they are the cheapest immutable record.)
    """

    code: str
    name: str
    kind: str
    priority: int
    exclusive: bool
    effect: str
    held: tuple[str, ...]
    lines: tuple[int, ...] = ()
    extra_points: int = 0

    @property
    def reason(self) -> str:
        return f"{self.effect}: {'; '.join(self.held) if self.held else 'no conditions'}"


class SkippedPromotion(NamedTuple):
    code: str
    reason: str


class Decision(NamedTuple):
    """What the calculation decided for one receipt (a named tuple, built once per quote)."""

    check_total: Decimal
    tier: str | None
    tier_multiplier: Decimal
    balance_before: int
    max_redeemable: int
    redeemed_points: int
    redeemed_value: Decimal
    earned_points: int
    extra_points: int
    lines: tuple[LineDecision, ...]
    applied: tuple[AppliedPromotion, ...] = ()
    skipped: tuple[SkippedPromotion, ...] = ()

    @property
    def balance_after(self) -> int:
        return self.balance_before - self.redeemed_points + self.earned_points

    @property
    def paid_amount(self) -> Decimal:
        """The part of the check paid with money (counts toward tier spend)."""
        return self.check_total - self.redeemed_value
