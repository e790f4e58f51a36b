"""The points math of DESIGN.md ("Loyalty core contracts"), rules 1, 2, 3, 5 and 7, figure by figure.

Promotions (rule 4) are in test_promotions.py, returns (rule 6) in test_returns.py. The base
programme (conftest.BASE_DOCUMENT): base rate 5%, dairy 7%, tobacco excluded, a point is worth
1.00, at most 50% of a check may be paid with points, no minimum, rounding floor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from loyalty_core.config import ProgramConfig
from loyalty_core.engine import Basket, MemberState, calculate, max_redeemable
from loyalty_core.errors import BusinessRuleViolation, InvalidRequest

D = Decimal
ConfigBuilder = Callable[..., ProgramConfig]
BasketBuilder = Callable[..., Basket]

RICH = MemberState(balance=1_000_000)

# --- Rule 1: redemption first -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "balance", "redemption", "expected"),
    [
        # floor(1000.00 * 50% / 1.00) = 500, below the balance of 10000.
        pytest.param("1000.00", 10_000, {}, 500, id="the share of the check caps it"),
        # min(120, 500) = 120.
        pytest.param("1000.00", 120, {}, 120, id="the balance caps it"),
        # floor(1000.00 * 50% / 0.50) = floor(1000) = 1000.
        pytest.param(
            "1000.00", 5_000, {"point_value": "0.50"}, 1000, id="a point worth 0.50 doubles the cap"
        ),
        # floor(999.99 * 50% / 1.00) = floor(499.995) = 499.
        pytest.param("999.99", 5_000, {}, 499, id="the share is floored to whole points"),
        # floor(1001.00 * 100% / 2.00) = floor(500.5) = 500.
        pytest.param(
            "1001.00", 5_000, {"point_value": "2.00", "max_share": "100"}, 500, id="a point worth 2.00"
        ),
        # floor(100.00 * 33.5% / 1.00) = floor(33.5) = 33.
        pytest.param("100.00", 5_000, {"max_share": "33.5"}, 33, id="a fractional max_share"),
        # floor(100.00 * 50%) = 50, below min_points 100: nothing can be redeemed.
        pytest.param("100.00", 5_000, {"min_points": 100}, 0, id="0 when the share cap is below min_points"),
        # floor(200.00 * 50%) = 100 = min_points: allowed.
        pytest.param("200.00", 5_000, {"min_points": 100}, 100, id="exactly min_points is allowed"),
        # min(5, 500) = 5, below min_points 10.
        pytest.param("1000.00", 5, {"min_points": 10}, 0, id="0 when the balance is below min_points"),
        pytest.param("1000.00", 0, {}, 0, id="0 with an empty balance"),
        pytest.param("1000.00", -50, {}, 0, id="0 with a negative balance"),
        pytest.param("1000.00", 5_000, {"max_share": "0"}, 0, id="0 when max_share is 0"),
    ],
)
def test_max_redeemable(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    total: str,
    balance: int,
    redemption: dict[str, Any],
    expected: int,
) -> None:
    config = make_config(redemption=redemption)
    assert max_redeemable(D(total), balance, config) == expected
    decision = calculate(basket((total, "bread")), MemberState(balance=balance), config, at)
    assert decision.max_redeemable == expected


@pytest.mark.parametrize(
    ("total", "balance", "redemption", "asked", "limit", "reason"),
    [
        # floor(1000.00 * 50%) = 500 < balance.
        pytest.param(
            "1000.00",
            10_000,
            {},
            501,
            500,
            "cannot redeem 501 points: at most 500 points (50% of the check 1000.00 at 1.00 per point)",
            id="more than the share of the check",
        ),
        pytest.param(
            "1000.00",
            120,
            {},
            121,
            120,
            "cannot redeem 121 points: the balance is 120",
            id="more than the balance",
        ),
        pytest.param(
            "1000.00",
            0,
            {},
            1,
            0,
            "cannot redeem 1 points: the balance is 0",
            id="anything from an empty balance",
        ),
        # min(5, 500) = 5 < min_points 10, so max_redeemable is 0.
        pytest.param(
            "1000.00",
            5,
            {"min_points": 10},
            5,
            0,
            "cannot redeem 5 points: at most 5 are available, below the minimum of 10 points that can be "
            "redeemed",
            id="a balance below min_points",
        ),
        # 500 may be redeemed, but no fewer than 10 at once.
        pytest.param(
            "1000.00",
            10_000,
            {"min_points": 10},
            5,
            500,
            "at least 10 points must be redeemed at once (asked 5)",
            id="fewer than min_points",
        ),
    ],
)
def test_asking_to_redeem_too_much_is_refused_with_the_reason(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    total: str,
    balance: int,
    redemption: dict[str, Any],
    asked: int,
    limit: int,
    reason: str,
) -> None:
    config = make_config(redemption=redemption)
    with pytest.raises(BusinessRuleViolation) as refused:
        calculate(basket((total, "bread"), redeem=asked), MemberState(balance=balance), config, at)
    assert refused.value.detail == reason
    assert refused.value.field == "redeem_points"
    assert refused.value.extra["max_redeemable"] == limit
    assert refused.value.status == 422


def test_redeeming_exactly_the_maximum_is_allowed(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    decision = calculate(
        basket(("1000.00", "bread"), redeem=500), MemberState(balance=10_000), make_config(), at
    )
    assert (decision.redeemed_points, decision.redeemed_value) == (500, D("500.00"))


def test_negative_redemption_is_an_invalid_request(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    with pytest.raises(InvalidRequest, match="must not be negative"):
        calculate(basket(("100.00", "bread"), redeem=-1), RICH, make_config(), at)


@pytest.mark.parametrize(
    ("lines", "redeem", "point_value", "values", "points"),
    [
        # 1 point = 1.00 = 100 cents over three equal lines: 33.33 each, the cent left to line 1.
        pytest.param(
            [("1.00", "bread")] * 3,
            1,
            "1.00",
            ["0.34", "0.33", "0.33"],
            [1, 0, 0],
            id="a cent left over goes to the first of equal lines",
        ),
        # 100 points = 100.00 over 100.00 : 300.00 -> 25.00 and 75.00.
        pytest.param(
            [("100.00", "bread"), ("300.00", "bread")],
            100,
            "1.00",
            ["25.00", "75.00"],
            [25, 75],
            id="in proportion to line amounts",
        ),
        # 7 points x 0.50 = 3.50 = 350 cents / 3 = 116.67: 117, 117, 116.
        # Points: 7 / 3 = 2.33: 2 each, the one left to line 1.
        pytest.param(
            [("10.00", "bread")] * 3,
            7,
            "0.50",
            ["1.17", "1.17", "1.16"],
            [3, 2, 2],
            id="a point worth 0.50: value to the cent",
        ),
        # 10 points = 1000 cents over 333.33 : 666.67 -> quotas 333.33 and 666.67 cents;
        # floors 333 + 666, the cent left to the larger remainder (.67), line 2.
        pytest.param(
            [("333.33", "bread"), ("666.67", "dairy")],
            10,
            "1.00",
            ["3.33", "6.67"],
            [3, 7],
            id="a cent left over goes to the largest remainder",
        ),
    ],
)
def test_redeemed_value_is_allocated_to_lines_by_largest_remainder(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    lines: list[tuple[str, str]],
    redeem: int,
    point_value: str,
    values: list[str],
    points: list[int],
) -> None:
    config = make_config(redemption={"point_value": point_value})
    decision = calculate(basket(*lines, redeem=redeem), RICH, config, at)
    assert [ln.redeemed_value for ln in decision.lines] == [D(v) for v in values]
    assert decision.redeemed_value == sum((D(v) for v in values), D(0))
    assert [ln.redeemed_points for ln in decision.lines] == points
    assert decision.redeemed_points == redeem


# --- Rule 2: points are not earned on the part paid with points ------------------------------------


@pytest.mark.parametrize(
    ("lines", "redeem", "point_value", "bases", "earned"),
    [
        # 5% of 100.00 + 5% of 300.00 = 5 + 15 = 20.
        pytest.param(
            [("100.00", "bread"), ("300.00", "bread")],
            0,
            "1.00",
            ["100.00", "300.00"],
            20,
            id="nothing redeemed: base is the amount",
        ),
        # 100.00 redeemed: shares 25.00 / 75.00, bases 75.00 / 225.00; 5% -> 3.75 + 11.25 = 15.
        pytest.param(
            [("100.00", "bread"), ("300.00", "bread")],
            100,
            "1.00",
            ["75.00", "225.00"],
            15,
            id="base is amount minus redeemed share",
        ),
        # 200.00 redeemed (the 50% maximum) from one line of 400.00: base 200.00; 7% -> 14.
        pytest.param(
            [("400.00", "dairy")], 200, "1.00", ["200.00"], 14, id="half the check paid with points"
        ),
        # 7 x 0.50 = 3.50 redeemed: shares 1.17/1.17/1.16, bases 8.83/8.83/8.84;
        # 5% -> 0.4415 + 0.4415 + 0.4420 = 1.325, floor 1.
        pytest.param(
            [("10.00", "bread")] * 3, 7, "0.50", ["8.83", "8.83", "8.84"], 1, id="bases to the cent"
        ),
    ],
)
def test_earn_base_is_line_amount_minus_its_redeemed_share(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    lines: list[tuple[str, str]],
    redeem: int,
    point_value: str,
    bases: list[str],
    earned: int,
) -> None:
    config = make_config(redemption={"point_value": point_value})
    decision = calculate(basket(*lines, redeem=redeem), RICH, config, at)
    assert [ln.earn_base for ln in decision.lines] == [D(b) for b in bases]
    assert decision.earned_points == earned


# --- Rule 3: line rate -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "earn", "rate", "earned"),
    [
        # 200.00 x 5% = 10.
        pytest.param("bread", {}, "5", 10, id="no category rate: the base rate"),
        # 200.00 x 7% = 14.
        pytest.param("dairy", {}, "7", 14, id="a category rate replaces the base rate"),
        pytest.param("tobacco", {}, "0", 0, id="an excluded category earns 0"),
        # 200.00 x 2.5% = 5.
        pytest.param(
            "books", {"category_rates": {"books": "2.5"}}, "2.5", 5, id="a fractional category rate"
        ),
        pytest.param("water", {"category_rates": {"water": "0"}}, "0", 0, id="a category rate of 0"),
        # 200.00 x 12% = 24.
        pytest.param("bread", {"base_rate": "12"}, "12", 24, id="another base rate"),
    ],
)
def test_line_rate(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    category: str,
    earn: dict[str, Any],
    rate: str,
    earned: int,
) -> None:
    decision = calculate(basket(("200.00", category)), RICH, make_config(earn=earn), at)
    assert decision.lines[0].rate == D(rate)
    assert decision.earned_points == earned


def test_each_line_earns_at_its_own_rate(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    # bread 100.00 x 5% = 5; dairy 100.00 x 7% = 7; tobacco 100.00 x 0% = 0 -> 12.
    decision = calculate(
        basket(("100.00", "bread"), ("100.00", "dairy"), ("100.00", "tobacco")), RICH, make_config(), at
    )
    assert [ln.rate for ln in decision.lines] == [D(5), D(7), D(0)]
    assert [ln.points for ln in decision.lines] == [5, 7, 0]
    assert decision.earned_points == 12


# --- Rule 5: rounding once per receipt, allocation to lines ------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rounding", "earned"),
    [
        # 50.00 x 5% = 2.5
        pytest.param("50.00", None, 2, id="2.5 floor by default"),
        pytest.param("50.00", "floor", 2, id="2.5 floor"),
        pytest.param("50.00", "ceil", 3, id="2.5 ceil"),
        pytest.param("50.00", "half_up", 3, id="2.5 half_up"),
        pytest.param("50.00", "half_even", 2, id="2.5 half_even to the even 2"),
        # 70.00 x 5% = 3.5
        pytest.param("70.00", "half_even", 4, id="3.5 half_even to the even 4"),
        pytest.param("70.00", "half_up", 4, id="3.5 half_up"),
        # 48.00 x 5% = 2.4
        pytest.param("48.00", "floor", 2, id="2.4 floor"),
        pytest.param("48.00", "ceil", 3, id="2.4 ceil"),
        pytest.param("48.00", "half_up", 2, id="2.4 half_up"),
        pytest.param("48.00", "half_even", 2, id="2.4 half_even"),
        # 52.00 x 5% = 2.6
        pytest.param("52.00", "floor", 2, id="2.6 floor"),
        pytest.param("52.00", "ceil", 3, id="2.6 ceil"),
        pytest.param("52.00", "half_up", 3, id="2.6 half_up"),
        pytest.param("52.00", "half_even", 3, id="2.6 half_even"),
        # 40.00 x 5% = 2 exactly
        pytest.param("40.00", "ceil", 2, id="a whole 2 stays 2 under ceil"),
    ],
)
def test_receipt_points_are_rounded_with_the_configured_mode(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    amount: str,
    rounding: str | None,
    earned: int,
) -> None:
    config = make_config() if rounding is None else make_config(rounding=rounding)
    decision = calculate(basket((amount, "bread")), RICH, config, at)
    assert decision.earned_points == earned
    assert decision.lines[0].points == earned


@pytest.mark.parametrize(
    ("rounding", "earned", "line_points"),
    [
        # Three lines of 10.00 x 5% = 0.5 each. Per line every mode but ceil would give 0 + 0 + 0;
        # once per receipt: 1.5 -> floor 1, ceil 2, half_up 2, half_even 2.
        # The points go to lines by largest remainder over equal raws: earliest lines first.
        pytest.param("floor", 1, [1, 0, 0], id="floor 1.5 once, not 0.5 three times"),
        pytest.param("ceil", 2, [1, 1, 0], id="ceil 1.5 once, not 0.5 three times"),
        pytest.param("half_up", 2, [1, 1, 0], id="half_up 1.5 once"),
        pytest.param("half_even", 2, [1, 1, 0], id="half_even 1.5 once"),
    ],
)
def test_rounding_happens_once_per_receipt(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    rounding: str,
    earned: int,
    line_points: list[int],
) -> None:
    decision = calculate(basket(*[("10.00", "bread")] * 3), RICH, make_config(rounding=rounding), at)
    assert [ln.raw_points for ln in decision.lines] == [D("0.5")] * 3
    assert decision.earned_points == earned
    assert [ln.points for ln in decision.lines] == line_points


@pytest.mark.parametrize(
    ("lines", "redeem", "rounding", "line_points"),
    [
        # raws 5.00 (100 x 5%) and 7.70 (110 x 7%) = 12.70 -> floor 12. Quotas 12 x 5/12.7 = 4.724,
        # 12 x 7.7/12.7 = 7.276: floors 4 + 7 = 11, the one left to the larger remainder (.724), line 1.
        pytest.param(
            [("100.00", "bread"), ("110.00", "dairy")],
            0,
            "floor",
            [5, 7],
            id="leftover to the largest remainder",
        ),
        # Same raws, ceil 13: quotas 5.118 and 7.882, floors 5 + 7 = 12, the one left to line 2 (.882).
        pytest.param(
            [("100.00", "bread"), ("110.00", "dairy")],
            0,
            "ceil",
            [5, 8],
            id="ceil: leftover to the other line",
        ),
        # 7 points x 0.50 redeemed (see rule 2): raws 0.4415 + 0.4415 + 0.4420 = 1.325 -> 1 point;
        # quotas 0.3332, 0.3332, 0.3336: it goes to line 3, the largest remainder.
        pytest.param([("10.00", "bread")] * 3, 7, "floor", [0, 0, 1], id="the point goes to the largest raw"),
        # raws 5 (bread) and 0 (tobacco): all points to the line that earned them.
        pytest.param(
            [("100.00", "bread"), ("100.00", "tobacco")],
            0,
            "floor",
            [5, 0],
            id="an excluded line gets no points",
        ),
    ],
)
def test_receipt_points_are_allocated_to_lines_summing_exactly(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    lines: list[tuple[str, str]],
    redeem: int,
    rounding: str,
    line_points: list[int],
) -> None:
    config = make_config(rounding=rounding, redemption={"point_value": "0.50"})
    decision = calculate(basket(*lines, redeem=redeem), RICH, config, at)
    assert [ln.points for ln in decision.lines] == line_points
    assert decision.earned_points == sum(line_points)


def test_every_line_paid_with_points_earns_nothing(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    # max_share 100%: 30.00 paid entirely with 30 points, bases 0, nothing earned.
    config = make_config(redemption={"max_share": "100"})
    decision = calculate(basket(("10.00", "bread"), ("20.00", "dairy"), redeem=30), RICH, config, at)
    assert [ln.earn_base for ln in decision.lines] == [D("0.00"), D("0.00")]
    assert decision.earned_points == 0
    assert decision.paid_amount == D("0.00")


# --- Rule 7: tier from the spend of the previous 365 days ---------------------------------------------

TIERS = [
    {"code": "base", "threshold": "0.00", "multiplier": "1"},
    {"code": "silver", "threshold": "10000.00", "multiplier": "1.25"},
    {"code": "gold", "threshold": "20000.00", "multiplier": "1.5"},
]


@pytest.mark.parametrize(
    ("spend", "tier", "multiplier", "earned"),
    [
        # 100.00 bread x 5% = 5, times the tier multiplier, floored.
        pytest.param("0.00", "base", "1", 5, id="no spend: the 0 threshold"),
        pytest.param("9999.99", "base", "1", 5, id="a cent below silver"),
        pytest.param("10000.00", "silver", "1.25", 6, id="exactly the silver threshold (5 x 1.25 = 6.25)"),
        pytest.param("19999.99", "silver", "1.25", 6, id="a cent below gold"),
        pytest.param("20000.00", "gold", "1.5", 7, id="exactly the gold threshold (5 x 1.5 = 7.5)"),
        pytest.param("1000000.00", "gold", "1.5", 7, id="far above the top threshold"),
    ],
)
def test_tier_is_the_highest_threshold_at_or_below_the_spend(
    make_config: ConfigBuilder,
    basket: BasketBuilder,
    at: dt.datetime,
    spend: str,
    tier: str,
    multiplier: str,
    earned: int,
) -> None:
    config = make_config(tiers=TIERS)
    decision = calculate(basket(("100.00", "bread")), MemberState(balance=0, spend_365=D(spend)), config, at)
    assert decision.tier == tier
    assert decision.tier_multiplier == D(multiplier)
    assert decision.lines[0].multiplier == D(multiplier)
    assert decision.earned_points == earned


def test_tier_is_evaluated_before_the_purchase(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    # 9950.00 spent before; this 100.00 purchase would cross 10000.00 but does not count yet.
    config = make_config(tiers=TIERS)
    decision = calculate(
        basket(("100.00", "bread")), MemberState(balance=0, spend_365=D("9950.00")), config, at
    )
    assert decision.tier == "base"
    assert decision.earned_points == 5


def test_no_tier_means_multiplier_one(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime
) -> None:
    decision = calculate(
        basket(("100.00", "bread")), MemberState(balance=0, spend_365=D("500.00")), make_config(tiers=[]), at
    )
    assert decision.tier is None
    assert decision.tier_multiplier == D(1)
    assert decision.earned_points == 5


@pytest.mark.parametrize("spend", ["0.00", "500.00", "9999.99"])
def test_the_lowest_tier_applies_below_its_threshold(
    make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime, spend: str
) -> None:
    """No member of a programme with tiers is ever without one, whatever the spend."""
    tiers = [
        {"code": "silver", "threshold": "10000.00", "multiplier": "2"},
        {"code": "gold", "threshold": "50000.00", "multiplier": "3"},
    ]
    member = MemberState(balance=0, spend_365=D(spend))
    decision = calculate(basket(("100.00", "bread")), member, make_config(tiers=tiers), at)
    assert decision.tier == "silver"
    assert decision.tier_multiplier == D(2)
    assert decision.earned_points == 10


# --- The decision as a whole -------------------------------------------------------------------------


def test_a_whole_receipt(make_config: ConfigBuilder, basket: BasketBuilder, at: dt.datetime) -> None:
    """Every rule at once on one receipt, worked by hand."""
    config = make_config(tiers=TIERS, redemption={"min_points": 10})
    receipt = basket(("600.00", "bread"), ("400.00", "dairy"), ("200.00", "tobacco"), redeem=120)
    member = MemberState(balance=300, spend_365=D("12000.00"))
    decision = calculate(receipt, member, config, at)

    # 1. check 1200.00; max_redeemable = min(300, floor(1200 x 50%)) = 300; 120 asked.
    #    120.00 over 600 : 400 : 200 -> 60.00, 40.00, 20.00 (points 60, 40, 20).
    assert decision.check_total == D("1200.00")
    assert decision.max_redeemable == 300
    assert [ln.redeemed_value for ln in decision.lines] == [D("60.00"), D("40.00"), D("20.00")]
    assert [ln.redeemed_points for ln in decision.lines] == [60, 40, 20]
    # 2. bases 540.00, 360.00, 180.00.
    assert [ln.earn_base for ln in decision.lines] == [D("540.00"), D("360.00"), D("180.00")]
    # 3 and 7. rates 5, 7, 0; silver x1.25.
    # raws 540 x 5% x 1.25 = 33.75; 360 x 7% x 1.25 = 31.5; 0 -> 65.25, floor 65.
    assert decision.tier == "silver"
    assert [ln.raw_points for ln in decision.lines] == [D("33.75"), D("31.5"), D(0)]
    assert decision.earned_points == 65
    # 5. 65 over 33.75 : 31.5 -> quotas 33.619, 31.381: floors 33 + 31 = 64, the one left to line 1.
    assert [ln.points for ln in decision.lines] == [34, 31, 0]
    # balance 300 - 120 + 65 = 245; paid 1200.00 - 120.00 = 1080.00.
    assert decision.balance_after == 245
    assert decision.paid_amount == D("1080.00")


def test_a_receipt_needs_lines(make_config: ConfigBuilder, at: dt.datetime) -> None:
    empty = Basket(lines=(), store_code="R001", direction="retail")
    with pytest.raises(InvalidRequest, match="at least one line"):
        calculate(empty, RICH, make_config(), at)


def test_a_naive_moment_is_refused(make_config: ConfigBuilder, basket: BasketBuilder) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        calculate(basket(("100.00", "bread")), RICH, make_config(), dt.datetime(2026, 3, 3, 12, 0))
