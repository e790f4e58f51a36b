"""The step library of the core's acceptance suite, in English and Russian.

Steps drive `loyalty_core.engine` in-process: a programme configuration (YAML in the scenario or
a file under features/configs/), a member's balance, spend and birthday, the moment, a basket,
a purchase with or without redemption, returns. Each failing check states expected vs actual.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from behave import given, then, when

from loyalty_core.config.service import read_text
from loyalty_core.engine import Basket, BasketLine, MemberState, ReturnableLine, calculate, plan_return
from loyalty_core.errors import LoyaltyError

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


def _till(context: Any) -> Any:
    return context.till


def _summary(context: Any) -> str:
    decision = _till(context).decision
    if decision is None:
        refusal = _till(context).refusal
        return f"refused: {refusal.detail}" if refusal else "no purchase yet"
    lines = ", ".join(str(line.points) for line in decision.lines)
    applied = ", ".join(p.code for p in decision.applied) or "none"
    return f"lines: {lines}; applied: {applied}; tier: {decision.tier}"


def _check(expected: Any, actual: Any, what: str, context: Any) -> None:
    assert expected == actual, f"expected {what} {expected}, got {actual} ({_summary(context)})"


# --- given -----------------------------------------------------------------------------------


@given("the programme configuration")
@given("конфигурация программы")
def programme_inline(context: Any) -> None:
    _, _till(context).config = read_text(context.text, source="scenario")


@given('the programme configuration "{name}"')
@given('конфигурация программы "{name}"')
def programme_file(context: Any, name: str) -> None:
    _, _till(context).config = read_text((CONFIGS / name).read_text("utf-8"), source=name)


@given("a member with {balance:d} points")
@given("участник с {balance:d} баллами")
@given("участник с балансом {balance:d}")
def member_balance(context: Any, balance: int) -> None:
    _till(context).balance = balance


@given('the member spent {amount} in the last 365 days')
@given('участник потратил {amount} за последние 365 дней')
def member_spend(context: Any, amount: str) -> None:
    _till(context).spend_365 = Decimal(amount)


@given("the member's birthday is {day}")
@given("день рождения участника {day}")
def member_birthday(context: Any, day: str) -> None:
    _till(context).birthday = dt.date.fromisoformat(day)


@given("it is {moment} in the store's time zone")
@given("в магазине сейчас {moment}")
def moment(context: Any, moment: str) -> None:
    till = _till(context)
    assert till.config is not None, "give the programme configuration first"
    local = dt.datetime.fromisoformat(moment).replace(tzinfo=zoneinfo.ZoneInfo(till.config.timezone))
    till.now = local.astimezone(dt.timezone.utc)


@given('the store {code} of direction {direction}')
@given('магазин {code} направления {direction}')
def store(context: Any, code: str, direction: str) -> None:
    _till(context).store, _till(context).direction = code, direction


@given("the basket")
@given("корзина")
def basket(context: Any) -> None:
    _till(context).lines = [
        (row["sku"], row["category"], Decimal(row["quantity"]), Decimal(row["amount"])) for row in context.table
    ]


# --- when ------------------------------------------------------------------------------------


def _buy(context: Any, redeem: int) -> None:
    till = _till(context)
    assert till.config is not None, "give the programme configuration first"
    cart = Basket(tuple(BasketLine(*line) for line in till.lines), till.store, till.direction, redeem)
    state = MemberState(till.balance, till.spend_365, till.birthday)
    try:
        till.decision = calculate(cart, state, till.config, till.now)
        till.refusal = None
    except LoyaltyError as error:
        till.decision, till.refusal = None, error
        return
    till.balance = till.decision.balance_after
    till.returnable = [
        ReturnableLine(
            index=line.index,
            quantity=line.quantity,
            amount=line.amount,
            points=line.points,
            redeemed_points=line.redeemed_points,
            redeemed_value=line.redeemed_value,
        )
        for line in till.decision.lines
    ]


@when("the member buys the basket")
@when("участник покупает корзину")
def buy(context: Any) -> None:
    _buy(context, 0)


@when("the member buys the basket redeeming {points:d} points")
@when("участник покупает корзину, списывая {points:d} баллов")
def buy_redeeming(context: Any, points: int) -> None:
    _buy(context, points)


@when("the member returns {quantity} of line {line:d}")
@when("участник возвращает {quantity} шт. позиции {line:d}")
def give_back(context: Any, quantity: str, line: int) -> None:
    till = _till(context)
    try:
        plan = plan_return(till.returnable, {line: Decimal(quantity)})
    except LoyaltyError as error:
        till.refusal = error
        return
    till.refusal = None
    reversed_points = sum(p.points_reversed for p in plan)
    refunded = sum(p.redeemed_points_refunded for p in plan)
    till.last_return = (reversed_points, refunded)
    till.balance += refunded - reversed_points
    by_index = {p.index: p for p in plan}
    till.returnable = [
        dataclasses.replace(
            r,
            returned_quantity=r.returned_quantity + by_index[r.index].quantity,
            reversed_points=r.reversed_points + by_index[r.index].points_reversed,
            refunded_points=r.refunded_points + by_index[r.index].redeemed_points_refunded,
            returned_amount=r.returned_amount + by_index[r.index].amount,
            returned_paid=r.returned_paid + by_index[r.index].paid,
        )
        if r.index in by_index
        else r
        for r in till.returnable
    ]


# --- then ------------------------------------------------------------------------------------


def _decision(context: Any) -> Any:
    decision = _till(context).decision
    assert decision is not None, f"the purchase did not go through ({_summary(context)})"
    return decision


@then("the receipt earns {points:d} points")
@then("начислено {points:d} баллов")
def receipt_earns(context: Any, points: int) -> None:
    _check(points, _decision(context).earned_points, "the receipt to earn", context)


@then("line {line:d} earns {points:d} points")
@then("позиция {line:d} получает {points:d} баллов")
def line_earns(context: Any, line: int, points: int) -> None:
    _check(points, _decision(context).lines[line - 1].points, f"line {line} to earn", context)


@then("line {line:d} pays {value} with points")
@then("позиция {line:d} оплачена баллами на {value}")
def line_redeemed(context: Any, line: int, value: str) -> None:
    _check(Decimal(value), _decision(context).lines[line - 1].redeemed_value, f"line {line} to pay with points", context)


@then("at most {points:d} points can be redeemed")
@then("можно списать не более {points:d} баллов")
def max_redeemable(context: Any, points: int) -> None:
    _check(points, _decision(context).max_redeemable, "max redeemable", context)


@then("the redeemed value is {value}")
@then("списано баллов на сумму {value}")
def redeemed_value(context: Any, value: str) -> None:
    _check(Decimal(value), _decision(context).redeemed_value, "the redeemed value", context)


@then('the purchase is refused because "{reason}"')
@then('покупка отклонена: "{reason}"')
def refused(context: Any, reason: str) -> None:
    refusal = _till(context).refusal
    assert refusal is not None, f"expected a refusal containing {reason!r}, but it went through ({_summary(context)})"
    assert reason in refusal.detail, f"expected the refusal to say {reason!r}, got {refusal.detail!r}"


@then("promotion {code} is applied")
@then("акция {code} применена")
def promotion_applied(context: Any, code: str) -> None:
    codes = [p.code for p in _decision(context).applied]
    assert code in codes, f"expected promotion {code} to apply, got {codes or 'none'} ({_summary(context)})"


@then('promotion {code} is not applied because "{reason}"')
@then('акция {code} не применена: "{reason}"')
def promotion_skipped(context: Any, code: str, reason: str) -> None:
    skipped = {s.code: s.reason for s in _decision(context).skipped}
    assert code in skipped, f"expected promotion {code} not to apply ({_summary(context)})"
    assert reason in skipped[code], f"expected {code} skipped because {reason!r}, got {skipped[code]!r}"


@then("the member's tier is {tier}")
@then("уровень участника {tier}")
def tier(context: Any, tier: str) -> None:
    _check(tier, _decision(context).tier, "the tier", context)


@then("the return reverses {points:d} points and gives back {refunded:d} redeemed points")
@then("возврат списывает {points:d} баллов и возвращает {refunded:d} баллов оплаты")
def return_figures(context: Any, points: int, refunded: int) -> None:
    till = _till(context)
    assert till.last_return is not None, f"the return did not go through ({till.refusal and till.refusal.detail})"
    _check((points, refunded), till.last_return, "the return to reverse (earned, redeemed)", context)


@then('the return is refused because "{reason}"')
@then('возврат отклонён: "{reason}"')
def return_refused(context: Any, reason: str) -> None:
    refused(context, reason)


@then("the balance is {points:d}")
@then("баланс {points:d}")
def balance(context: Any, points: int) -> None:
    _check(points, _till(context).balance, "the balance", context)
