"""Rule 6: what a return reverses, line by line, without drift across partial returns."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from loyalty_core.engine.basket import LineDecision
from loyalty_core.errors import BusinessRuleViolation
from loyalty_core.money import CENT, ZERO, half_up, to_cents


@dataclass(frozen=True)
class ReturnableLine:
    """A stored purchase line and what earlier returns already took back from it."""

    index: int
    quantity: Decimal
    amount: Decimal
    points: int
    redeemed_points: int
    redeemed_value: Decimal
    returned_quantity: Decimal = ZERO
    reversed_points: int = 0
    refunded_points: int = 0
    returned_amount: Decimal = ZERO
    returned_paid: Decimal = ZERO

    @classmethod
    def from_decision(cls, line: LineDecision) -> ReturnableLine:
        """The stored form of a freshly calculated line: nothing returned yet."""
        return cls(
            index=line.index,
            quantity=line.quantity,
            amount=line.amount,
            points=line.points,
            redeemed_points=line.redeemed_points,
            redeemed_value=line.redeemed_value,
        )

    def after(self, part: LineReturn) -> ReturnableLine:
        """This line once a return of `part` is recorded against it (what the ledger keeps)."""
        assert part.index == self.index, "a return part belongs to its own line"
        return replace(
            self,
            returned_quantity=self.returned_quantity + part.quantity,
            reversed_points=self.reversed_points + part.points_reversed,
            refunded_points=self.refunded_points + part.redeemed_points_refunded,
            returned_amount=self.returned_amount + part.amount,
            returned_paid=self.returned_paid + part.paid,
        )


@dataclass(frozen=True)
class LineReturn:
    """The deltas of one return on one line (all non-negative)."""

    index: int
    quantity: Decimal
    points_reversed: int
    redeemed_points_refunded: int
    amount: Decimal
    paid: Decimal


def _cumulative_int(whole: int, returned: Decimal, quantity: Decimal) -> int:
    if returned == quantity:
        return whole
    return half_up(Decimal(whole) * returned / quantity)


def _cumulative_money(whole: Decimal, returned: Decimal, quantity: Decimal) -> Decimal:
    if returned == quantity:
        return whole
    return to_cents(whole * returned / quantity)


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f")


def plan_return(lines: list[ReturnableLine], quantities: dict[int, Decimal]) -> list[LineReturn]:
    """The reversal of returning `quantities` (line index -> quantity) of a purchase.

    Each figure is computed on the cumulative quantity returned so far (half-up) and the
    delta against what earlier returns took, so returning the rest of a line always brings
    the line's total reversal to exactly what it earned and redeemed.
    """
    by_index = {line.index: line for line in lines}
    plan: list[LineReturn] = []
    for index, quantity in sorted(quantities.items()):
        line = by_index.get(index)
        field = f"lines[line={index}]"
        if line is None:
            raise BusinessRuleViolation(f"the purchase has no line {index}", field=field)
        if quantity <= 0:
            raise BusinessRuleViolation(f"line {index}: quantity to return must be positive", field=field)
        left = line.quantity - line.returned_quantity
        if quantity > left:
            raise BusinessRuleViolation(
                f"line {index}: cannot return {_qty(quantity)}, "
                f"only {_qty(left)} of {_qty(line.quantity)} left to return",
                field=field,
            )
        total_returned = line.returned_quantity + quantity
        points = _cumulative_int(line.points, total_returned, line.quantity) - line.reversed_points
        refunded = _cumulative_int(line.redeemed_points, total_returned, line.quantity) - line.refunded_points
        amount = _cumulative_money(line.amount, total_returned, line.quantity) - line.returned_amount
        paid_whole = line.amount - line.redeemed_value
        paid = _cumulative_money(paid_whole, total_returned, line.quantity) - line.returned_paid
        plan.append(LineReturn(index, quantity, points, refunded, amount.quantize(CENT), paid.quantize(CENT)))
    return plan
