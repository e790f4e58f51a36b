"""The analytics of a rollout plan: its pilot as the evaluation reads it (pilot stores, their
control stores, the pilot's dates), its KPI guardrail thresholds, and control stores suggested
by matching. Rollout and analytics may not import each other; the workbench joins them here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import utcnow
from loyalty_core.stores.models import Store
from rollout import service as rollout
from rollout.errors import RolloutError
from rollout.models import RolloutPlan, WaveStore
from workbench.audit import service as audit
from workbench.programme_analytics.models import PlanGuardrail

if TYPE_CHECKING:  # numpy loads only when matching runs
    from analytics.pilot.matching import Match

PILOT_METRICS = ("average_check", "purchase_frequency", "sales_per_store", "retention")  # the evaluation's
MATCH_WEEKS = 8  # pre-pilot weeks compared when suggesting control stores


class PlanAnalyticsError(ValueError):
    """A plan whose pilot cannot be read, or a guardrail refused; the message names the field."""

    def __init__(self, message: str, field: str = "plan") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PlanPilot:
    plan_id: int
    pilot: list[str]  # pilot store codes (switched, not rolled back)
    control: list[str]  # their control stores, as the plan names them
    date_from: dt.date  # the first pilot day (UTC day of the first switch)
    date_to: dt.date  # the last complete day before `now`


def find_plan(session: Session, name: str) -> RolloutPlan:
    """A plan by its id ("3") or as PROJECT/VERSION ("DEMO/v2", the newest such plan)."""
    project, slash, version = name.strip().partition("/")
    if not slash:
        try:
            return rollout.get_plan(session, name.strip())
        except RolloutError as error:
            raise PlanAnalyticsError(str(error)) from None
    plan = session.scalar(
        select(RolloutPlan)
        .join(ConfigVersion, ConfigVersion.id == RolloutPlan.version_id)
        .where(RolloutPlan.project_key == project.strip(), ConfigVersion.label == version.strip())
        .order_by(RolloutPlan.id.desc())
        .limit(1)
    )
    if plan is None:
        raise PlanAnalyticsError(f"no rollout plan {name!r} (give its id or PROJECT/VERSION)")
    return plan


def _pilot_entries(session: Session, plan: RolloutPlan) -> list[tuple[WaveStore, str, str]]:
    pilot = next((w for w in plan.waves if w.number == 1), None)
    if pilot is None:
        return []
    codes = dict(
        session.execute(
            select(Store.id, Store.code).where(Store.id.in_([ws.store_id for ws in pilot.stores]))
        )
        .tuples()
        .all()
    )
    return sorted(((ws, codes[ws.store_id], ws.control_codes) for ws in pilot.stores), key=lambda e: e[1])


def plan_pilot(session: Session, plan: RolloutPlan, now: dt.datetime) -> PlanPilot:
    """The plan's pilot as the evaluation needs it; PlanAnalyticsError when it has not started
    or names no control stores."""
    entries = [e for e in _pilot_entries(session, plan) if e[0].switch_at and e[0].rolled_back_at is None]
    started = [ws.switch_at for ws, _code, _c in entries if ws.switch_at is not None and ws.switch_at <= now]
    if not started:
        raise PlanAnalyticsError(f"plan {plan.id}: the pilot has not started yet")
    controls: list[str] = []
    for _ws, _code, named in entries:
        controls += [c for c in named.split(",") if c and c not in controls]
    if not controls:
        raise PlanAnalyticsError(f"plan {plan.id}: no control stores named for the pilot stores", "controls")
    first = min(started).astimezone(dt.UTC).date()
    last = (now.astimezone(dt.UTC) - dt.timedelta(days=1)).date()
    if last < first:
        raise PlanAnalyticsError(f"plan {plan.id}: the pilot has not run a full day yet")
    return PlanPilot(plan.id, [code for _ws, code, _c in entries], controls, first, last)


# --- guardrail thresholds -------------------------------------------------------------------


def guardrail_of(session: Session, plan: RolloutPlan) -> PlanGuardrail | None:
    return session.get(PlanGuardrail, plan.id)


def _percent(text: str, field: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise PlanAnalyticsError(f"{field}: {text!r} is not a number of percent", field) from None
    if not value.is_finite() or not low <= value <= high:
        raise PlanAnalyticsError(f"{field}: {text!r} must be between {low} and {high} percent", field)
    return value.quantize(Decimal("0.01"))


def set_guardrail(
    session: Session,
    plan: RolloutPlan,
    *,
    threshold: str,
    limits: dict[str, str],
    confidence: str,
    block_inconclusive: bool,
    actor: str,
) -> PlanGuardrail:
    """Store the plan's guardrail and audit the old and new figures (the page's unit of work,
    workbench.forms.commit_change, commits)."""
    row = guardrail_of(session, plan)
    before = _describe(row)
    own = {
        metric: str(_percent(text, metric, Decimal("0.1"), Decimal(100)))
        for metric, text in limits.items()
        if text.strip()
    }
    if unknown := set(own) - set(PILOT_METRICS):
        raise PlanAnalyticsError(f"no pilot KPI {', '.join(sorted(unknown))}", "limits")
    if row is None:
        row = PlanGuardrail(plan_id=plan.id)
        session.add(row)
    row.threshold_pct = _percent(threshold, "threshold", Decimal("0.1"), Decimal(100))
    row.confidence_pct = _percent(confidence, "confidence", Decimal(50), Decimal("99.9"))
    row.limits, row.block_inconclusive = own, block_inconclusive
    row.updated_by, row.updated_at = actor, utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "rollout.guardrail",
        "rollout_plan",
        plan.id,
        {"before": before, "after": _describe(row)},
    )
    session.commit()
    return row


def _describe(row: PlanGuardrail | None) -> dict[str, object] | None:
    if row is None:
        return None
    return {
        "threshold_pct": str(row.threshold_pct),
        "limits": dict(row.limits or {}),
        "confidence_pct": str(row.confidence_pct),
        "block_inconclusive": row.block_inconclusive,
    }


# --- control stores suggested by matching ----------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    pilot: str
    current: list[str]  # the control stores the plan names now
    matches: list[Match]


def suggest_controls(
    session: Session, plan: RolloutPlan, now: dt.datetime, per_pilot: int = 2
) -> list[Suggestion]:
    """For each pilot store, the most similar stores of its direction over the `MATCH_WEEKS`
    weeks before the pilot (or before now, for a pilot not started), excluding every store
    already in a wave of the plan."""
    from analytics.pilot.evaluation import store_histories
    from analytics.pilot.matching import suggest_controls as match

    entries = _pilot_entries(session, plan)
    if not entries:
        raise PlanAnalyticsError(f"plan {plan.id} has no pilot stores")
    switched = [ws.switch_at for ws, _c, _n in entries if ws.switch_at is not None]
    end = (min(switched) if switched else now).astimezone(dt.UTC).date() - dt.timedelta(days=1)
    # "Not in any wave yet": of any plan, since a store switched by another plan is no control.
    in_waves = set(session.scalars(select(Store.code).join(WaveStore, WaveStore.store_id == Store.id)))
    histories = store_histories(
        session.connection(), end - dt.timedelta(weeks=MATCH_WEEKS) + dt.timedelta(days=1), end
    )
    pilots = {code for _ws, code, _n in entries}
    matched = match(
        [h for h in histories if h.code in pilots], histories, sorted(in_waves - pilots), per_pilot
    )
    return [
        Suggestion(code, [c for c in named.split(",") if c], matched.get(code, []))
        for _ws, code, named in entries
    ]


def accept_controls(session: Session, plan: RolloutPlan, chosen: dict[str, list[str]], *, actor: str) -> int:
    """Name the chosen control stores of each pilot store (the rollout's own check: same
    direction, not in the pilot; each audited by it); the caller commits. The number of pilot
    stores changed."""
    from workbench.rollout import service as rollout_pages

    if not chosen:
        raise PlanAnalyticsError("choose at least one suggested control store", "controls")
    for pilot_code, controls in chosen.items():
        rollout_pages.set_controls(session, plan, pilot_code, controls, actor=actor)
    return len(chosen)
