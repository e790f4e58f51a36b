"""Given: the programme, the member, the moment, the store and the basket (English and Russian).

Every step has an English and a Russian phrasing; both call the same function. Step texts are
regular expressions matched in full (behave's "re" matcher anchors them with ^...$).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from acceptance.patterns import DATE, TIME, WEEKDAY
from acceptance.till import (
    LINE_COLUMNS,
    Till,
    check_weekday,
    fail,
    parse_date,
    parse_direction,
    parse_money,
    parse_quantity,
    parse_time,
    table_rows,
)
from behave import given, use_step_matcher

from loyalty_core.engine import BasketLine

use_step_matcher("re")

MONEY = r"(?P<amount>\d+(?:\.\d+)?)"


def _till(context: Any) -> Till:
    return context.till


# --- the programme ------------------------------------------------------------------------


@given(r"the programme configuration:?")
@given(r"конфигурация программы:?")
def programme_inline(context: Any) -> None:
    """The configuration as a YAML (or JSON) doc string under the step."""
    if not context.text:
        fail('"the programme configuration:" needs the YAML document as a doc string (""" ... """)')
    _till(context).load_config_text(context.text, f"the scenario's YAML at line {context.scenario.line}")


@given(r'the programme configuration "(?P<name>[^"]+)"')
@given(r'конфигурация программы "(?P<name>[^"]+)"')
def programme_file(context: Any, name: str) -> None:
    """A configuration file under features/configs/."""
    _till(context).load_config_file(name)


@given(r"the rounding mode is (?P<mode>\w+)")
@given(r"режим округления (?P<mode>\w+)")
def rounding(context: Any, mode: str) -> None:
    _till(context).set_rounding(mode)


# --- the member ---------------------------------------------------------------------------


@given(
    rf"a member with (?:a balance of )?(?P<points>\d+) points?(?: and {MONEY} spent in the (?:previous|last) "
    r"365 days)?"
)
@given(
    rf"участник с балансом (?P<points>\d+) балл(?:а|ов)?(?: и тратами {MONEY} за (?:предыдущие|последние) "
    r"365 дней)?"
)
@given(r"участник с (?P<points>\d+) балл(?:ом|ами)")
def member(context: Any, points: str, amount: str | None = None) -> None:
    till = _till(context)
    till.require_pure("a balance")
    till.balance = int(points)
    if amount is not None:
        till.spend_365 = parse_money(amount, "the 365-day spend")


@given(rf"the member spent {MONEY} in the (?:previous|last) 365 days")
@given(rf"участник потратил {MONEY} за (?:предыдущие|последние) 365 дней")
def member_spend(context: Any, amount: str) -> None:
    _till(context).require_pure("the 365-day spend")
    _till(context).spend_365 = parse_money(amount, "the 365-day spend")


@given(rf"the member's birthday is {DATE}")
@given(rf"день рождения участника {DATE}")
def member_birthday(context: Any, day: str) -> None:
    _till(context).birthday = parse_date(day)


@given(r"the member's birthday is (?:unknown|not known)")
@given(r"день рождения участника неизвестен")
def member_birthday_unknown(context: Any) -> None:
    _till(context).birthday = None


# --- the moment ---------------------------------------------------------------------------


@given(
    rf"today is {DATE}(?: \((?P<weekday>[^)]+)\))?(?: at)? {TIME} (?P<zone>[A-Za-z_]+(?:/[A-Za-z_+\-0-9]+)*)"
)
@given(
    rf"сегодня {DATE}(?: \((?P<weekday>[^)]+)\))?(?: в)? {TIME} (?P<zone>[A-Za-z_]+(?:/[A-Za-z_+\-0-9]+)*)"
)
def today_in_zone(context: Any, day: str, time: str, zone: str, weekday: str | None = None) -> None:
    """A wall-clock time in a named IANA zone ("UTC", "Europe/Moscow"); the weekday is checked."""
    date = parse_date(day)
    check_weekday(date, weekday)
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        fail(f"{zone!r} is not a time zone (use an IANA name like Europe/Moscow or UTC)")
    _till(context).at_moment(dt.datetime.combine(date, parse_time(time), tzinfo=tz))


@given(rf"it is {DATE}{WEEKDAY} {TIME} in the store's time zone")
@given(rf"сейчас {DATE}{WEEKDAY} {TIME} по времени магазина")
@given(rf"в магазине сейчас {DATE}{WEEKDAY} {TIME}")
def now_in_store_zone(context: Any, day: str, time: str, weekday: str | None = None) -> None:
    """A wall-clock time in the programme's time zone (its `timezone` key)."""
    date = parse_date(day)
    check_weekday(date, weekday)
    _till(context).at_wall_clock(date, parse_time(time))


# --- the store ----------------------------------------------------------------------------


@given(r'the store "?(?P<code>[A-Za-z0-9_.\-]+)"? of the (?P<direction>\w+) direction')
@given(r'магазин "?(?P<code>[A-Za-z0-9_.\-]+)"? направления (?P<direction>\w+)')
def store(context: Any, code: str, direction: str) -> None:
    till = _till(context)
    till.store, till.direction = code, parse_direction(direction)


# --- the basket ---------------------------------------------------------------------------


@given(r"(?:the|a) basket(?: of)?:?")
@given(r"корзина:?")
def basket(context: Any) -> None:
    """Lines from a table: sku | category | quantity | amount (артикул | категория | количество | сумма).

    `amount` is what the line costs (price x quantity after discounts); quantity defaults to 1.
    """
    rows = table_rows(context.table, LINE_COLUMNS, ("sku", "category", "amount"), "basket")
    if not rows:
        fail("the basket table has no lines")
    _till(context).lines = [
        BasketLine(
            sku=row["sku"],
            category=row["category"],
            quantity=parse_quantity(row.get("quantity", "1")),
            amount=parse_money(row["amount"], f"line {n} amount"),
        )
        for n, row in enumerate(rows, 1)
    ]
