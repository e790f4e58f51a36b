"""The largest figures the ledger stores, checked on every quote and commit alike.

A basket of 500 lines of up to 999 999 999 999.99 each, at rates up to 1000 % with stacked
multipliers and extra points, can ask for more points than any column holds, and its total
for more money than `Numeric(14, 2)` holds. Such a receipt is refused (422, naming the figure)
by the quote and the commit in the same words, so quote == commit holds at the extremes too
and nothing fails half-way in the database.
"""

from __future__ import annotations

from decimal import Decimal

from loyalty_core.engine import Decision
from loyalty_core.errors import BusinessRuleViolation

# Points columns are 64-bit; the cap stays at JSON's safe integer (2**53 - 1) so a POS written
# in JavaScript reads every figure exactly, with room left in 64 bits for balances to add up.
MAX_POINTS = 2**53 - 1
# The money columns are Numeric(14, 2): 12 digits before the point, as a line amount may have.
MAX_MONEY = Decimal("999999999999.99")


def check_storable(decision: Decision) -> None:
    """Refuse a decision whose figures the ledger could not record exactly."""
    if decision.check_total > MAX_MONEY:
        raise BusinessRuleViolation(
            f"the check total {decision.check_total} is over the largest the ledger records ({MAX_MONEY})",
            field="lines",
        )
    if decision.earned_points > MAX_POINTS:
        raise BusinessRuleViolation(
            f"the receipt would earn {decision.earned_points} points, more than the ledger records "
            f"({MAX_POINTS})",
            field="lines",
        )
    if decision.balance_after > MAX_POINTS:
        raise BusinessRuleViolation(
            f"the balance would become {decision.balance_after} points, more than the ledger records "
            f"({MAX_POINTS})",
            field="lines",
        )
