"""Rule 4 of the points math: promotions by priority, their effects, and why each did or did not apply.

The base programme (conftest.BASE_DOCUMENT): base rate 5%, dairy 7%, tobacco excluded, floor
rounding; here with tiers base (0, x1), silver (10000.00, x1.25), gold (20000.00, x1.5). The
default receipt is at store R001, retail, on Tuesday 3 March 2026 at noon in Moscow (09:00 UTC).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from loyalty_core.config import ProgramConfig
from loyalty_core.engine import Basket, Decision, MemberState, calculate
from loyalty_core.engine.promotions import describe_effect, evaluate

D = Decimal
UTC = dt.UTC
ConfigBuilder = Callable[..., ProgramConfig]
BasketBuilder = Callable[..., Basket]

TIERS = [
    {"code": "base", "threshold": "0.00", "multiplier": "1"},
    {"code": "silver", "threshold": "10000.00", "multiplier": "1.25"},
    {"code": "gold", "threshold": "20000.00", "multiplier": "1.5"},
]
SILVER_SPEND = D("10000.00")
GOLD_SPEND = D("25000.00")


def promo(code: str, kind: str = "multiplier", **fields: Any) -> dict[str, Any]:
    """A promotion entry of the configuration document; a multiplier of 2 unless told."""
    defaults: dict[str, Any] = {"multiplier": "2"} if kind == "multiplier" else {}
    return {"code": code, "kind": kind, **defaults, **fields}


def outcome(decision: Decision, code: str) -> tuple[str, str]:
    """("applied", its reason) or ("skipped", why not) for one promotion of a decision."""
    for applied in decision.applied:
        if applied.code == code:
            return "applied", applied.reason
    for skipped in decision.skipped:
        if skipped.code == code:
            return "skipped", skipped.reason
    raise AssertionError(f"{code} is neither applied nor skipped")


def codes(decision: Decision) -> tuple[list[str], list[tuple[str, str]]]:
    return [a.code for a in decision.applied], [(s.code, s.reason) for s in decision.skipped]


# --- Every condition kind, applying and not applying, with the reason ---------------------------------


def at_utc(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


# (conditions, the receipt's moment, member's spend, member's birthday, store, direction, outcome)
CONDITION_CASES = [
    # Date range (inclusive at both ends, in the programme's time zone).
    pytest.param(
        {"date_from": "2026-03-01", "date_to": "2026-03-31"},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: date 2026-03-03 in 2026-03-01..2026-03-31"),
        id="date range: inside",
    ),
    pytest.param(
        {"date_from": "2026-03-03", "date_to": "2026-03-03"},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: date 2026-03-03 in 2026-03-03..2026-03-03"),
        id="date range: both ends inclusive",
    ),
    pytest.param(
        {"date_from": "2026-03-04"},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "starts 2026-03-04"),
        id="date range: not started yet",
    ),
    pytest.param(
        {"date_to": "2026-03-02"},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "ended 2026-03-02"),
        id="date range: ended",
    ),
    # 21:30 UTC on 31 March is 00:30 on 1 April in Moscow: the promotion has ended there.
    pytest.param(
        {"date_to": "2026-03-31"},
        at_utc(2026, 3, 31, 21, 30),
        None,
        None,
        "R001",
        "retail",
        ("skipped", "ended 2026-03-31"),
        id="date range: the local date counts, not UTC",
    ),
    # 20:59 UTC on 31 March is 23:59 in Moscow: still the last day.
    pytest.param(
        {"date_from": "2026-03-01", "date_to": "2026-03-31"},
        at_utc(2026, 3, 31, 20, 59),
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: date 2026-03-31 in 2026-03-01..2026-03-31"),
        id="date range: last local minute",
    ),
    # Weekdays.
    pytest.param(
        {"weekdays": ["tue", "wed"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: weekday tue"),
        id="weekdays: tuesday listed",
    ),
    pytest.param(
        {"weekdays": ["sat", "sun"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "weekday tue not in sat, sun"),
        id="weekdays: tuesday not listed",
    ),
    # 22:00 UTC on Monday 2 March is 01:00 on Tuesday in Moscow.
    pytest.param(
        {"weekdays": ["tue"]},
        at_utc(2026, 3, 2, 22, 0),
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: weekday tue"),
        id="weekdays: the local weekday counts",
    ),
    # Stores.
    pytest.param(
        {"stores": ["R001", "R002"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: store R001"),
        id="stores: the till's store listed",
    ),
    pytest.param(
        {"stores": ["R002", "R003"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "store R001 not in R002, R003"),
        id="stores: another store",
    ),
    # Directions.
    pytest.param(
        {"directions": ["retail"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: direction retail"),
        id="directions: retail listed",
    ),
    pytest.param(
        {"directions": ["wholesale"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "direction retail not in wholesale"),
        id="directions: retail not listed",
    ),
    pytest.param(
        {"directions": ["wholesale"]},
        None,
        None,
        None,
        "W001",
        "wholesale",
        ("applied", "x2: direction wholesale"),
        id="directions: a wholesale till",
    ),
    # Categories (the receipt: line 1 bread 100.00, line 2 dairy 50.00).
    pytest.param(
        {"categories": ["dairy"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: categories dairy on lines 2"),
        id="categories: a dairy line",
    ),
    pytest.param(
        {"categories": ["bread", "dairy"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: categories bread, dairy on lines 1, 2"),
        id="categories: several",
    ),
    pytest.param(
        {"categories": ["toys"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "no line in categories toys"),
        id="categories: no matching line",
    ),
    # Minimum check (the receipt totals 150.00).
    pytest.param(
        {"min_check": "150.00"},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: check 150.00 >= 150.00"),
        id="min_check: exactly reached",
    ),
    pytest.param(
        {"min_check": "150.01"},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "check 150.00 below 150.01"),
        id="min_check: a cent short",
    ),
    # Tiers.
    pytest.param(
        {"tiers": ["base"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: tier base"),
        id="tiers: the member's tier listed",
    ),
    pytest.param(
        {"tiers": ["silver", "gold"]},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "tier base not in silver, gold"),
        id="tiers: the member's tier not listed",
    ),
    pytest.param(
        {"tiers": ["silver"]},
        None,
        SILVER_SPEND,
        None,
        "R001",
        "retail",
        ("applied", "x2: tier silver"),
        id="tiers: reached by spend",
    ),
    # Birthday window (today is 3 March 2026).
    pytest.param(
        {"birthday_window_days": 3},
        None,
        None,
        dt.date(1990, 3, 6),
        "R001",
        "retail",
        ("applied", "x2: birthday within 3 days"),
        id="birthday: 3 days ahead, window 3",
    ),
    pytest.param(
        {"birthday_window_days": 3},
        None,
        None,
        dt.date(1990, 2, 28),
        "R001",
        "retail",
        ("applied", "x2: birthday within 3 days"),
        id="birthday: 3 days ago, window 3",
    ),
    pytest.param(
        {"birthday_window_days": 3},
        None,
        None,
        dt.date(1990, 3, 7),
        "R001",
        "retail",
        ("skipped", "birthday 4 days away (window 3)"),
        id="birthday: 4 days ahead, window 3",
    ),
    pytest.param(
        {"birthday_window_days": 3},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "member's birthday unknown"),
        id="birthday: unknown",
    ),
    pytest.param(
        {"birthday_window_days": 0},
        None,
        None,
        dt.date(1985, 3, 3),
        "R001",
        "retail",
        ("applied", "x2: birthday within 0 days"),
        id="birthday: on the day, window 0",
    ),
    # Year wrap: 2 January 2026 is 3 days after 30 December 2025.
    pytest.param(
        {"birthday_window_days": 3},
        at_utc(2026, 1, 2, 9, 0),
        None,
        dt.date(1990, 12, 30),
        "R001",
        "retail",
        ("applied", "x2: birthday within 3 days"),
        id="birthday: year wrap, last year's birthday",
    ),
    pytest.param(
        {"birthday_window_days": 2},
        at_utc(2026, 1, 2, 9, 0),
        None,
        dt.date(1990, 12, 30),
        "R001",
        "retail",
        ("skipped", "birthday 3 days away (window 2)"),
        id="birthday: year wrap, outside the window",
    ),
    # 30 December 2025 is 3 days before 2 January 2026.
    pytest.param(
        {"birthday_window_days": 3},
        at_utc(2025, 12, 30, 9, 0),
        None,
        dt.date(1990, 1, 2),
        "R001",
        "retail",
        ("applied", "x2: birthday within 3 days"),
        id="birthday: year wrap, next year's birthday",
    ),
    # 29 February: in a year without it the anniversary is 28 February.
    pytest.param(
        {"birthday_window_days": 0},
        at_utc(2026, 2, 28, 9, 0),
        None,
        dt.date(2000, 2, 29),
        "R001",
        "retail",
        ("applied", "x2: birthday within 0 days"),
        id="birthday: 29 feb kept on 28 feb of 2026",
    ),
    pytest.param(
        {"birthday_window_days": 0},
        at_utc(2026, 3, 1, 9, 0),
        None,
        dt.date(2000, 2, 29),
        "R001",
        "retail",
        ("skipped", "birthday 1 day away (window 0)"),
        id="birthday: 29 feb, 1 march 2026 is a day late",
    ),
    pytest.param(
        {"birthday_window_days": 0},
        at_utc(2028, 2, 29, 9, 0),
        None,
        dt.date(2000, 2, 29),
        "R001",
        "retail",
        ("applied", "x2: birthday within 0 days"),
        id="birthday: 29 feb in a leap year",
    ),
    pytest.param(
        {"birthday_window_days": 0},
        at_utc(2028, 2, 28, 9, 0),
        None,
        dt.date(2000, 2, 29),
        "R001",
        "retail",
        ("skipped", "birthday 1 day away (window 0)"),
        id="birthday: 29 feb, 28 feb of a leap year is a day early",
    ),
    # Several conditions: every one that held, in order.
    pytest.param(
        {"stores": ["R001"], "categories": ["dairy"], "min_check": "100.00"},
        None,
        None,
        None,
        "R001",
        "retail",
        ("applied", "x2: store R001; categories dairy on lines 2; check 150.00 >= 100.00"),
        id="several conditions: all held, all named",
    ),
    pytest.param(
        {"stores": ["R001"], "min_check": "200.00"},
        None,
        None,
        None,
        "R001",
        "retail",
        ("skipped", "check 150.00 below 200.00"),
        id="several conditions: the failing one named",
    ),
    pytest.param(
        {}, None, None, None, "R001", "retail", ("applied", "x2: no conditions"), id="no conditions"
    ),
]


@pytest.mark.parametrize(
    ("conditions", "moment", "spend", "birthday", "store", "direction", "expected"), CONDITION_CASES
)
def test_condition(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    conditions: dict[str, Any],
    moment: dt.datetime | None,
    spend: Decimal | None,
    birthday: dt.date | None,
    store: str,
    direction: str,
    expected: tuple[str, str],
) -> None:
    config = make_config(tiers=TIERS, promotions=[promo("P", conditions=conditions)])
    receipt = basket(("100.00", "bread"), ("50.00", "dairy"), store=store, direction=direction)
    member = MemberState(balance=0, spend_365=spend or D(0), birthday=birthday)
    decision = calculate(receipt, member, config, moment or at)
    assert outcome(decision, "P") == expected
    # The verdict is the same through the single-promotion entry point.
    local_now = (moment or at).astimezone(dt.timezone(dt.timedelta(hours=3)))
    verdict = evaluate(config.promotions[0], receipt, local_now, decision.tier, birthday)
    assert verdict.applies is (expected[0] == "applied")


def test_a_condition_that_fails_changes_the_points(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(promotions=[promo("P", conditions={"stores": ["R002"]})])
    receipt = basket(("100.00", "bread"))
    # Not at R001: 100.00 x 5% = 5. At R002: x2 = 10.
    assert calculate(receipt, MemberState(balance=0), config, at).earned_points == 5
    assert (
        calculate(basket(("100.00", "bread"), store="R002"), MemberState(balance=0), config, at).earned_points
        == 10
    )


def test_the_same_programme_gives_each_day_its_own_verdict(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    """Verdicts kept per (day, store, direction, tier) must not leak into another day."""
    config = make_config(promotions=[promo("MARCH", conditions={"date_to": "2026-03-31"})])
    receipt = basket(("100.00", "bread"))
    member = MemberState(balance=0)
    march = calculate(receipt, member, config, at)
    april = calculate(receipt, member, config, at_utc(2026, 4, 5, 9, 0))
    again_in_march = calculate(receipt, member, config, at)
    # 100.00 x 5% x 2 = 10 in March; 5 in April.
    assert (march.earned_points, april.earned_points, again_in_march.earned_points) == (10, 5, 10)
    assert outcome(april, "MARCH") == ("skipped", "ended 2026-03-31")


# --- Effects ----------------------------------------------------------------------------------------------


def test_multipliers_multiply_tier_and_every_applicable_promotion(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(
        tiers=TIERS,
        promotions=[
            promo("X2", multiplier="2"),
            promo("DAIRY3", multiplier="3", conditions={"categories": ["dairy"]}),
        ],
    )
    member = MemberState(balance=0, spend_365=GOLD_SPEND)
    decision = calculate(basket(("100.00", "bread"), ("100.00", "dairy")), member, config, at)
    # bread: 100.00 x 5% x 1.5 (gold) x 2 = 15; dairy: 100.00 x 7% x 1.5 x 2 x 3 = 63 -> 78.
    assert [ln.multiplier for ln in decision.lines] == [D(3), D(9)]
    assert [ln.points for ln in decision.lines] == [15, 63]
    assert decision.earned_points == 78
    assert [(a.code, a.lines) for a in decision.applied] == [("X2", (1, 2)), ("DAIRY3", (2,))]


def test_extra_points_are_added_once_per_receipt_and_not_multiplied(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(
        tiers=TIERS,
        promotions=[
            promo("BIG", "extra_points", points=50, priority=2, conditions={"min_check": "1000.00"}),
            promo("WELCOME", "extra_points", points=25, priority=1),
        ],
    )
    member = MemberState(balance=0, spend_365=GOLD_SPEND)
    decision = calculate(basket(*[("100.00", "bread")] * 10), member, config, at)
    # Ten lines of 100.00 x 5% x 1.5 = 7.5 each = 75, plus 50 + 25 extra once = 150.
    assert decision.extra_points == 75
    assert decision.earned_points == 150
    # 150 over ten equal raws = 15 each.
    assert [ln.points for ln in decision.lines] == [15] * 10
    assert [(a.code, a.extra_points, a.reason) for a in decision.applied] == [
        ("BIG", 50, "+50 points: check 1000.00 >= 1000.00"),
        ("WELCOME", 25, "+25 points: no conditions"),
    ]


def test_extra_points_are_allocated_to_lines_summing_exactly(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(promotions=[promo("WELCOME", "extra_points", points=25)])
    decision = calculate(basket(*[("100.00", "bread")] * 10), MemberState(balance=0), config, at)
    # 10 x 5 = 50 + 25 = 75 over ten equal raws: 7.5 each, floors 70, the five left to lines 1-5.
    assert decision.earned_points == 75
    assert [ln.points for ln in decision.lines] == [8] * 5 + [7] * 5


def test_extra_points_on_a_receipt_that_earns_nothing_else(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(promotions=[promo("WELCOME", "extra_points", points=25)])
    decision = calculate(
        basket(("100.00", "tobacco"), ("300.00", "tobacco")), MemberState(balance=0), config, at
    )
    # No raw points: the 25 go by earn base, 100 : 300 -> 6.25 and 18.75 -> 6 + 18, the one left to line 2.
    assert decision.earned_points == 25
    assert [ln.points for ln in decision.lines] == [6, 19]


def test_category_rate_replaces_the_rate_of_matching_lines_only(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(
        promotions=[promo("DAIRY10", "category_rate", rate="10", conditions={"categories": ["dairy"]})]
    )
    decision = calculate(basket(("100.00", "bread"), ("100.00", "dairy")), MemberState(balance=0), config, at)
    # bread keeps 5% -> 5; dairy 10% instead of 7% -> 10.
    assert [ln.rate for ln in decision.lines] == [D(5), D(10)]
    assert decision.earned_points == 15
    assert outcome(decision, "DAIRY10") == ("applied", "rate 10%: categories dairy on lines 2")


def test_category_rate_never_lifts_an_excluded_category(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(
        promotions=[
            promo("ALL10", "category_rate", rate="10", conditions={"categories": ["dairy", "tobacco"]})
        ]
    )
    decision = calculate(
        basket(("100.00", "bread"), ("100.00", "dairy"), ("100.00", "tobacco")),
        MemberState(balance=0),
        config,
        at,
    )
    # bread 5; dairy 10; tobacco stays excluded at 0 -> 15.
    assert [ln.rate for ln in decision.lines] == [D(5), D(10), D(0)]
    assert [ln.points for ln in decision.lines] == [5, 10, 0]
    assert decision.applied[0].lines == (2,)


def test_multipliers_do_not_lift_an_excluded_category(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(promotions=[promo("X5", multiplier="5", conditions={"categories": ["tobacco"]})])
    decision = calculate(basket(("100.00", "tobacco")), MemberState(balance=0), config, at)
    assert decision.earned_points == 0


def test_category_rate_then_multiplier(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(
        tiers=TIERS,
        promotions=[
            promo("DAIRY10", "category_rate", rate="10", priority=5, conditions={"categories": ["dairy"]}),
            promo("X2", priority=1),
        ],
    )
    member = MemberState(balance=0, spend_365=SILVER_SPEND)
    decision = calculate(basket(("100.00", "dairy")), member, config, at)
    # 100.00 x 10% x 1.25 (silver) x 2 = 25.
    assert decision.earned_points == 25


def test_a_higher_priority_category_rate_wins(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(
        promotions=[
            promo("LOW30", "category_rate", rate="30", priority=1, conditions={"categories": ["dairy"]}),
            promo("HIGH20", "category_rate", rate="20", priority=9, conditions={"categories": ["dairy"]}),
        ]
    )
    decision = calculate(basket(("100.00", "dairy")), MemberState(balance=0), config, at)
    # 100.00 x 20% = 20 (the priority 9 rate), not 30.
    assert decision.lines[0].rate == D(20)
    assert decision.earned_points == 20


# --- Priority and exclusivity -------------------------------------------------------------------------------


def test_promotions_are_evaluated_by_priority_whatever_their_order(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(
        promotions=[
            promo("LOW", "extra_points", points=1, priority=-3),
            promo("MID", priority=5),
            promo("TOP", multiplier="3", priority=10),
            promo("TIE", "extra_points", points=2, priority=5),
        ]
    )
    decision = calculate(basket(("100.00", "bread")), MemberState(balance=0), config, at)
    # Equal priorities keep the document's order.
    assert [a.code for a in decision.applied] == ["TOP", "MID", "TIE", "LOW"]
    # 100.00 x 5% x 3 x 2 = 30, + 2 + 1 = 33.
    assert decision.earned_points == 33


def test_an_applicable_exclusive_promotion_stops_all_lower_ones(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(
        promotions=[
            promo("LOW", "extra_points", points=100, priority=5),
            promo("EXCL", multiplier="3", priority=10, exclusive=True),
            promo("LOWER", "extra_points", points=10, priority=1, conditions={"stores": ["R999"]}),
            promo("TOP", multiplier="2", priority=20),
        ]
    )
    decision = calculate(basket(("100.00", "bread")), MemberState(balance=0), config, at)
    # TOP and EXCL apply: 100.00 x 5% x 2 x 3 = 30; LOW's 100 points are not added.
    assert decision.earned_points == 30
    assert codes(decision) == (
        ["TOP", "EXCL"],
        [("LOW", "stopped by exclusive promotion EXCL"), ("LOWER", "stopped by exclusive promotion EXCL")],
    )
    assert decision.applied[1].exclusive


@pytest.mark.parametrize(
    ("exclusive_conditions", "why_not"),
    [
        pytest.param({"stores": ["R002"]}, "store R001 not in R002", id="refused by the till"),
        pytest.param(
            {"categories": ["dairy"]}, "no line in categories dairy", id="no line in its categories"
        ),
        pytest.param({"min_check": "500.00"}, "check 100.00 below 500.00", id="check too small"),
    ],
)
def test_an_exclusive_promotion_that_does_not_apply_stops_nothing(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    exclusive_conditions: dict[str, Any],
    why_not: str,
) -> None:
    config = make_config(
        promotions=[
            promo("EXCL", multiplier="3", priority=10, exclusive=True, conditions=exclusive_conditions),
            promo("LOW", "extra_points", points=100, priority=5),
        ]
    )
    decision = calculate(basket(("100.00", "bread")), MemberState(balance=0), config, at)
    # 100.00 x 5% = 5, + 100 from LOW.
    assert decision.earned_points == 105
    assert codes(decision) == (["LOW"], [("EXCL", why_not)])


def test_skipped_promotions_are_listed_in_evaluation_order_with_reasons(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    config = make_config(
        promotions=[
            promo("A", priority=1, conditions={"categories": ["toys"]}),
            promo("B", priority=3, conditions={"weekdays": ["sun"]}),
            promo("C", priority=2),
            promo("D", priority=4, conditions={"min_check": "999.00"}),
        ]
    )
    decision = calculate(basket(("100.00", "bread")), MemberState(balance=0), config, at)
    assert codes(decision) == (
        ["C"],
        [
            ("D", "check 100.00 below 999.00"),
            ("B", "weekday tue not in sun"),
            ("A", "no line in categories toys"),
        ],
    )


@pytest.mark.parametrize(
    ("fields", "effect"),
    [
        pytest.param({"kind": "multiplier", "multiplier": "1.50"}, "x1.5", id="multiplier"),
        pytest.param({"kind": "extra_points", "points": 40}, "+40 points", id="extra points"),
        pytest.param(
            {"kind": "category_rate", "rate": "12.5", "conditions": {"categories": ["dairy"]}},
            "rate 12.5%",
            id="category rate",
        ),
    ],
)
def test_the_effect_reads_like_what_it_does(
    make_config: ConfigBuilder, fields: dict[str, Any], effect: str
) -> None:
    config = make_config(promotions=[{"code": "P", **fields}])
    assert describe_effect(config.promotions[0]) == effect


def test_a_category_rate_with_nothing_to_re_rate_does_not_apply_and_stops_nothing(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    # The basic programme excludes tobacco; an exclusive category rate on tobacco changes no line.
    config = make_config(
        promotions=[
            promo(
                "TOBACCO10",
                "category_rate",
                rate="10",
                priority=10,
                exclusive=True,
                conditions={"categories": ["tobacco"]},
            ),
            promo("ALL2X", multiplier="2", priority=1),
        ]
    )
    decision = calculate(
        basket(("100.00", "tobacco"), ("100.00", "bread")), MemberState(balance=0), config, at
    )
    # Bread 100.00 x 5% x 2 = 10; tobacco earns nothing.
    assert decision.earned_points == 10
    assert codes(decision) == (
        ["ALL2X"],
        [("TOBACCO10", "no line to re-rate: its lines are excluded or re-rated by a higher promotion")],
    )


def test_applied_promotions_carry_their_fields_in_order(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    # calculate builds AppliedPromotion positionally for speed: a reordered field would show here.
    config = make_config(promotions=[promo("X2", multiplier="2", priority=7, exclusive=True, name="Double")])
    applied = calculate(basket(("100.00", "bread")), MemberState(balance=0), config, at).applied[0]
    assert (applied.code, applied.name, applied.kind, applied.priority, applied.exclusive) == (
        "X2",
        "Double",
        "multiplier",
        7,
        True,
    )
    assert (applied.effect, applied.lines, applied.extra_points) == ("x2", (1,), 0)
    assert applied.reason == "x2: no conditions"
