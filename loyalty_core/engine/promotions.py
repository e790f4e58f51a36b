"""Which promotions apply to a receipt, and why (or why not)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from loyalty_core.config.schema import Promotion
from loyalty_core.engine.basket import Basket
from loyalty_core.money import money_str


@dataclass(frozen=True)
class Verdict:
    applies: bool
    reason: str
    lines: tuple[int, ...] = ()


def _days_from_birthday(today: dt.date, birthday: dt.date) -> int:
    """Distance in days from today to the nearest anniversary of the birthday (29 Feb -> 28 Feb)."""
    best = 366
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            anniversary = birthday.replace(year=year)
        except ValueError:
            anniversary = dt.date(year, 2, 28)
        best = min(best, abs((today - anniversary).days))
    return best


def evaluate(
    promo: Promotion,
    basket: Basket,
    local_now: dt.datetime,
    tier: str | None,
    birthday: dt.date | None,
) -> Verdict:
    """Check every condition of a promotion; the reason lists what held, or the first that failed."""
    cond = promo.conditions
    today = local_now.date()
    held: list[str] = []
    if cond.date_from and today < cond.date_from:
        return Verdict(False, f"starts {cond.date_from.isoformat()}")
    if cond.date_to and today > cond.date_to:
        return Verdict(False, f"ended {cond.date_to.isoformat()}")
    if cond.date_from or cond.date_to:
        span = f"{cond.date_from or '...'}..{cond.date_to or '...'}"
        held.append(f"date {today.isoformat()} in {span}")
    if cond.weekdays:
        names = [d.value for d in cond.weekdays]
        weekday = today.strftime("%a").lower()
        if today.isoweekday() not in {d.iso for d in cond.weekdays}:
            return Verdict(False, f"weekday {weekday} not in {', '.join(names)}")
        held.append(f"weekday {weekday}")
    if cond.stores:
        if basket.store_code not in cond.stores:
            return Verdict(False, f"store {basket.store_code} not in {', '.join(cond.stores)}")
        held.append(f"store {basket.store_code}")
    if cond.directions:
        allowed = [d.value for d in cond.directions]
        if basket.direction not in allowed:
            return Verdict(False, f"direction {basket.direction} not in {', '.join(allowed)}")
        held.append(f"direction {basket.direction}")
    lines = tuple(range(len(basket.lines)))
    if cond.categories:
        wanted = set(cond.categories)
        lines = tuple(i for i, line in enumerate(basket.lines) if line.category in wanted)
        if not lines:
            return Verdict(False, f"no line in categories {', '.join(cond.categories)}")
        held.append(f"categories {', '.join(cond.categories)} on lines {', '.join(str(i + 1) for i in lines)}")
    if cond.min_check is not None:
        if basket.total < cond.min_check:
            return Verdict(False, f"check {money_str(basket.total)} below {money_str(cond.min_check)}")
        held.append(f"check {money_str(basket.total)} >= {money_str(cond.min_check)}")
    if cond.tiers:
        if tier not in cond.tiers:
            return Verdict(False, f"tier {tier or 'none'} not in {', '.join(cond.tiers)}")
        held.append(f"tier {tier}")
    if cond.birthday_window_days is not None:
        if birthday is None:
            return Verdict(False, "member's birthday unknown")
        distance = _days_from_birthday(today, birthday)
        if distance > cond.birthday_window_days:
            return Verdict(False, f"birthday {distance} days away (window {cond.birthday_window_days})")
        held.append(f"birthday within {cond.birthday_window_days} days")
    return Verdict(True, "; ".join(held) if held else "no conditions", lines)


def describe_effect(promo: Promotion) -> str:
    if promo.multiplier is not None:
        return f"x{_num(promo.multiplier)}"
    if promo.points is not None:
        return f"+{promo.points} points"
    assert promo.rate is not None
    return f"rate {_num(promo.rate)}%"


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
