"""What a scenario remembers between steps, and how it drives the pure engine.

A `Till` holds the programme configuration, the member (balance, 365-day spend, birthday), the
moment, the store and its direction, the basket, the last purchase (`Decision`) and what its
returns already took back. Purchases and returns keep the member's state moving the way the
ledger would: after a purchase the balance is `balance - redeemed + earned` and the spend grows by
what was paid in money; after a return the balance loses the reversed points and gets the
redeemed points back, and the spend shrinks by the money refunded.

A refusal (BusinessRuleViolation from `calculate` or `plan_return`) is kept, not raised: a
"Then ... is refused because ..." step checks it. A refusal no step looked at fails the scenario
(see environment.py), so a refused purchase can never pass unnoticed.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from loyalty_core.config.schema import ProgramConfig, RoundingMode
from loyalty_core.config.validation import load_document, parse_config
from loyalty_core.engine import (
    Basket,
    BasketLine,
    Decision,
    LineReturn,
    MemberState,
    ReturnableLine,
    calculate,
    plan_return,
)
from loyalty_core.errors import ConfigurationError, LoyaltyError

if TYPE_CHECKING:
    from acceptance.ledger_mode import LedgerBook

CONFIGS = Path(__file__).resolve().parents[1] / "configs"

# When a scenario names no moment: Tuesday 3 March 2026, noon in the programme's time zone.
DEFAULT_DAY = dt.date(2026, 3, 3)
DEFAULT_TIME = dt.time(12, 0)
DEFAULT_STORE = "R01"
DEFAULT_DIRECTION = "retail"

WEEKDAYS = {
    # ISO weekday numbers, Monday = 1; English and Russian names, full and short.
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), 1
        )
    },
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), 1)},
    **{
        name: i
        for i, name in enumerate(
            ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"), 1
        )
    },
    **{name: i for i, name in enumerate(("пн", "вт", "ср", "чт", "пт", "сб", "вс"), 1)},
}
WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

DIRECTIONS = {
    "retail": "retail",
    "wholesale": "wholesale",
    "розница": "retail",
    "розничное": "retail",
    "опт": "wholesale",
    "оптовое": "wholesale",
}

# Basket table headings, English and Russian.
LINE_COLUMNS = {
    "sku": "sku",
    "артикул": "sku",
    "category": "category",
    "категория": "category",
    "quantity": "quantity",
    "количество": "quantity",
    "amount": "amount",
    "сумма": "amount",
}
RETURN_COLUMNS = {"line": "line", "строка": "line", "quantity": "quantity", "количество": "quantity"}


def fail(message: str) -> NoReturn:
    raise AssertionError(message)


def parse_money(text: str, what: str = "amount") -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        fail(f"{what} {text!r} is not a money amount (write it like 1234.50)")
    if value != value.quantize(Decimal("0.01")):
        fail(f"{what} {text!r} has more than 2 decimal places")
    return value


def parse_quantity(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        fail(f"quantity {text!r} is not a number")
    if value <= 0:
        fail(f"quantity {text!r} must be positive")
    return value


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"{text!r} is not a date (write it like 2026-03-03)")


def parse_time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text.strip().zfill(5))
    except ValueError:
        fail(f"{text!r} is not a time of day (write it like 12:00)")


def check_weekday(day: dt.date, name: str | None) -> None:
    """A scenario that names the weekday must name the right one (a typo would mislead a reader)."""
    if not name:
        return
    iso = WEEKDAYS.get(name.strip().lower())
    if iso is None:
        fail(f"{name!r} is not a weekday name")
    if iso != day.isoweekday():
        fail(f"{day.isoformat()} is a {WEEKDAY_EN[day.weekday()]}, not {name}")


def parse_direction(text: str) -> str:
    direction = DIRECTIONS.get(text.strip().lower())
    if direction is None:
        fail(f"{text!r} is not a direction (retail/wholesale, розница/опт)")
    return direction


def points_list(values: list[int]) -> str:
    return ", ".join(str(v) for v in values)


def table_rows(
    table: Any, columns: dict[str, str], required: tuple[str, ...], what: str
) -> list[dict[str, str]]:
    """The rows of a behave table keyed by canonical column names (English or Russian headings)."""
    if table is None:
        fail(f"the {what} step needs a table")
    keys = []
    for heading in table.headings:
        key = columns.get(heading.strip().lower())
        if key is None:
            fail(f"unknown column {heading!r} in the {what} table (use: {', '.join(columns)})")
        keys.append(key)
    missing = [c for c in required if c not in keys]
    if missing:
        fail(f"the {what} table needs the column(s) {', '.join(missing)}")
    return [{key: cell.strip() for key, cell in zip(keys, row.cells, strict=True)} for row in table]


@dataclass
class Refusal:
    kind: str  # "purchase", "return" or "enrolment"
    error: LoyaltyError
    checked: bool = False

    @property
    def detail(self) -> str:
        return self.error.detail


@dataclass
class Till:
    document: dict[str, Any] | None = None
    source: str = ""
    config: ProgramConfig | None = None
    balance: int = 0
    spend_365: Decimal = Decimal("0.00")
    birthday: dt.date | None = None
    moment: dt.datetime | None = None  # an aware moment, when the scenario gave its zone
    local_moment: tuple[dt.date, dt.time] | None = None  # a wall-clock time in the store's zone
    store: str = DEFAULT_STORE
    direction: str = DEFAULT_DIRECTION
    lines: list[BasketLine] = field(default_factory=list)
    decision: Decision | None = None
    refusal: Refusal | None = None
    returnable: list[ReturnableLine] = field(default_factory=list)
    last_return: list[LineReturn] | None = None
    # The ledger-backed mode (acceptance/ledger_mode.py), from the scenario's first enrolment.
    book: LedgerBook | None = None
    card: str = ""  # the card number the enrolment issued
    phone: str = ""  # the phone as the ledger stored it (E.164)
    expired: int | None = None  # what the last run of the expiry job expired

    @property
    def in_ledger(self) -> bool:
        """True once a member was enrolled: purchases, returns and expiry go through the ledger."""
        return self.book is not None and self.book.member is not None

    # --- the programme --------------------------------------------------------------------

    def load_config_text(self, text: str, source: str) -> None:
        try:
            document = load_document(text, source=source)
        except ConfigurationError as error:
            fail(f"the programme configuration ({source}) cannot be read: {error.detail}")
        self._use(document, source)

    def load_config_file(self, name: str) -> None:
        path = CONFIGS / name
        if not path.is_file():
            known = ", ".join(sorted(p.name for p in CONFIGS.glob("*.y*ml"))) or "none"
            fail(f"no configuration file {name!r} under features/configs/ (there are: {known})")
        self.load_config_text(path.read_text("utf-8"), name)

    def load_config_under_test(self, userdata: Any) -> None:
        """The configuration version chosen for the run: its document (JSON or YAML file) is
        named by behave's `-D config=FILE` (the workbench writes it for every run)."""
        path = (userdata.get("config") or "").strip() if userdata else ""
        if not path:
            fail(
                "no configuration under test: run behave with -D config=FILE "
                "(`workbench accept run --project KEY --config VERSION` passes the version chosen for the "
                "run)"
            )
        file = Path(path)
        if not file.is_file():
            fail(f"the configuration under test {path!r} is not a file")
        label = (userdata.get("config_label") or "").strip() or file.name
        self.load_config_text(file.read_text("utf-8"), f"configuration under test {label}")

    def set_rounding(self, mode: str) -> None:
        if self.document is None:
            fail("give the programme configuration before its rounding mode")
        modes = [m.value for m in RoundingMode]
        if mode not in modes:
            fail(f"{mode!r} is not a rounding mode ({', '.join(modes)})")
        self._use({**self.document, "rounding": mode}, f"{self.source} with rounding {mode}")

    def _use(self, document: Any, source: str) -> None:
        try:
            config = parse_config(document)
        except ConfigurationError as error:
            problems = "; ".join(error.problems) or error.detail
            fail(f"the programme configuration ({source}) is not valid: {problems}")
        self.document, self.source, self.config = document, source, config

    def programme(self) -> ProgramConfig:
        if self.config is None:
            fail('give the programme configuration first ("Given the programme configuration ...")')
        return self.config

    def at_wall_clock(self, day: dt.date, time: dt.time = DEFAULT_TIME) -> None:
        """From now on the scenario's moment is `day` at `time` in the programme's time zone."""
        self.local_moment = (day, time)
        self.moment = None
        self._sync()

    def at_moment(self, moment: dt.datetime) -> None:
        """From now on the scenario's moment is `moment`, in whatever zone it was given."""
        self.moment = moment
        self.local_moment = None
        self._sync()

    def travel(self, days: int) -> None:
        """Move the scenario's moment `days` later (the same wall-clock time)."""
        if self.moment is not None:
            self.moment += dt.timedelta(days=days)
        else:
            day, time = self.local_moment or (DEFAULT_DAY, DEFAULT_TIME)
            self.local_moment = (day + dt.timedelta(days=days), time)
        self._sync()

    def at(self) -> dt.datetime:
        if self.moment is not None:
            return self.moment
        day, time = self.local_moment or (DEFAULT_DAY, DEFAULT_TIME)
        return dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(self.programme().timezone))

    # --- purchases and returns ------------------------------------------------------------

    def _no_unchecked_refusal(self) -> None:
        if self.refusal is not None and not self.refusal.checked:
            fail(
                f"the previous {self.refusal.kind} was refused and no step checked why: {self.refusal.detail}"
            )

    # --- the ledger-backed mode -----------------------------------------------------------

    def _book(self) -> LedgerBook:
        from acceptance.ledger_mode import LedgerBook

        if self.book is None:
            self.programme()
            assert self.document is not None
            self.book = LedgerBook(self.document)
        return self.book

    def enroll(self, phone: str, birthday: dt.date | None = None) -> None:
        """Enrol at the till through the ledger; a refusal is kept for a "... is refused" step."""
        self._no_unchecked_refusal()
        book = self._book()
        store = book.store(self.store, self.direction)
        try:
            member = book.enroll(phone, self.at(), store, birthday)
        except LoyaltyError as error:
            self.refusal = Refusal("enrolment", error)
            return
        self.refusal = None
        self.phone, self.card, self.birthday = member.phone, book.card_of(member), birthday
        self.balance, self.spend_365 = 0, Decimal("0.00")
        self.decision, self.returnable, self.last_return = None, [], None

    def require_pure(self, what: str) -> None:
        if self.in_ledger:
            fail(
                f"{what} cannot be set for an enrolled member: in a ledger-backed scenario the balance "
                "and the spend come from the member's purchases and returns"
            )

    def _sync(self) -> None:
        if self.in_ledger and self.book is not None:
            self.balance = self.book.balance(self.at())
            self.spend_365 = self.book.spend(self.at())

    def run_expiry(self) -> None:
        if not self.in_ledger or self.book is None:
            fail('the expiry job needs an enrolled member ("Given a member enrolled with phone ...")')
        self.expired = self.book.expire(self.at())
        self._sync()

    def buy(self, redeem: int) -> None:
        self._no_unchecked_refusal()
        config = self.programme()
        if not self.lines:
            fail('give the basket first ("Given the basket:" with a table)')
        basket = Basket(tuple(self.lines), self.store, self.direction, redeem)
        member = MemberState(self.balance, self.spend_365, self.birthday)
        self.last_return = None
        try:
            if self.in_ledger and self.book is not None:
                store = self.book.store(self.store, self.direction)
                decision = self.book.buy(store, list(self.lines), redeem, self.at())
            else:
                decision = calculate(basket, member, config, self.at())
        except LoyaltyError as error:
            self.decision, self.returnable = None, []
            self.refusal = Refusal("purchase", error)
            return
        self.refusal = None
        self.decision = decision
        self.balance = decision.balance_after
        self.spend_365 += decision.paid_amount
        self.returnable = [ReturnableLine.from_decision(line) for line in decision.lines]
        self._sync()

    def quote(self) -> None:
        """What the till shows before payment (the POS quote): no side effects on the member."""
        self._no_unchecked_refusal()
        config = self.programme()
        if not self.lines:
            fail('give the basket first ("Given the basket:" with a table)')
        try:
            if self.in_ledger and self.book is not None:
                decision = self.book.quote(
                    self.book.store(self.store, self.direction), list(self.lines), self.at()
                )
            else:
                basket = Basket(tuple(self.lines), self.store, self.direction, 0)
                decision = calculate(
                    basket, MemberState(self.balance, self.spend_365, self.birthday), config, self.at()
                )
        except LoyaltyError as error:
            self.refusal = Refusal("purchase", error)
            return
        self.refusal, self.decision, self.last_return = None, decision, None

    def remaining(self, index: int) -> Decimal:
        for line in self.returnable:
            if line.index == index:
                return line.quantity - line.returned_quantity
        fail(f"the purchase has no line {index} ({self.summary()})")

    def give_back(self, quantities: dict[int, Decimal]) -> None:
        """Return quantities of the last purchase's lines; earlier returns count (rule 6)."""
        self._no_unchecked_refusal()
        if not self.returnable:
            fail("there is no purchase to return from (the member has not bought the basket)")
        try:
            plan = plan_return(self.returnable, quantities)
            if self.in_ledger and self.book is not None:
                # The core returns through its ledger, with its own rules (the return window):
                # the checks read the figures it stored, not the pure engine's plan.
                plan = self.book.give_back(self.book.store(self.store, self.direction), quantities, self.at())
        except LoyaltyError as error:
            self.last_return = None
            self.refusal = Refusal("return", error)
            return
        self.refusal = None
        self.last_return = plan
        by_index = {part.index: part for part in plan}
        updated = []
        for line in self.returnable:
            part = by_index.get(line.index)
            if part is not None:
                line = line.after(part)
                self.balance += part.redeemed_points_refunded - part.points_reversed
                self.spend_365 -= part.paid
            updated.append(line)
        self.returnable = updated
        self._sync()

    # --- what the Then steps read ---------------------------------------------------------

    def require_decision(self, expectation: str) -> Decision:
        if self.decision is None:
            if self.refusal is not None and self.refusal.kind == "purchase":
                self.refusal.checked = True
                fail(f"expected {expectation}, but the purchase was refused: {self.refusal.detail}")
            fail(f"expected {expectation}, but the member has not bought anything yet")
        return self.decision

    def require_line(self, decision: Decision, index: int, expectation: str) -> Any:
        if not 1 <= index <= len(decision.lines):
            fail(
                f"expected {expectation}, but the receipt has {len(decision.lines)} line(s) "
                f"({self.summary()})"
            )
        return decision.lines[index - 1]

    def require_return(self, expectation: str) -> list[LineReturn]:
        if self.last_return is None:
            if self.refusal is not None and self.refusal.kind == "return":
                self.refusal.checked = True
                fail(f"expected {expectation}, but the return was refused: {self.refusal.detail}")
            fail(f"expected {expectation}, but nothing was returned yet")
        return self.last_return

    def take_refusal(self, kind: str, reason: str) -> Refusal:
        expectation = f'expected the {kind} to be refused because "{reason}"'
        refusal = self.refusal
        if refusal is None or refusal.kind != kind:
            went = {"purchase": self.summary, "return": self.return_summary}.get(
                kind, self.enrolment_summary
            )()
            fail(f"{expectation}, but it went through ({went})")
        refusal.checked = True
        if reason.casefold() not in refusal.detail.casefold():
            fail(f'{expectation}, got the refusal "{refusal.detail}"')
        return refusal

    def summary(self) -> str:
        decision = self.decision
        if decision is None:
            if self.refusal is not None and self.refusal.kind == "purchase":
                return f"the purchase was refused: {self.refusal.detail}"
            return "no purchase yet"
        parts = [
            f"lines: {points_list([line.points for line in decision.lines])}",
            f"applied: {', '.join(p.code for p in decision.applied) or 'none'}",
        ]
        if decision.extra_points:
            parts.append(f"extra: {decision.extra_points}")
        if decision.redeemed_points:
            parts.append(f"redeemed: {decision.redeemed_points} points = {decision.redeemed_value}")
        if decision.tier:
            parts.append(f"tier: {decision.tier}")
        return "; ".join(parts)

    def enrolment_summary(self) -> str:
        return f"member {self.phone} enrolled with card {self.card}" if self.phone else "no member enrolled"

    def return_summary(self) -> str:
        if self.last_return is None:
            return "nothing returned yet"
        return "; ".join(
            f"line {part.index} x{format(part.quantity.normalize(), 'f')}: {part.points_reversed} reversed, "
            f"{part.redeemed_points_refunded} redeemed given back, {part.paid} refunded in money"
            for part in self.last_return
        )
