"""Money and points arithmetic: Decimal to the cent, whole points, largest-remainder shares."""

from __future__ import annotations

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


def largest_remainder(total: int, weights: Sequence[Decimal]) -> list[int]:
    """Split the whole number `total` in proportion to `weights`, summing exactly to `total`.

    Each share is the floor of its exact quota; the units left over go to the largest
    fractional remainders, ties to the earlier position, so the result is deterministic.
    With no positive weight the whole total goes to the first position.
    """
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero total over no weights")
        return []
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    if magnitude == 0:
        return [0] * len(weights)
    positive = [w if w > 0 else ZERO for w in weights]
    weight_sum = sum(positive, ZERO)
    if weight_sum == 0:
        return [sign * magnitude] + [0] * (len(weights) - 1)
    quotas = [magnitude * w / weight_sum for w in positive]
    shares = [int(q) for q in quotas]  # int() truncates: the floor of a non-negative quota
    left = magnitude - sum(shares)
    if left:
        remainders = [q - s for q, s in zip(quotas, shares)]
        # A stable sort, largest remainder first; equal remainders keep their order.
        for i in sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)[:left]:
            shares[i] += 1
    return [sign * s for s in shares] if sign < 0 else shares


def allocate_money(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split a money amount to the cent in proportion to `weights` (largest remainder)."""
    if not total:
        return [Decimal("0.00")] * len(weights)
    cents = int((total / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    return [Decimal(c).scaleb(-2) for c in largest_remainder(cents, weights)]
