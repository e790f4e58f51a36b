"""Money and points arithmetic: Decimal to the cent, whole points, largest-remainder shares."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")

ROUNDING_MODES = {
    "floor": ROUND_FLOOR,
    "ceil": ROUND_CEILING,
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
}


def to_cents(value: Decimal) -> Decimal:
    """Quantize a money amount to 2 places, half-up (the till's convention)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_str(value: Decimal) -> str:
    """The wire form of money: a decimal string with exactly 2 places ("1234.50")."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def round_points(value: Decimal, mode: str) -> int:
    """Round a fractional point amount to a whole number with a configured mode."""
    return int(value.to_integral_value(rounding=ROUNDING_MODES[mode]))


def half_up(value: Decimal) -> int:
    """Round half away from zero to a whole number (used for proportional reversals)."""
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def integer_weights(weights: Sequence[Decimal]) -> list[int]:
    """Weights as whole numbers in the same proportions (negative ones as 0), exactly.

    Every weight goes over one common denominator, so the splits below compute quotas,
    floors and remainders with integers and no rounding at all: ties are true ties.
    """
    ratios = [(w if w > 0 else ZERO).as_integer_ratio() for w in weights]
    common = math.lcm(*(d for _, d in ratios)) if ratios else 1
    return [n * (common // d) for n, d in ratios]


def split(total: int, whole: Sequence[int]) -> list[int]:
    """Split `total` in proportion to whole-number weights by largest remainder.

    Each share is the floor of its exact quota; the units left over go to the largest
    remainders, ties to the earlier position. With no positive weight the whole total goes to
    the first position. The shares always sum exactly to `total` (negative totals mirror).
    """
    if not whole:
        if total:
            raise ValueError("cannot allocate a non-zero total over no weights")
        return []
    magnitude = abs(total)
    if magnitude == 0:
        return [0] * len(whole)
    weight_sum = sum(whole)
    if weight_sum == 0:
        shares = [magnitude] + [0] * (len(whole) - 1)
    else:
        numerators = [magnitude * w for w in whole]
        shares = [n // weight_sum for n in numerators]
        left = magnitude - sum(shares)
        if left:
            remainders = [n % weight_sum for n in numerators]
            # A stable sort, largest remainder first; equal remainders keep their order.
            for i in sorted(range(len(whole)), key=remainders.__getitem__, reverse=True)[:left]:
                shares[i] += 1
    return [-s for s in shares] if total < 0 else shares


def largest_remainder(total: int, weights: Sequence[Decimal]) -> list[int]:
    """Split the whole number `total` in proportion to `weights`, summing exactly to `total`."""
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero total over no weights")
        return []
    return split(total, integer_weights(weights))


def to_cents_int(total: Decimal) -> int:
    return int((total / CENT).to_integral_value(rounding=ROUND_HALF_UP))


def allocate_money(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split a money amount to the cent in proportion to `weights` (largest remainder)."""
    if not total:
        return [Decimal("0.00")] * len(weights)
    return [Decimal(c).scaleb(-2) for c in largest_remainder(to_cents_int(total), weights)]
