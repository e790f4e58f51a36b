"""Property tests of the points math over random programmes, receipts and returns.

For any valid programme (rates, tiers, promotions with random conditions), any receipt of 1-8
lines and any balance:
- the lines' redeemed values and points sum exactly to the receipt's, and their points to the
  points earned;
- nothing beyond max_redeemable (rule 1, checked against the formula in exact fractions) or the
  balance is redeemed, and a non-negative balance stays non-negative;
- the same input gives the same decision;
- returning a whole line, in one go or in any split of its quantity, reverses exactly what it
  earned and redeemed, and no partial return reverses more than that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty_core.config import ProgramConfig, parse_config
from loyalty_core.engine import (
    Basket,
    BasketLine,
    LineReturn,
    MemberState,
    ReturnableLine,
    calculate,
    plan_return,
)
from loyalty_core.errors import BusinessRuleViolation

D = Decimal
UTC = dt.UTC
CATEGORIES = ("bread", "dairy", "tobacco", "toys", "wine")
STORES = ("R001", "R002", "W001")
TIER_CODES = ("base", "silver", "gold")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FIRST_DAY = dt.date(2025, 12, 1)
LAST_DAY = dt.date(2026, 3, 31)

PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)

percents = st.decimals(min_value=D("0"), max_value=D("30"), places=2)
multipliers = st.decimals(min_value=D("0.5"), max_value=D("5"), places=2)
money = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


def _text(value: Decimal) -> str:
    return format(value, "f")


@st.composite
def conditions(draw: st.DrawFn, tier_codes: list[str], needs_categories: bool) -> dict[str, Any]:
    """A random subset of the condition kinds, around the receipts' dates, tills and lines."""
    found: dict[str, Any] = {}
    if draw(st.booleans()):
        start, end = sorted([draw(days), draw(days)])
        if draw(st.booleans()):
            found["date_from"] = start.isoformat()
        if draw(st.booleans()):
            found["date_to"] = end.isoformat()
    if draw(st.booleans()):
        found["weekdays"] = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True))
    if draw(st.booleans()):
        found["stores"] = draw(st.lists(st.sampled_from(STORES), min_size=1, max_size=2, unique=True))
    if draw(st.booleans()):
        found["directions"] = draw(
            st.lists(st.sampled_from(["retail", "wholesale"]), min_size=1, max_size=2, unique=True)
        )
    if needs_categories or draw(st.booleans()):
        found["categories"] = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):
        found["min_check"] = _text(draw(st.decimals(min_value=D("0"), max_value=D("5000"), places=2)))
    if draw(st.booleans()) and tier_codes:
        found["tiers"] = draw(st.lists(st.sampled_from(tier_codes), min_size=1, unique=True))
    if draw(st.booleans()):
        found["birthday_window_days"] = draw(st.integers(0, 30))
    return found


@st.composite
def promotions(draw: st.DrawFn, tier_codes: list[str]) -> list[dict[str, Any]]:
    found = []
    for number in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["multiplier", "extra_points", "category_rate"]))
        entry: dict[str, Any] = {
            "code": f"P{number}",
            "kind": kind,
            "priority": draw(st.integers(-3, 3)),
            "exclusive": draw(st.booleans()),
            "conditions": draw(conditions(tier_codes, needs_categories=kind == "category_rate")),
        }
        if kind == "multiplier":
            entry["multiplier"] = _text(draw(multipliers))
        elif kind == "extra_points":
            entry["points"] = draw(st.integers(1, 500))
        else:
            entry["rate"] = _text(draw(percents))
        found.append(entry)
    return found


