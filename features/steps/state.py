"""What a scenario remembers between steps: the programme, the member, the receipts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from loyalty_core.config.schema import ProgramConfig
from loyalty_core.engine import Decision, ReturnableLine
from loyalty_core.errors import LoyaltyError


@dataclass
class TillState:
    config: ProgramConfig | None = None
    balance: int = 0
    spend_365: Decimal = Decimal("0.00")
    birthday: dt.date | None = None
    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.timezone.utc))
    store: str = "R001"
    direction: str = "retail"
    lines: list[tuple[str, str, Decimal, Decimal]] = field(default_factory=list)
    decision: Decision | None = None
    refusal: LoyaltyError | None = None
    returnable: list[ReturnableLine] = field(default_factory=list)
    last_return: tuple[int, int] | None = None
