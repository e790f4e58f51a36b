"""The forecast applied to the programme's own members: fit on the ledger, then per member
P(alive), expected purchases in the next 30/90/365 days and the expected value of those.

`fit_ledger` is the heavy call (reads every purchase); it is a plain function so a job on the
job runner can run it and keep the result, and the CLI runs it directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Connection

from analytics.forecast import bgnbd, gamma_gamma
from analytics.forecast.summary import DAYS_PER_PERIOD, RFMSummary, summarise
from loyalty_core.ledger.enums import TransactionKind
from loyalty_core.ledger.models import Transaction

HORIZONS = (30, 90, 365)  # days
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Fit:
    summary: RFMSummary
    bgnbd: bgnbd.BGNBDParams
    spend: gamma_gamma.GammaGammaParams | None  # None when too few repeat buyers to fit spend

    def holdout_expected(self) -> float:
        s = self.summary
        return float(
            bgnbd.conditional_expected_purchases(
                self.bgnbd, s.holdout_weeks, s.frequency, s.recency, s.age
            ).sum()
        )

    def weekly_expected(self, weeks: int) -> list[float]:
        s = self.summary
        return [
            float(v)
            for v in bgnbd.expected_purchases_per_week(self.bgnbd, weeks, s.frequency, s.recency, s.age)
        ]


def fit_summary(summary: RFMSummary) -> Fit:
    if len(summary) == 0 or summary.frequency.sum() == 0:
        raise ValueError("no repeat purchases to fit: the forecast needs members who bought more than once")
    params = bgnbd.fit(summary.frequency, summary.recency, summary.age)
    try:
        spend = gamma_gamma.fit(summary.frequency, summary.monetary)
    except ValueError:
        spend = None
    return Fit(summary, params, spend)


def ledger_purchases(conn: Connection) -> Iterator[tuple[str, dt.date, float]]:
    """(member id, UTC day, check total) of every purchase, streamed in chunks."""
    query = select(Transaction.member_id, Transaction.created_at, Transaction.check_total).where(
        Transaction.kind == TransactionKind.purchase.value
    )
    for member_id, created_at, total in conn.execution_options(yield_per=10_000).execute(query):
        yield str(member_id), created_at.date(), float(total)


def fit_ledger(
    conn: Connection, calibration_end: dt.date | None = None, holdout_end: dt.date | None = None
) -> Fit:
    """Fit on the ledger's purchases up to `calibration_end` (default: today, UTC)."""
    end = calibration_end or dt.datetime.now(dt.UTC).date()
    return fit_summary(summarise(ledger_purchases(conn), end, holdout_end))


@dataclass(frozen=True)
class MemberForecast:
    member: str
    p_alive: float
    expected_purchases: dict[int, float]  # horizon in days -> purchases
    expected_value: dict[int, Decimal | None]  # horizon in days -> money (None without a spend fit)


def member_forecasts(fit: Fit) -> Iterator[MemberForecast]:
    """One forecast per member of the fit (value = expected purchases x expected spend per purchase)."""
    s = fit.summary
    alive = bgnbd.probability_alive(fit.bgnbd, s.frequency, s.recency, s.age)
    purchases = {
        days: bgnbd.conditional_expected_purchases(
            fit.bgnbd, days / DAYS_PER_PERIOD, s.frequency, s.recency, s.age
        )
        for days in HORIZONS
    }
    spend = gamma_gamma.expected_average_value(fit.spend, s.frequency, s.monetary) if fit.spend else None
    for i, member in enumerate(s.customers):
        yield MemberForecast(
            member,
            float(alive[i]),
            {days: float(purchases[days][i]) for days in HORIZONS},
            {days: _money(purchases[days][i] * spend[i]) if spend is not None else None for days in HORIZONS},
        )


def _money(value: np.floating) -> Decimal:
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def holdout_chart_series(fit: Fit) -> tuple[list[float], list[float], list[float]]:
    """Week numbers after calibration, expected and actual purchases per holdout week."""
    weeks = len(fit.summary.holdout_weekly)
    first = float(np.ceil(fit.summary.age.max())) + 1 if len(fit.summary) else 1.0
    return (
        [first + w for w in range(weeks)],
        fit.weekly_expected(weeks),
        [float(v) for v in fit.summary.holdout_weekly],
    )