@st.composite
def programmes(draw: st.DrawFn) -> dict[str, Any]:
    """A valid configuration document (valid by construction: parse_config must accept it)."""
    rated = draw(st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True))
    excluded = draw(
        st.lists(st.sampled_from([c for c in CATEGORIES if c not in rated]), max_size=2, unique=True)
    )
    tier_count = draw(st.integers(0, 3))
    thresholds = sorted(
        draw(st.lists(st.integers(0, 50_000), min_size=tier_count, max_size=tier_count, unique=True))
    )
    tiers = [
        {"code": TIER_CODES[i], "threshold": f"{threshold}.00", "multiplier": _text(draw(multipliers))}
        for i, threshold in enumerate(thresholds)
    ]
    return {
        "program": "Properties",
        "timezone": draw(st.sampled_from(["Europe/Moscow", "Asia/Vladivostok", "UTC"])),
        "rounding": draw(st.sampled_from(["floor", "ceil", "half_up", "half_even"])),
        "earn": {
            "base_rate": _text(draw(percents)),
            "category_rates": {c: _text(draw(percents)) for c in rated},
            "excluded_categories": excluded,
        },
        "tiers": tiers,
        "redemption": {
            "point_value": draw(st.sampled_from(["0.01", "0.10", "0.50", "1.00", "2.00", "3.33"])),
            "max_share": _text(draw(st.decimals(min_value=D("0"), max_value=D("100"), places=1))),
            "min_points": draw(st.sampled_from([0, 0, 1, 10, 100])),
        },
        "promotions": draw(promotions([t["code"] for t in tiers])),
    }


basket_lines = st.lists(
    st.builds(
        lambda n, category, quantity, amount: BasketLine(f"SKU{n}", category, D(quantity), amount),
        st.integers(1, 999),
        st.sampled_from(CATEGORIES),
        st.integers(1, 10),
        money,
    ),
    min_size=1,
    max_size=8,
)
members = st.builds(
    MemberState,
    balance=st.one_of(st.integers(0, 10**7), st.integers(0, 2000), st.integers(-500, -1)),
    spend_365=st.decimals(min_value=D("0"), max_value=D("60000"), places=2),
    birthday=st.one_of(st.none(), st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2008, 12, 31))),
)
moments = st.datetimes(
    min_value=dt.datetime(2025, 12, 1), max_value=dt.datetime(2026, 3, 31, 23, 59), timezones=st.just(UTC)
)
# How much of max_redeemable to ask for: nothing, a share of it, all of it, or more than allowed.
redemption_asks = st.one_of(
    st.just(("none", 0.0)),
    st.tuples(st.just("share"), st.floats(0, 1)),
    st.just(("all", 1.0)),
    st.tuples(st.just("over"), st.floats(0, 1)),
)


def expected_max_redeemable(total: Decimal, balance: int, config: ProgramConfig) -> int:
    """Rule 1 in exact fractions: min(balance, floor(total x share% / point value)), 0 below min_points."""
    rules = config.redemption
    by_share = math.floor(Fraction(total) * Fraction(rules.max_share) / 100 / Fraction(rules.point_value))
    limit = max(0, min(balance, by_share))
    return limit if limit >= rules.min_points else 0


def asked_points(ask: tuple[str, float], limit: int) -> int:
    how, share = ask
    if how == "none":
        return 0
    if how == "over":
        return limit + 1 + int(share * 1000)
    return math.floor(limit * share) if how == "share" else limit


@dataclasses.dataclass(frozen=True)
class Receipt:
    document: dict[str, Any]
    config: ProgramConfig
    basket: Basket
    member: MemberState
    at: dt.datetime


@st.composite
def receipts(draw: st.DrawFn) -> Receipt:
    """A valid programme, a receipt redeeming what is allowed, the member and the moment."""
    document = draw(programmes())
    config = parse_config(document)
    lines = tuple(draw(basket_lines))
    member = draw(members)
    total = sum((line.amount for line in lines), D(0))
    limit = expected_max_redeemable(total, member.balance, config)
    ask = draw(
        st.one_of(
            st.tuples(st.just("share"), st.floats(0.01, 1)), st.just(("all", 1.0)), st.just(("none", 0.0))
        )
    )
    redeem = asked_points(ask, limit)
    if 0 < redeem < config.redemption.min_points:
        redeem = limit  # below the minimum is refused; the refusal has its own test
    store = draw(st.sampled_from(STORES))
    basket = Basket(lines, store, "wholesale" if store.startswith("W") else "retail", redeem)
    return Receipt(document, config, basket, member, draw(moments))


