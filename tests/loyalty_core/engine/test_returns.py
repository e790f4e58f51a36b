"""Rule 6: returns reverse a line's stored points in proportion to the quantity, without drift."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from loyalty_core.config import ProgramConfig
from loyalty_core.engine import (
    Basket,
    LineDecision,
    LineReturn,
    MemberState,
    ReturnableLine,
    calculate,
    plan_return,
)
from loyalty_core.errors import BusinessRuleViolation

D = Decimal
Recorder = Callable[[ReturnableLine, LineReturn], ReturnableLine]

# A line of 3 units for 30.00 that earned 10 points and had 5 points (5.00) redeemed against it:
# 25.00 of it was paid with money.
THREE_UNITS = ReturnableLine(
    index=1, quantity=D(3), amount=D("30.00"), points=10, redeemed_points=5, redeemed_value=D("5.00")
)


def stored_line(
    *,
    quantity: Decimal,
    amount: str,
    points: int,
    redeemed_points: int = 0,
    redeemed_value: str = "0.00",
    index: int = 1,
) -> ReturnableLine:
    """A stored purchase line, nothing returned yet."""
    return ReturnableLine(
        index=index,
        quantity=quantity,
        amount=D(amount),
        points=points,
        redeemed_points=redeemed_points,
        redeemed_value=D(redeemed_value),
    )


def figures(done: LineReturn) -> tuple[int, int, Decimal, Decimal]:
    return done.points_reversed, done.redeemed_points_refunded, done.amount, done.paid


@pytest.mark.parametrize(
    ("stored", "quantity", "expected"),
    [
        # 1 of 3: points 10/3 = 3.33 -> 3; redeemed 5/3 = 1.67 -> 2; amount 10.00; paid 25.00/3 = 8.33.
        pytest.param(THREE_UNITS, D(1), (3, 2, D("10.00"), D("8.33")), id="one of three"),
        # 2 of 3: points 6.67 -> 7; redeemed 3.33 -> 3; amount 20.00; paid 16.666 -> 16.67.
        pytest.param(THREE_UNITS, D(2), (7, 3, D("20.00"), D("16.67")), id="two of three"),
        pytest.param(THREE_UNITS, D(3), (10, 5, D("30.00"), D("25.00")), id="the whole line"),
        # 1 of 2 of a line that earned 5: 2.5 -> 3 (half-up); redeemed 1/2 = 0.5 -> 1.
        pytest.param(
            stored_line(quantity=D(2), amount="10.00", points=5, redeemed_points=1, redeemed_value="1.00"),
            D(1),
            (3, 1, D("5.00"), D("4.50")),
            id="a half rounds up",
        ),
        # 0.5 kg of 1.5 kg: points 9/3 = 3; amount 4.50/3 = 1.50; paid 4.50/3 = 1.50.
        pytest.param(
            stored_line(quantity=D("1.5"), amount="4.50", points=9),
            D("0.5"),
            (3, 0, D("1.50"), D("1.50")),
            id="a fractional quantity",
        ),
        # 1 of 4 of a line that earned 1: 0.25 -> 0, nothing reversed yet.
        pytest.param(
            stored_line(quantity=D(4), amount="4.00", points=1),
            D(1),
            (0, 0, D("1.00"), D("1.00")),
            id="a quarter of one point rounds to nothing",
        ),
    ],
)
def test_a_partial_return_reverses_in_proportion_half_up(
    stored: ReturnableLine, quantity: Decimal, expected: tuple[int, int, Decimal, Decimal]
) -> None:
    (done,) = plan_return([stored], {stored.index: quantity})
    assert done.index == stored.index
    assert done.quantity == quantity
    assert figures(done) == expected


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # Cumulative: 1 -> points 3.33 -> 3, redeemed 1.67 -> 2, paid 8.33;
        #             2 -> 6.67 -> 7 (delta 4), 3.33 -> 3 (delta 1), 16.67 (delta 8.34);
        #             3 -> 10 (delta 3), 5 (delta 2), 25.00 (delta 8.33).
        pytest.param(
            [D(1), D(1), D(1)],
            [(3, 2, D("10.00"), D("8.33")), (4, 1, D("10.00"), D("8.34")), (3, 2, D("10.00"), D("8.33"))],
            id="three returns of one",
        ),
        # 2 -> 7, 3, 20.00, 16.67; then the last one: 3, 2, 10.00, 8.33.
        pytest.param(
            [D(2), D(1)], [(7, 3, D("20.00"), D("16.67")), (3, 2, D("10.00"), D("8.33"))], id="two then one"
        ),
        # 1 -> 3, 2, 10.00, 8.33; then 2 more reach the whole line: 7, 3, 20.00, 16.67.
        pytest.param(
            [D(1), D(2)], [(3, 2, D("10.00"), D("8.33")), (7, 3, D("20.00"), D("16.67"))], id="one then two"
        ),
        pytest.param([D(3)], [(10, 5, D("30.00"), D("25.00"))], id="all in one go"),
        # 0.5 steps: cumulative points 10 x 0.5/3 = 1.67 -> 2, 3.33 -> 3, 5, 6.67 -> 7, 8.33 -> 8, 10.
        pytest.param(
            [D("0.5")] * 6,
            [
                (2, 1, D("5.00"), D("4.17")),
                (1, 1, D("5.00"), D("4.16")),
                (2, 1, D("5.00"), D("4.17")),
                (2, 0, D("5.00"), D("4.17")),
                (1, 1, D("5.00"), D("4.16")),
                (2, 1, D("5.00"), D("4.17")),
            ],
            id="six returns of half a unit",
        ),
    ],
)
def test_returning_a_whole_line_in_steps_reverses_exactly_what_it_earned(
    after_return: Recorder,
    steps: list[Decimal],
    expected: list[tuple[int, int, Decimal, Decimal]],
) -> None:
    stored = THREE_UNITS
    seen = []
    for quantity in steps:
        (done,) = plan_return([stored], {1: quantity})
        seen.append(figures(done))
        stored = after_return(stored, done)
    assert seen == expected
    # Together: exactly the 10 earned, the 5 redeemed, the 30.00 and the 25.00 paid.
    assert (stored.reversed_points, stored.refunded_points, stored.returned_amount, stored.returned_paid) == (
        10,
        5,
        D("30.00"),
        D("25.00"),
    )


def test_several_lines_in_one_return(after_return: Recorder) -> None:
    second = stored_line(index=2, quantity=D(2), amount="50.00", points=7)
    plan = plan_return([THREE_UNITS, second], {2: D(2), 1: D(1)})
    # Lines in index order; line 2 whole: 7 points, 50.00.
    assert [(p.index, figures(p)) for p in plan] == [
        (1, (3, 2, D("10.00"), D("8.33"))),
        (2, (7, 0, D("50.00"), D("50.00"))),
    ]


@pytest.mark.parametrize(
    ("returned_before", "quantity", "reason"),
    [
        pytest.param(
            D(0), D(4), "line 1: cannot return 4, only 3 of 3 left to return", id="more than bought"
        ),
        pytest.param(
            D(2), D(2), "line 1: cannot return 2, only 1 of 3 left to return", id="more than is left"
        ),
        pytest.param(
            D(3), D("0.5"), "line 1: cannot return 0.5, only 0 of 3 left to return", id="nothing left"
        ),
        pytest.param(D(0), D(0), "line 1: quantity to return must be positive", id="zero"),
        pytest.param(D(0), D(-1), "line 1: quantity to return must be positive", id="negative"),
    ],
)
def test_an_over_return_is_refused_naming_the_line(
    returned_before: Decimal, quantity: Decimal, reason: str
) -> None:
    stored = ReturnableLine(
        index=1,
        quantity=D(3),
        amount=D("30.00"),
        points=10,
        redeemed_points=5,
        redeemed_value=D("5.00"),
        returned_quantity=returned_before,
    )
    with pytest.raises(BusinessRuleViolation) as refused:
        plan_return([stored], {1: quantity})
    assert refused.value.detail == reason
    assert refused.value.field == "lines[line=1]"


def test_returning_a_line_the_purchase_does_not_have_is_refused() -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        plan_return([THREE_UNITS], {9: D(1)})
    assert refused.value.detail == "the purchase has no line 9"
    assert refused.value.field == "lines[line=9]"


def test_a_refused_line_refuses_the_whole_return() -> None:
    with pytest.raises(BusinessRuleViolation, match="line 1: cannot return 4"):
        plan_return([THREE_UNITS], {1: D(4)})


def test_returns_reverse_what_a_calculated_purchase_stored(
    make_config: Callable[..., ProgramConfig],
    basket: Callable[..., Basket],
    line: Callable[..., object],
    at: dt.datetime,
    returnable: Callable[[LineDecision], ReturnableLine],
    after_return: Recorder,
) -> None:
    receipt = basket(line("300.00", "dairy", quantity=3), line("100.00", "bread", quantity=1), redeem=40)
    decision = calculate(receipt, MemberState(balance=1000), make_config(), at)
    # 40.00 over 300 : 100 -> 30.00 / 10.00 (30 / 10 points); bases 270.00 / 90.00;
    # 270 x 7% = 18.9 + 90 x 5% = 4.5 = 23.4 -> 23; quotas 18.577 / 4.423 -> 18 + 4, the one left to line 1.
    assert [(ln.points, ln.redeemed_points) for ln in decision.lines] == [(19, 30), (4, 10)]
    dairy = returnable(decision.lines[0])
    total_points = total_redeemed = 0
    for _ in range(3):
        (done,) = plan_return([dairy], {1: D(1)})
        total_points += done.points_reversed
        total_redeemed += done.redeemed_points_refunded
        dairy = after_return(dairy, done)
    assert (total_points, total_redeemed) == (19, 30)
    assert dairy.returned_paid == D("270.00")
