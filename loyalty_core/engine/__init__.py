"""The pure points calculation: no database, no clock, no I/O.

`calculate` turns a basket, the member's state, a configuration and a moment into a
`Decision`; `plan_return` turns the stored lines of a purchase and the quantities handed back
into the points and money to reverse. Both are exactly the points math of DESIGN.md.
"""

from loyalty_core.engine.basket import (
    AppliedPromotion,
    Basket,
    BasketLine,
    Decision,
    LineDecision,
    MemberState,
    SkippedPromotion,
)
from loyalty_core.engine.calculate import calculate, max_redeemable
from loyalty_core.engine.native import check_current, compiled_engine
from loyalty_core.engine.returns import LineReturn, ReturnableLine, plan_return

check_current()  # a compiled engine must be built from the source beside it

__all__ = [
    "AppliedPromotion",
    "Basket",
    "BasketLine",
    "Decision",
    "LineDecision",
    "LineReturn",
    "MemberState",
    "ReturnableLine",
    "SkippedPromotion",
    "calculate",
    "compiled_engine",
    "max_redeemable",
    "plan_return",
]
