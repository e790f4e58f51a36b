"""Builders for the pure engine's tests: a programme, a basket, a member, a stored line.

The builders are session-scoped fixtures returning plain functions, so the hypothesis tests can
use them too (hypothesis refuses function-scoped fixtures). Every figure a test expects is
worked out by hand in that test; nothing here computes points.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from loyalty_core.config import ProgramConfig, parse_config
from loyalty_core.engine import Basket, BasketLine, LineDecision, LineReturn, ReturnableLine

UTC = dt.UTC

# 09:00 UTC is 12:00 in Moscow, on Tuesday 3 March 2026.
TUESDAY_NOON_MOSCOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=UTC)

BASE_DOCUMENT: dict[str, Any] = {
    "program": "Engine tests",
    "timezone": "Europe/Moscow",
    "earn": {
        "base_rate": "5",
        "category_rates": {"dairy": "7"},
        "excluded_categories": ["tobacco"],
    },
    "redemption": {"point_value": "1.00", "max_share": "50", "min_points": 0},
}

ConfigBuilder = Callable[..., ProgramConfig]
BasketBuilder = Callable[..., Basket]


@pytest.fixture(scope="session")
def at() -> dt.datetime:
    """The default moment of a receipt: Tuesday 3 March 2026, noon in Moscow."""
    return TUESDAY_NOON_MOSCOW


@pytest.fixture(scope="session")
def make_config() -> ConfigBuilder:
    """`make_config(rounding="ceil", redemption={...})`: the base document with top-level keys replaced.

    `earn` and `redemption` given as dicts are merged into the base ones, so a test names only
    what it is about.
    """

    def build(**overrides: Any) -> ProgramConfig:
        document = copy.deepcopy(BASE_DOCUMENT)
        for key, value in overrides.items():
            if key in ("earn", "redemption") and isinstance(value, dict):
                document[key] = {**document[key], **value}
            else:
                document[key] = value
        return parse_config(document)

    return build


@pytest.fixture(scope="session")
def line() -> Callable[..., BasketLine]:
    """`line("100.00", "dairy", quantity=2)`: one receipt line; the sku follows the category."""

    def build(
        amount: str, category: str = "bread", quantity: int | str = 1, sku: str | None = None
    ) -> BasketLine:
        return BasketLine(
            sku=sku or f"SKU-{category}",
            category=category,
            quantity=Decimal(str(quantity)),
            amount=Decimal(amount),
        )

    return build


@pytest.fixture(scope="session")
def basket(line: Callable[..., BasketLine]) -> BasketBuilder:
    """`basket(("100.00", "bread"), ("50.00", "dairy"), redeem=10)`: a receipt at store R001, retail."""

    def build(
        *lines: tuple[str, str] | tuple[str, str, int] | BasketLine,
        redeem: int = 0,
        store: str = "R001",
        direction: str = "retail",
    ) -> Basket:
        built = tuple(item if isinstance(item, BasketLine) else line(*item) for item in lines)
        return Basket(lines=built, store_code=store, direction=direction, redeem_points=redeem)

    return build


@pytest.fixture(scope="session")
def returnable() -> Callable[[LineDecision], ReturnableLine]:
    """The stored form of a calculated line, nothing returned yet."""

    return ReturnableLine.from_decision


@pytest.fixture(scope="session")
def after_return() -> Callable[[ReturnableLine, LineReturn], ReturnableLine]:
    """A stored line once a return is recorded against it (what the ledger keeps)."""

    def record(stored: ReturnableLine, done: LineReturn) -> ReturnableLine:
        return stored.after(done)

    return record
