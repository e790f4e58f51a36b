"""Money and points arithmetic: largest-remainder shares, cents, and the rounding modes."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_core.money import allocate_money, half_up, largest_remainder, money_str, round_points, to_cents

D = Decimal


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        # 10 / 3 = 3.33 each: floors 3+3+3 = 9, the one left goes to the first of equal remainders.
        pytest.param(10, [D(1), D(1), D(1)], [4, 3, 3], id="equal weights: leftover to the earliest"),
        # 2 / 3 = 0.67 each: floors 0, two left, to the first two.
        pytest.param(2, [D(1), D(1), D(1)], [1, 1, 0], id="fewer units than lines"),
        # quotas 3.5, 2.1, 1.4: floors 3+2+1 = 6, the one left to the largest remainder (.5).
        pytest.param(7, [D("0.5"), D("0.3"), D("0.2")], [4, 2, 1], id="leftover to the largest remainder"),
        # quotas 1/3, 2/3: floors 0+0, the one left to the larger remainder, the later line.
        pytest.param(1, [D(1), D(2)], [0, 1], id="largest remainder wins over position"),
        pytest.param(12, [D(1), D(2), D(3)], [2, 4, 6], id="exact quotas need no leftover"),
        pytest.param(0, [D(1), D(2)], [0, 0], id="nothing to share"),
        # -10 over equal weights mirrors +10: magnitudes 4, 3, 3.
        pytest.param(-10, [D(1), D(1), D(1)], [-4, -3, -3], id="negative total mirrors the positive one"),
        pytest.param(5, [D(0), D(0)], [5, 0], id="no positive weight: all to the first"),
        pytest.param(5, [D(-1), D(2)], [0, 5], id="negative weights count as zero"),
        pytest.param(0, [], [], id="nothing over no weights"),
    ],
)
def test_largest_remainder_splits_exactly(total: int, weights: list[Decimal], expected: list[int]) -> None:
    assert largest_remainder(total, weights) == expected


def test_largest_remainder_refuses_a_total_over_no_weights() -> None:
    with pytest.raises(ValueError, match="no weights"):
        largest_remainder(1, [])


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        # 100 cents / 3 = 33.33: floors 33 each, the cent left to the first line.
        pytest.param(
            "1.00", ["1", "1", "1"], ["0.34", "0.33", "0.33"], id="a cent left goes to the earliest"
        ),
        # 1000 cents: quotas 333.33 and 666.67, floors 333 + 666, the cent left to the .67 remainder.
        pytest.param(
            "10.00", ["333.33", "666.67"], ["3.33", "6.67"], id="a cent left goes to the largest remainder"
        ),
        pytest.param("25.00", ["100.00", "300.00"], ["6.25", "18.75"], id="exact shares"),
        pytest.param("0", ["1", "2"], ["0.00", "0.00"], id="zero total"),
        # 350 cents / 3 = 116.67: floors 116 each, two cents left to the first two lines.
        pytest.param("3.50", ["10.00", "10.00", "10.00"], ["1.17", "1.17", "1.16"], id="two cents left"),
    ],
)
def test_allocate_money_splits_to_the_cent(total: str, weights: list[str], expected: list[str]) -> None:
    shares = allocate_money(D(total), [D(w) for w in weights])
    assert shares == [D(e) for e in expected]
    assert sum(shares, D(0)) == D(total)


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        pytest.param("2.9", "floor", 2, id="floor drops the fraction"),
        pytest.param("2.0", "floor", 2, id="floor keeps a whole number"),
        pytest.param("2.1", "ceil", 3, id="ceil takes the next whole number"),
        pytest.param("2.0", "ceil", 2, id="ceil keeps a whole number"),
        pytest.param("2.5", "half_up", 3, id="half_up rounds a half up"),
        pytest.param("2.4999", "half_up", 2, id="half_up rounds below a half down"),
        pytest.param("2.5", "half_even", 2, id="half_even rounds a half to the even 2"),
        pytest.param("3.5", "half_even", 4, id="half_even rounds a half to the even 4"),
        pytest.param("2.51", "half_even", 3, id="half_even rounds above a half up"),
        pytest.param("0", "floor", 0, id="zero stays zero"),
    ],
)
def test_round_points_modes(value: str, mode: str, expected: int) -> None:
    assert round_points(D(value), mode) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2.5", 3, id="a half rounds up"),
        pytest.param("2.4", 2, id="below a half rounds down"),
        pytest.param("3.333", 3, id="a third rounds down"),
        pytest.param("6.667", 7, id="two thirds round up"),
    ],
)
def test_half_up(value: str, expected: int) -> None:
    assert half_up(D(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1.005", "1.01", id="half a cent rounds up"),
        pytest.param("1.004", "1.00", id="below half a cent rounds down"),
        pytest.param("7", "7.00", id="whole amount gains two places"),
    ],
)
def test_to_cents_and_money_str(value: str, expected: str) -> None:
    assert to_cents(D(value)) == D(expected)
    assert money_str(D(value)) == expected


weights_lists = st.lists(
    st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2), min_size=1, max_size=8
)


@settings(max_examples=200, deadline=None)
@given(total=st.integers(-(10**7), 10**7), weights=weights_lists)
def test_largest_remainder_sums_exactly_and_each_share_is_within_one_of_its_quota(
    total: int, weights: list[Decimal]
) -> None:
    shares = largest_remainder(total, weights)
    assert sum(shares) == total
    weight_sum = sum((Fraction(w) for w in weights), Fraction(0))
    for share, weight in zip(shares, weights, strict=True):
        quota = Fraction(abs(total)) * Fraction(weight) / weight_sum
        # Each share is the floor of its quota or one more.
        assert quota - 1 < abs(share) <= quota + 1
        assert share == 0 or (share > 0) == (total > 0)


@settings(max_examples=200, deadline=None)
@given(
    total=st.decimals(min_value=D("0.00"), max_value=D("99999.99"), places=2),
    weights=weights_lists,
)
def test_allocate_money_sums_to_the_cent(total: Decimal, weights: list[Decimal]) -> None:
    shares = allocate_money(total, weights)
    assert len(shares) == len(weights)
    assert sum(shares, D(0)) == total
    assert all(share == share.quantize(D("0.01")) and share >= 0 for share in shares)