@PROPERTY_SETTINGS
@given(receipt=receipts())
def test_lines_add_up_to_the_receipt(receipt: Receipt) -> None:
    decision = calculate(receipt.basket, receipt.member, receipt.config, receipt.at)
    assert sum((ln.redeemed_value for ln in decision.lines), D(0)) == decision.redeemed_value
    assert sum(ln.redeemed_points for ln in decision.lines) == decision.redeemed_points
    assert sum(ln.points for ln in decision.lines) == decision.earned_points
    assert decision.redeemed_value == decision.redeemed_points * receipt.config.redemption.point_value
    for decided, given_line in zip(decision.lines, receipt.basket.lines, strict=True):
        assert D(0) <= decided.redeemed_value <= given_line.amount
        assert decided.earn_base == given_line.amount - decided.redeemed_value
        assert decided.points >= 0
        assert decided.redeemed_value == decided.redeemed_value.quantize(D("0.01"))
    assert decision.earned_points >= decision.extra_points >= 0


@PROPERTY_SETTINGS
@given(receipt=receipts())
def test_redemption_stays_within_the_limits(receipt: Receipt) -> None:
    decision = calculate(receipt.basket, receipt.member, receipt.config, receipt.at)
    balance = receipt.member.balance
    assert decision.max_redeemable == expected_max_redeemable(decision.check_total, balance, receipt.config)
    assert decision.redeemed_points <= decision.max_redeemable
    assert decision.redeemed_points <= max(balance, 0)
    assert decision.redeemed_value <= decision.check_total
    if balance >= 0:
        assert decision.balance_after >= 0


@PROPERTY_SETTINGS
@given(
    document=programmes(),
    lines=basket_lines,
    member=members,
    at=moments,
    ask=redemption_asks,
)
def test_asking_for_more_than_allowed_is_refused(
    document: dict[str, Any],
    lines: list[BasketLine],
    member: MemberState,
    at: dt.datetime,
    ask: tuple[str, float],
) -> None:
    config = parse_config(document)
    total = sum((line.amount for line in lines), D(0))
    limit = expected_max_redeemable(total, member.balance, config)
    asked = asked_points(ask, limit)
    basket = Basket(tuple(lines), "R001", "retail", asked)
    refused = asked > limit or 0 < asked < config.redemption.min_points
    if refused:
        with pytest.raises(BusinessRuleViolation) as refusal:
            calculate(basket, member, config, at)
        assert refusal.value.extra["max_redeemable"] == limit
        assert refusal.value.field == "redeem_points"
        assert str(asked) in refusal.value.detail
    else:
        assert calculate(basket, member, config, at).redeemed_points == asked


@PROPERTY_SETTINGS
@given(receipt=receipts())
def test_the_same_input_gives_the_same_decision(receipt: Receipt) -> None:
    first = calculate(receipt.basket, receipt.member, receipt.config, receipt.at)
    second = calculate(receipt.basket, receipt.member, receipt.config, receipt.at)
    # A fresh copy of the programme has none of the first one's cached verdicts.
    fresh = calculate(receipt.basket, receipt.member, parse_config(receipt.document), receipt.at)
    assert first == second == fresh


_stored = ReturnableLine.from_decision


def _record(stored: ReturnableLine, done: LineReturn) -> ReturnableLine:
    return stored.after(done)


@PROPERTY_SETTINGS
@given(receipt=receipts())
def test_returning_every_whole_line_reverses_exactly_what_it_stored(receipt: Receipt) -> None:
    decision = calculate(receipt.basket, receipt.member, receipt.config, receipt.at)
    stored = [_stored(ln) for ln in decision.lines]
    plan = plan_return(stored, {ln.index: ln.quantity for ln in decision.lines})
    for decided, done in zip(decision.lines, plan, strict=True):
        assert done.index == decided.index
        assert done.points_reversed == decided.points
        assert done.redeemed_points_refunded == decided.redeemed_points
        assert done.amount == decided.amount
        assert done.paid == decided.amount - decided.redeemed_value
    assert sum(p.points_reversed for p in plan) == decision.earned_points
    assert sum(p.redeemed_points_refunded for p in plan) == decision.redeemed_points


