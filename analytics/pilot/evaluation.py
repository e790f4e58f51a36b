"""A pilot evaluated over the ledger: the weekly facts of the pilot and control stores before and
during the pilot, the difference-in-differences of each pilot KPI, verdicts and the guardrail.

A plain function of a connection (no request, no app): the workbench page, the CLI and later the
rollout gate or a job on the job runner call it the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import Connection

from analytics.kpi.facts import Dimension, Facts, FactTable, Window, gather
from analytics.periods import Period, start_of
from analytics.pilot.did import Effect, diff_in_diff
from analytics.pilot.guardrail import GuardrailResult, check_guardrails
from analytics.pilot.matching import StoreHistory
from analytics.pilot.verdict import DEFAULT_MATERIAL, Verdict, judge
from loyalty_core.stores.models import Store

PILOT_METRICS = ("average_check", "purchase_frequency", "sales_per_store", "retention")
MIN_PRE_WEEKS = 4


class PilotError(ValueError):
    """A pilot that cannot be evaluated; the message says which store or date."""


def phase_value(metric: str, weeks: Sequence[Facts]) -> float:
    """A store's KPI over several weeks, from summed facts (so a quiet week weighs less):
    average check = Σ check totals ÷ Σ purchases; frequency = Σ purchases ÷ Σ weekly active
    members; sales per store = Σ net sales ÷ weeks; retention = Σ retained ÷ Σ active (weeks
    whose next week is over)."""
    if metric == "average_check":
        return _share(sum(f.purchase_cents for f in weeks) / 100, sum(f.purchases for f in weeks))
    if metric == "purchase_frequency":
        return _share(sum(f.purchases for f in weeks), sum(f.active_members for f in weeks))
    if metric == "sales_per_store":
        return _share(sum(f.net_sales_cents for f in weeks) / 100, len(weeks))
    if metric == "retention":
        known = [f for f in weeks if f.retained_members is not None]
        return _share(sum(f.retained_members or 0 for f in known), sum(f.active_members for f in known))
    raise PilotError(f"unknown pilot KPI {metric!r}: use one of {', '.join(PILOT_METRICS)}")


def _share(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


@dataclass(frozen=True)
class PilotEvaluation:
    pilot: list[str]
    control: list[str]
    pre: tuple[dt.date, dt.date]  # first and last day
    post: tuple[dt.date, dt.date]
    effects: list[Effect]
    verdicts: list[Verdict]
    guardrail: GuardrailResult
    weeks: list[dt.date]  # week starts, pre then post
    pilot_sales: list[float]  # mean weekly net sales per pilot store
    control_sales: list[float]  # the same for the control stores


def _store_codes(conn: Connection, codes: Sequence[str], role: str) -> list[str]:
    wanted = [c.strip().upper() for c in codes if c.strip()]
    known = set(conn.scalars(select(Store.code).where(Store.code.in_(wanted))))
    missing = [c for c in wanted if c not in known]
    if missing:
        raise PilotError(f"{role}: no store {', '.join(missing)}")
    if len(wanted) < 2:
        raise PilotError(f"{role}: name at least 2 stores")
    return wanted


def evaluate_pilot(
    conn: Connection,
    pilot: Sequence[str],
    control: Sequence[str],
    date_from: dt.date,
    date_to: dt.date,
    pre_weeks: int | None = None,
    thresholds: Mapping[str, float] | None = None,
    material: float = DEFAULT_MATERIAL,
    confidence: float = 0.9,
) -> PilotEvaluation:
    """Evaluate the pilot weeks `date_from`..`date_to` against the `pre_weeks` weeks before
    (default: as many as the pilot ran, at least 4)."""
    pilot_codes, control_codes = _store_codes(conn, pilot, "pilot"), _store_codes(conn, control, "control")
    if overlap := set(pilot_codes) & set(control_codes):
        raise PilotError(f"a store cannot be pilot and control: {', '.join(sorted(overlap))}")
    post = Window.of(Period.week, date_from, date_to)
    length = post.last - post.first + 1
    pre = Window(Period.week, post.first - max(pre_weeks or length, MIN_PRE_WEEKS), post.first - 1)
    facts = gather(conn, Window(Period.week, pre.first, post.last), Dimension.store)

    def values(codes: list[str], window: Window, metric: str) -> np.ndarray:
        rows = [[facts.get(w, code) for w in range(window.first, window.last + 1)] for code in codes]
        result = np.array([phase_value(metric, weeks) for weeks in rows])
        if (result <= 0).any():
            quiet = [code for code, v in zip(codes, result, strict=True) if v <= 0]
            raise PilotError(
                f"{metric}: no activity to compare in {', '.join(quiet)} "
                f"({start_of(Period.week, window.first)}..)"
            )
        return result

    effects = [
        diff_in_diff(
            metric,
            values(pilot_codes, pre, metric),
            values(pilot_codes, post, metric),
            values(control_codes, pre, metric),
            values(control_codes, post, metric),
        )
        for metric in PILOT_METRICS
    ]
    weeks = list(range(pre.first, post.last + 1))
    return PilotEvaluation(
        pilot_codes,
        control_codes,
        (start_of(Period.week, pre.first), start_of(Period.week, pre.last + 1) - dt.timedelta(days=1)),
        (start_of(Period.week, post.first), start_of(Period.week, post.last + 1) - dt.timedelta(days=1)),
        effects,
        [judge(e, material) for e in effects],
        check_guardrails(effects, thresholds, confidence),
        [start_of(Period.week, w) for w in weeks],
        _mean_sales(facts, pilot_codes, weeks),
        _mean_sales(facts, control_codes, weeks),
    )


def _mean_sales(facts: FactTable, codes: list[str], weeks: list[int]) -> list[float]:
    return [sum(facts.get(w, c).net_sales_cents for c in codes) / 100 / len(codes) for w in weeks]


def store_histories(conn: Connection, date_from: dt.date, date_to: dt.date) -> list[StoreHistory]:
    """Every store's weekly sales, checks and active members over `date_from`..`date_to`, for
    control matching."""
    window = Window.of(Period.week, date_from, date_to)
    facts = gather(conn, window, Dimension.store)
    weeks = range(window.first, window.last + 1)
    histories = []
    for code, direction in conn.execute(select(Store.code, Store.direction).order_by(Store.code)):
        cells = [facts.get(w, code) for w in weeks]
        histories.append(
            StoreHistory(
                code,
                direction,
                {
                    "sales": np.array([c.net_sales_cents / 100 for c in cells], dtype=np.float64),
                    "checks": np.array([c.purchases for c in cells], dtype=np.float64),
                    "active_members": np.array([c.active_members for c in cells], dtype=np.float64),
                },
            )
        )
    return histories
