"""When the member buys; Then what the receipt earns, redeems and which promotions applied.

Every check fails with the expected and the actual figure and a summary of the receipt, e.g.
"expected the receipt to earn 159 points, got 158 (lines: 84, 74, 0; applied: DBL, BONUS)".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acceptance.patterns import PTS, PTS_RU, REASON
from acceptance.patterns import VALUE as MONEY
from acceptance.till import Till, fail, parse_money, points_list
from behave import then, use_step_matcher, when

use_step_matcher("re")

CODE = r"(?P<code>[A-Za-z0-9_.\-]+)"


def _till(context: Any) -> Any:
    return context.till


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- when ---------------------------------------------------------------------------------


@when(r"the member buys the basket")
@when(r"участник покупает корзину")
def buy(context: Any) -> None:
    _till(context).buy(0)


@when(rf"the member buys the basket redeeming (?P<points>\d+) {PTS}")
@when(rf"участник покупает корзину,? списывая (?P<points>\d+) {PTS_RU}")
def buy_redeeming(context: Any, points: str) -> None:
    _till(context).buy(int(points))


# --- then: points -------------------------------------------------------------------------


@then(rf"the receipt earns (?P<points>\d+) {PTS}")
@then(rf"(?:за чек )?начислено (?P<points>\d+) {PTS_RU}")
def receipt_earns(context: Any, points: str) -> None:
    till: Till = _till(context)
    expectation = f"the receipt to earn {points} points"
    decision = till.require_decision(expectation)
    if decision.earned_points != int(points):
        fail(f"expected {expectation}, got {decision.earned_points} ({till.summary()})")


@then(rf"line (?P<line>\d+) earns (?P<points>\d+) {PTS}")
@then(rf"по строке (?P<line>\d+) начислено (?P<points>\d+) {PTS_RU}")
def line_earns(context: Any, line: str, points: str) -> None:
    till: Till = _till(context)
    expectation = f"line {line} to earn {points} points"
    row = till.require_line(till.require_decision(expectation), int(line), expectation)
    if row.points != int(points):
        fail(f"expected {expectation}, got {row.points} ({till.summary()})")


@then(rf"the lines earn (?P<points>\d+(?:, \d+)*) {PTS}")
@then(rf"по строкам начислено (?P<points>\d+(?:, \d+)*) {PTS_RU}")
def lines_earn(context: Any, points: str) -> None:
    till: Till = _till(context)
    expected = [int(p) for p in points.split(", ")]
    expectation = f"the lines to earn {points_list(expected)} points"
    actual = [row.points for row in till.require_decision(expectation).lines]
    if actual != expected:
        fail(f"expected {expectation}, got {points_list(actual)} ({till.summary()})")


@then(r"line (?P<line>\d+) earns at (?P<rate>\d+(?:\.\d+)?)%")
@then(r"строка (?P<line>\d+) начисляется по ставке (?P<rate>\d+(?:\.\d+)?)%")
def line_rate(context: Any, line: str, rate: str) -> None:
    till: Till = _till(context)
    expectation = f"line {line} to earn at {rate}%"
    row = till.require_line(till.require_decision(expectation), int(line), expectation)
    if row.rate != Decimal(rate):
        fail(f"expected {expectation}, got {_num(row.rate)}% ({till.summary()})")


@then(r"line (?P<line>\d+) has a multiplier of (?P<multiplier>\d+(?:\.\d+)?)")
@then(r"множитель строки (?P<line>\d+) равен (?P<multiplier>\d+(?:\.\d+)?)")
def line_multiplier(context: Any, line: str, multiplier: str) -> None:
    till: Till = _till(context)
    expectation = f"line {line} to have a multiplier of {multiplier}"
    row = till.require_line(till.require_decision(expectation), int(line), expectation)
    if row.multiplier != Decimal(multiplier):
        fail(f"expected {expectation}, got {_num(row.multiplier)} ({till.summary()})")


# --- then: redemption ---------------------------------------------------------------------


@then(rf"the redeemed value is {MONEY}")
@then(rf"списано баллов на сумму {MONEY}")
def redeemed_value(context: Any, value: str) -> None:
    till: Till = _till(context)
    expectation = f"the redeemed value to be {value}"
    decision = till.require_decision(expectation)
    if decision.redeemed_value != parse_money(value):
        fail(f"expected {expectation}, got {decision.redeemed_value} ({till.summary()})")


@then(rf"at most (?P<points>\d+) {PTS} can be redeemed")
@then(rf"можно списать не более (?P<points>\d+) {PTS_RU}")
def max_redeemable(context: Any, points: str) -> None:
    till: Till = _till(context)
    expectation = f"at most {points} points to be redeemable"
    decision = till.require_decision(expectation)
    if decision.max_redeemable != int(points):
        fail(f"expected {expectation}, got {decision.max_redeemable} ({till.summary()})")


@then(rf"line (?P<line>\d+) pays {MONEY} with points")
@then(rf"строка (?P<line>\d+) оплачена баллами на сумму {MONEY}")
def line_redeemed_value(context: Any, line: str, value: str) -> None:
    till: Till = _till(context)
    expectation = f"line {line} to pay {value} with points"
    row = till.require_line(till.require_decision(expectation), int(line), expectation)
    if row.redeemed_value != parse_money(value):
        shares = ", ".join(str(r.redeemed_value) for r in till.decision.lines)
        fail(f"expected {expectation}, got {row.redeemed_value} (shares of the lines: {shares})")


@then(rf"line (?P<line>\d+) has an earn base of {MONEY}")
@then(rf"база начисления строки (?P<line>\d+) равна {MONEY}")
def line_earn_base(context: Any, line: str, value: str) -> None:
    till: Till = _till(context)
    expectation = f"line {line} to have an earn base of {value}"
    row = till.require_line(till.require_decision(expectation), int(line), expectation)
    if row.earn_base != parse_money(value):
        bases = ", ".join(str(r.earn_base) for r in till.decision.lines)
        fail(f"expected {expectation}, got {row.earn_base} (earn bases of the lines: {bases})")


@then(rf"the purchase is refused because {REASON}")
@then(rf"покупка отклонена(?:, потому что|:) {REASON}")
def purchase_refused(context: Any, reason: str) -> None:
    _till(context).take_refusal("purchase", reason)


# --- then: promotions ---------------------------------------------------------------------


def _skipped_reason(till: Till, code: str, expectation: str) -> str:
    decision = till.require_decision(expectation)
    for promo in decision.applied:
        if promo.code == code:
            fail(f"expected {expectation}, but it applied ({promo.reason}) ({till.summary()})")
    for skipped in decision.skipped:
        if skipped.code == code:
            return skipped.reason
    fail(f"expected {expectation}, but the programme has no promotion {code} ({till.summary()})")


@then(rf"promotion {CODE} is applied")
@then(rf"акция {CODE} применена")
def promotion_applied(context: Any, code: str) -> None:
    till: Till = _till(context)
    expectation = f"promotion {code} to apply"
    decision = till.require_decision(expectation)
    if code not in {p.code for p in decision.applied}:
        why = next(
            (s.reason for s in decision.skipped if s.code == code), "the programme has no such promotion"
        )
        fail(f"expected {expectation}, but it did not: {why} ({till.summary()})")


@then(rf"promotion {CODE} is not applied")
@then(rf"акция {CODE} не применена")
def promotion_not_applied(context: Any, code: str) -> None:
    till: Till = _till(context)
    _skipped_reason(till, code, f"promotion {code} not to apply")


@then(rf"promotion {CODE} is not applied because {REASON}")
@then(rf"акция {CODE} не применена(?:, потому что|:) {REASON}")
def promotion_not_applied_because(context: Any, code: str, reason: str) -> None:
    till: Till = _till(context)
    expectation = f'promotion {code} not to apply because "{reason}"'
    actual = _skipped_reason(till, code, expectation)
    if reason.casefold() not in actual.casefold():
        fail(f'expected {expectation}, got "{actual}"')


@then(r"no promotion is applied")
@then(r"ни одна акция не применена")
def no_promotion(context: Any) -> None:
    till: Till = _till(context)
    expectation = "no promotion to apply"
    decision = till.require_decision(expectation)
    if decision.applied:
        fail(f"expected {expectation}, got {', '.join(p.code for p in decision.applied)} ({till.summary()})")