@st.composite
def receipts_with_splits(draw: st.DrawFn) -> tuple[Receipt, list[list[Decimal]]]:
    """A receipt and, for each line, its quantity cut into random positive parts (in 0.1 steps or whole)."""
    receipt = draw(receipts())
    splits = []
    for line in receipt.basket.lines:
        step = draw(st.sampled_from([D(1), D("0.5"), D("0.1")]))
        units = int(line.quantity / step)
        cuts = (
            sorted(draw(st.sets(st.integers(1, units - 1), max_size=min(units - 1, 9)))) if units > 1 else []
        )
        bounds = [0, *cuts, units]
        splits.append([(b - a) * step for a, b in itertools.pairwise(bounds)])
    return receipt, splits


@PROPERTY_SETTINGS
@given(case=receipts_with_splits())
def test_partial_returns_never_drift_nor_overshoot(case: tuple[Receipt, list[list[Decimal]]]) -> None:
    receipt, splits = case
    decision = calculate(receipt.basket, receipt.member, receipt.config, receipt.at)
    for decided, parts in zip(decision.lines, splits, strict=True):
        assert sum(parts, D(0)) == decided.quantity
        stored = _stored(decided)
        for quantity in parts:
            (done,) = plan_return([stored], {decided.index: quantity})
            assert done.points_reversed >= 0 and done.redeemed_points_refunded >= 0
            assert done.amount >= 0 and done.paid >= 0
            stored = _record(stored, done)
            # Never more than the line earned, redeemed or cost.
            assert stored.reversed_points <= decided.points
            assert stored.refunded_points <= decided.redeemed_points
            assert stored.returned_amount <= decided.amount
            assert stored.returned_paid <= decided.amount - decided.redeemed_value
        # All of it back: exactly what was stored, whatever the split.
        assert stored.reversed_points == decided.points
        assert stored.refunded_points == decided.redeemed_points
        assert stored.returned_amount == decided.amount
        assert stored.returned_paid == decided.amount - decided.redeemed_value
        with pytest.raises(BusinessRuleViolation, match=f"line {decided.index}: cannot return"):
            plan_return([stored], {decided.index: D("0.1")})


@PROPERTY_SETTINGS
@given(
    points=st.integers(0, 10**6),
    redeemed=st.integers(0, 10**6),
    quantity=st.integers(1, 10),
    amount=money,
    data=st.data(),
)
def test_any_return_order_of_any_stored_line_sums_exactly(
    points: int, redeemed: int, quantity: int, amount: Decimal, data: st.DataObject
) -> None:
    """plan_return on its own, with stored figures a receipt would rarely produce."""
    redeemed_value = data.draw(st.decimals(min_value=D("0"), max_value=amount, places=2))
    stored = ReturnableLine(1, D(quantity), amount, points, redeemed, redeemed_value)
    remaining = quantity
    while remaining:
        part = data.draw(st.integers(1, remaining))
        (done,) = plan_return([stored], {1: D(part)})
        stored = _record(stored, done)
        remaining -= part
        # Cumulative half-up: what the returned share of the line rounds to, never past the whole.
        returned = quantity - remaining
        if remaining:
            assert stored.reversed_points == math.floor(
                Fraction(points * returned, quantity) + Fraction(1, 2)
            )
        assert 0 <= stored.reversed_points <= points
        assert 0 <= stored.refunded_points <= redeemed
    assert (stored.reversed_points, stored.refunded_points, stored.returned_amount) == (
        points,
        redeemed,
        amount,
    )
    assert stored.returned_paid == amount - redeemed_value


def test_the_strategies_build_valid_programmes() -> None:
    """Guard for the generators: a programme strategy that only ever failed would prove nothing."""

    @settings(max_examples=50, deadline=None)
    @given(document=programmes())
    def build(document: dict[str, Any]) -> None:
        assert isinstance(parse_config(document), ProgramConfig)

    build()
