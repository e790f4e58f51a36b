"""Gates: the criteria checked before every wave after the pilot, each from the data, with evidence.

Criteria are a registry of check functions, so other work plugs in its own without touching this
module: the workbench registers the acceptance verdict (it owns the acceptance runs) and the KPI
work registers its guardrail (pilot vs control) the same way:

    @register("kpi_guardrails", "KPI guardrails hold (pilot vs control)")
    def kpi(ctx: GateContext) -> Check: ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from loyalty_core.ledger.models import Transaction
from loyalty_core.stores.models import Store
from rollout.enums import BLOCKING_SEVERITIES, ChecklistItemKind, FeedbackStatus, values
from rollout.models import ChecklistItem, FeedbackItem, RolloutPlan, RolloutWave, WaveStore


@dataclass(frozen=True)
class GateContext:
    """What a check may read: the plan, the wave the gate stands before, and the moment."""

    session: Session
    plan: RolloutPlan
    wave: RolloutWave
    now: dt.datetime


@dataclass(frozen=True)
class Check:
    ok: bool
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Criterion:
    name: str
    title: str
    check: Callable[[GateContext], Check]


@dataclass(frozen=True)
class CriterionResult:
    name: str
    title: str
    ok: bool
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


REGISTRY: dict[str, Criterion] = {}


def register(
    name: str, title: str
) -> Callable[[Callable[[GateContext], Check]], Callable[[GateContext], Check]]:
    """Add (or replace, by name) a gate criterion."""

    def add(check: Callable[[GateContext], Check]) -> Callable[[GateContext], Check]:
        REGISTRY[name] = Criterion(name, title, check)
        return check

    return add


def evaluate(ctx: GateContext) -> list[CriterionResult]:
    """Every registered criterion, in registration order. A check that breaks counts as failed
    (with the error as evidence): a gate must never open because its evidence could not be read."""
    results = []
    for criterion in REGISTRY.values():
        try:
            check = criterion.check(ctx)
        except Exception as exc:  # noqa: BLE001 - reported as the criterion's evidence
            check = Check(False, {"error": f"{type(exc).__name__}: {exc}"})
        results.append(CriterionResult(criterion.name, criterion.title, check.ok, check.evidence))
    return results


def is_open(results: list[CriterionResult]) -> bool:
    return all(r.ok for r in results)


# --- the criteria the rollout can read itself ------------------------------------------------


def _pilot_stores(ctx: GateContext) -> list[WaveStore]:
    pilot = next(w for w in ctx.plan.waves if w.number == 1)
    return [ws for ws in pilot.stores if ws.switch_at is not None and ws.rolled_back_at is None]


@register("prototype_signed", "The prototype is signed off (until sign-off exists: the version is approved)")
def prototype_signed(ctx: GateContext) -> Check:
    version = ctx.session.get(ConfigVersion, ctx.plan.version_id)
    assert version is not None
    return Check(
        version.is_approved,
        {
            "version": version.label,
            "status": version.status,
            "approved_by": version.approved_by,
            "approved_at": version.approved_at.isoformat() if version.approved_at else None,
        },
    )


@register("pilot_ran", "The pilot ran long enough, with enough transactions")
def pilot_ran(ctx: GateContext) -> Check:
    stores = [ws for ws in _pilot_stores(ctx) if ws.switch_at is not None and ws.switch_at <= ctx.now]
    started = min((ws.switch_at for ws in stores if ws.switch_at), default=None)
    days = (ctx.now - started).days if started else 0
    count = 0
    for ws in stores:  # transactions under the plan's version since each store switched
        count += int(
            ctx.session.scalar(
                select(func.count())
                .select_from(Transaction)
                .where(
                    Transaction.store_id == ws.store_id,
                    Transaction.config_version_id == ctx.plan.version_id,
                    Transaction.created_at >= ws.switch_at,
                )
            )
            or 0
        )
    ok = started is not None and days >= ctx.plan.min_pilot_days and count >= ctx.plan.min_pilot_transactions
    return Check(
        ok,
        {
            "pilot_started": started.isoformat() if started else None,
            "days": days,
            "min_days": ctx.plan.min_pilot_days,
            "transactions": count,
            "min_transactions": ctx.plan.min_pilot_transactions,
        },
    )


@register("no_blocking_defects", "No open pilot defect of severity critical or high")
def no_blocking_defects(ctx: GateContext) -> Check:
    rows = ctx.session.execute(
        select(FeedbackItem.id, FeedbackItem.severity, FeedbackItem.text)
        .where(
            FeedbackItem.plan_id == ctx.plan.id,
            FeedbackItem.status == FeedbackStatus.open.value,
            FeedbackItem.severity.in_(BLOCKING_SEVERITIES),
        )
        .order_by(FeedbackItem.id)
    ).all()
    return Check(not rows, {"open_blocking": [{"id": i, "severity": s, "text": t[:120]} for i, s, t in rows]})


@register("checklist_complete", "The training and support checklist of the wave's stores is complete")
def checklist_complete(ctx: GateContext) -> Check:
    kinds = len(ChecklistItemKind)
    # Done items per store in one grouped outer join (not a count per store: 10,000 probes).
    done = ChecklistItem.__table__.alias("done")
    done_items = func.count(done.c.id)
    stores = int(
        ctx.session.scalar(
            select(func.count()).select_from(WaveStore).where(WaveStore.wave_id == ctx.wave.id)
        )
        or 0
    )
    # The stores whose four items are not all done (the first 50 named; items never opened count as not done).
    lagging = (
        ctx.session.execute(
            select(Store.id, Store.code)
            .join(WaveStore, WaveStore.store_id == Store.id)
            .outerjoin(
                done,
                (done.c.wave_id == WaveStore.wave_id)
                & (done.c.store_id == WaveStore.store_id)
                & done.c.done_at.is_not(None),
            )
            .where(WaveStore.wave_id == ctx.wave.id)
            .group_by(Store.id, Store.code)
            .having(done_items < kinds)
            .order_by(Store.code)
            .limit(50)
        )
        .tuples()
        .all()
    )
    finished = {
        (sid, kind)
        for sid, kind in ctx.session.execute(
            select(ChecklistItem.store_id, ChecklistItem.kind).where(
                ChecklistItem.wave_id == ctx.wave.id,
                ChecklistItem.done_at.is_not(None),
                ChecklistItem.store_id.in_([sid for sid, _ in lagging]),
            )
        )
    }
    missing = [
        f"{code}: {kind}"
        for sid, code in lagging
        for kind in values(ChecklistItemKind)
        if (sid, kind) not in finished
    ]
    total_done = int(
        ctx.session.scalar(
            select(func.count())
            .select_from(ChecklistItem)
            .where(ChecklistItem.wave_id == ctx.wave.id, ChecklistItem.done_at.is_not(None))
        )
        or 0
    )
    return Check(not lagging, {"done": total_done, "total": stores * kinds, "missing": missing[:50]})
