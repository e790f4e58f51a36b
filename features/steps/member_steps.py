"""Returns of the last purchase, and the member's balance, tier and 365-day spend.

Returns use `plan_return` on the stored lines of the last purchase, with what earlier returns
already took back, so repeated partial returns add up exactly (rule 6).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acceptance.patterns import PTS, PTS_RU, REASON
from acceptance.patterns import VALUE as MONEY
from acceptance.till import RETURN_COLUMNS, Till, fail, parse_money, parse_quantity, table_rows
from behave import then, use_step_matcher, when

use_step_matcher("re")

QTY = r"(?P<quantity>\d+(?:\.\d+)?)"


def _till(context: Any) -> Till:
    return context.till


# --- when: returns ------------------------------------------------------------------------


@when(rf"the member returns {QTY} of line (?P<line>\d+)")
@when(rf"участник возвращает {QTY}(?: шт\.)? из строки (?P<line>\d+)")
def return_quantity(context: Any, quantity: str, line: str) -> None:
    _till(context).give_back({int(line): parse_quantity(quantity)})


@when(r"the member returns (?:all of )?line (?P<line>\d+)(?: in full)?")
@when(r"участник возвращает строку (?P<line>\d+) полностью")
def return_line(context: Any, line: str) -> None:
    """What is left of the line (all of it, when nothing was returned before)."""
    till = _till(context)
    till.give_back({int(line): till.remaining(int(line))})


@when(r"the member returns:?")
@when(r"участник возвращает:?")
def return_table(context: Any) -> None:
    """Several lines in one return: a table line | quantity (строка | количество)."""
    rows = table_rows(context.table, RETURN_COLUMNS, ("line", "quantity"), "return")
    _till(context).give_back({int(row["line"]): parse_quantity(row["quantity"]) for row in rows})


# --- then: returns ------------------------------------------------------------------------


def _return_totals(till: Till, expectation: str) -> tuple[int, int]:
    plan = till.require_return(expectation)
    return sum(p.points_reversed for p in plan), sum(p.redeemed_points_refunded for p in plan)


@then(rf"the return reverses (?P<points>\d+) {PTS} and gives back (?P<refunded>\d+) redeemed {PTS}")
@then(rf"возврат списывает (?P<points>\d+) {PTS_RU} и возвращает (?P<refunded>\d+) списанных {PTS_RU}")
def return_reverses_and_refunds(context: Any, points: str, refunded: str) -> None:
    till = _till(context)
    expectation = f"the return to reverse {points} points and give back {refunded} redeemed points"
    actual = _return_totals(till, expectation)
    if actual != (int(points), int(refunded)):
        fail(
            f"expected {expectation}, got {actual[0]} reversed and {actual[1]} given back "
            f"({till.return_summary()})"
        )


@then(rf"the return reverses (?P<points>\d+) {PTS}")
@then(rf"возврат списывает (?P<points>\d+) {PTS_RU}")
def return_reverses(context: Any, points: str) -> None:
    till = _till(context)
    expectation = f"the return to reverse {points} points"
    reversed_points, _ = _return_totals(till, expectation)
    if reversed_points != int(points):
        fail(f"expected {expectation}, got {reversed_points} ({till.return_summary()})")


@then(rf"the return refunds {MONEY} in money")
@then(rf"по возврату возвращается {MONEY} деньгами")
def return_refunds_money(context: Any, value: str) -> None:
    till = _till(context)
    expectation = f"the return to refund {value} in money"
    paid = sum((p.paid for p in till.require_return(expectation)), Decimal("0.00"))
    if paid != parse_money(value):
        fail(f"expected {expectation}, got {paid} ({till.return_summary()})")


@then(rf"the return is refused because {REASON}")
@then(rf"возврат отклон[её]н(?:, потому что|:) {REASON}")
def return_refused(context: Any, reason: str) -> None:
    _till(context).take_refusal("return", reason)


# --- then: the member ---------------------------------------------------------------------


@then(rf"the balance is (?P<points>-?\d+)(?: {PTS})?")
@then(rf"баланс(?: равен)? (?P<points>-?\d+)(?: {PTS_RU}(?:ам)?)?")
def balance(context: Any, points: str) -> None:
    till = _till(context)
    if till.balance != int(points):
        fail(f"expected the balance to be {points}, got {till.balance} (last purchase: {till.summary()})")


@then(r"the purchase is calculated at tier (?P<tier>[A-Za-z0-9_.\-]+)")
@then(r"покупка рассчитана по уровню (?P<tier>[A-Za-z0-9_.\-]+)")
def purchase_tier(context: Any, tier: str) -> None:
    """The tier the last purchase ran under (evaluated before it, rule 7)."""
    till = _till(context)
    expectation = f"the purchase to be calculated at tier {tier}"
    decision = till.require_decision(expectation)
    if decision.tier != tier:
        fail(
            f"expected {expectation}, got {decision.tier or 'no tier'} (x{decision.tier_multiplier}; "
            f"{till.summary()})"
        )


def _current_tier(till: Till) -> str | None:
    found = till.programme().tier_for(till.spend_365)
    return found.code if found else None


@then(r"the member's tier is (?:now )?(?P<tier>[A-Za-z0-9_.\-]+)")
@then(r"уровень участника(?: теперь)? (?P<tier>[A-Za-z0-9_.\-]+)")
def member_tier(context: Any, tier: str) -> None:
    """The member's tier now: from the 365-day spend including this scenario's purchases and returns."""
    till = _till(context)
    actual = _current_tier(till)
    if actual != tier:
        fail(
            f"expected the member's tier to be {tier}, got {actual or 'no tier'} (365-day spend "
            f"{till.spend_365})"
        )


@then(r"the member has no tier")
@then(r"у участника нет уровня")
def member_no_tier(context: Any) -> None:
    till = _till(context)
    actual = _current_tier(till)
    if actual is not None:
        fail(f"expected the member to have no tier, got {actual} (365-day spend {till.spend_365})")


@then(rf"the member's 365-day spend is {MONEY}")
@then(rf"траты участника за 365 дней равны {MONEY}")
def member_spend(context: Any, value: str) -> None:
    till = _till(context)
    if till.spend_365 != parse_money(value):
        fail(f"expected the member's 365-day spend to be {value}, got {till.spend_365}")
