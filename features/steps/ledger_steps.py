"""The configuration under test, time travel, enrolment at the till, the quote, and expiry.

"Given the configuration under test" loads the configuration version chosen for the run (the
workbench passes it with `-D config=FILE`), so one scenario runs against v1 and v2 alike.
Enrolment switches the scenario to the ledger-backed mode (acceptance/ledger_mode.py): from then
on purchases, returns and expiry run through the core's ledger on an in-memory database.
"""

from __future__ import annotations

from typing import Any

from acceptance.patterns import DATE, DAYS_RU, PHONE, PTS, PTS_RU, REASON, WEEKDAY
from acceptance.till import Till, check_weekday, fail, parse_date
from behave import given, step, then, use_step_matcher, when

use_step_matcher("re")


def _till(context: Any) -> Till:
    return context.till


# --- the configuration of the run ---------------------------------------------------------


@given(r"the configuration under test")
@given(r"конфигурация под тестом")
def configuration_under_test(context: Any) -> None:
    """The configuration version the run was started against (`-D config=FILE`)."""
    _till(context).load_config_under_test(context.config.userdata)


# --- time ---------------------------------------------------------------------------------


@step(r"(?P<days>\d+) days? (?:later|pass|have passed)")
@step(rf"через (?P<days>\d+) {DAYS_RU}")
@step(rf"прошло (?P<days>\d+) {DAYS_RU}")
def days_later(context: Any, days: str) -> None:
    """Time travel: the same wall-clock time, `days` later (expired points are due from then)."""
    _till(context).travel(int(days))


@given(rf"today is {DATE}{WEEKDAY}")
@given(rf"сегодня {DATE}{WEEKDAY}")
def today(context: Any, day: str, weekday: str | None = None) -> None:
    """A day at noon in the programme's time zone (the weekday in brackets is checked)."""
    date = parse_date(day)
    check_weekday(date, weekday)
    _till(context).at_wall_clock(date)


# --- enrolment ----------------------------------------------------------------------------


@when(rf"a customer enrols at the till with phone {PHONE}(?: and birthday {DATE})?")
@when(rf"покупатель регистрируется на кассе с телефоном {PHONE}(?: и днём рождения {DATE})?")
def enrol(context: Any, phone: str, day: str | None = None) -> None:
    _till(context).enroll(phone, parse_date(day) if day else None)


@given(rf"a member enrolled (?:at the till )?with phone {PHONE}(?: and birthday {DATE})?")
@given(rf"зарегистрирован участник с телефоном {PHONE}(?: и днём рождения {DATE})?")
def enrolled(context: Any, phone: str, day: str | None = None) -> None:
    till = _till(context)
    till.enroll(phone, parse_date(day) if day else None)
    if till.refusal is not None:
        till.refusal.checked = True
        fail(
            f"expected the member with phone {phone} to be enrolled, but the enrolment was refused: "
            f"{till.refusal.detail}"
        )


@then(rf"the member is enrolled with phone {PHONE}")
@then(rf"участник зарегистрирован с телефоном {PHONE}")
def is_enrolled(context: Any, phone: str) -> None:
    """The member exists with that phone (as stored, E.164) and holds a card."""
    till = _till(context)
    if till.refusal is not None and till.refusal.kind == "enrolment":
        till.refusal.checked = True
        fail(
            f"expected the member to be enrolled with phone {phone}, but the enrolment was refused: "
            f"{till.refusal.detail}"
        )
    if not till.phone:
        fail(f"expected the member to be enrolled with phone {phone}, but nobody was enrolled")
    if till.phone != phone.strip():
        fail(f"expected the member to be enrolled with phone {phone}, got {till.phone}")
    if not (len(till.card) == 13 and till.card.isdigit()):
        fail(f"expected the member to get a 13-digit card, got {till.card!r}")


@then(rf"the enrolment is refused because {REASON}")
@then(rf"регистрация отклонена(?:, потому что|:) {REASON}")
def enrolment_refused(context: Any, reason: str) -> None:
    _till(context).take_refusal("enrolment", reason)


# --- the quote ----------------------------------------------------------------------------


@when(r"the cashier asks for a quote(?: before payment)?")
@when(r"кассир запрашивает расч[её]т(?: до оплаты)?")
def quote(context: Any) -> None:
    """What the till shows before payment: earn, max redeemable, promotions; nothing changes."""
    _till(context).quote()


# --- expiry -------------------------------------------------------------------------------


@when(r"the expiry job runs")
@when(r"запускается сгорание баллов")
def expiry_job(context: Any) -> None:
    _till(context).run_expiry()


@then(rf"(?P<points>\d+) {PTS} (?:have |has )?expired")
@then(rf"сгорело (?P<points>\d+) {PTS_RU}")
def expired(context: Any, points: str) -> None:
    till = _till(context)
    if till.expired is None:
        fail(
            f'expected {points} points to have expired, but the expiry job has not run ("When the expiry job '
            'runs")'
        )
    if till.expired != int(points):
        fail(f"expected {points} points to have expired, got {till.expired} (balance now {till.balance})")
