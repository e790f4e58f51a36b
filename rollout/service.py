"""Rollout plans: the pilot and later waves, advancing past gates, dated switches, rollback, halt.

Plain functions taking a session; the caller owns the transaction (and writes the audit log: the
workbench does, in the same transaction). A switch is data, never a job that must fire on time:
advancing a wave writes each store's dated assignment (its local switch time turned into UTC),
and the POS resolves the version in force at each request's moment.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, insert, literal, select, update
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import UTCDateTime
from loyalty_core.stores import service as store_service
from loyalty_core.stores.models import Store
from rollout import gates
from rollout.enums import PILOT_LIMIT_PER_DIRECTION, ChecklistItemKind, StoreStatus, WaveStatus, values
from rollout.errors import GateClosed, RolloutError
from rollout.models import ChecklistItem, GateDecision, RolloutPlan, RolloutWave, WaveStore
from rollout.schedule import utc_moment


def get_plan(session: Session, plan_id: int | str) -> RolloutPlan:
    try:
        plan = session.get(RolloutPlan, int(plan_id))
    except ValueError:
        plan = None
    if plan is None:
        raise RolloutError(f"no rollout plan {plan_id!r}", field="plan")
    return plan


def list_plans(session: Session, *, project_keys: list[str] | None = None) -> list[RolloutPlan]:
    """Every plan, or those of the projects `project_keys` (the workbench passes the projects the
    signed-in user may open)."""
    query = select(RolloutPlan).order_by(RolloutPlan.id)
    if project_keys is not None:
        query = query.where(RolloutPlan.project_key.in_(project_keys))
    return list(session.scalars(query))


def stores_by_codes(session: Session, codes: list[str], *, field: str = "stores") -> list[Store]:
    """The stores of `codes`, in that order; every unknown code is named."""
    wanted = [c.strip().upper() for c in codes if c.strip()]
    if not wanted:
        raise RolloutError("name at least one store", field=field)
    found = {s.code: s for s in session.scalars(select(Store).where(Store.code.in_(wanted)))}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise RolloutError(f"unknown store code(s): {', '.join(unknown)}", field=field)
    duplicates = [c for c, n in Counter(wanted).items() if n > 1]
    if duplicates:
        raise RolloutError(f"store(s) named twice: {', '.join(duplicates)}", field=field)
    return [found[c] for c in wanted]


# --- plan and waves --------------------------------------------------------------------------


def create_plan(
    session: Session,
    project_key: str,
    version: ConfigVersion,
    pilot_codes: list[str],
    *,
    actor: str,
    now: dt.datetime,
    override_reason: str | None = None,
    override_by: str | None = None,
    at_local: dt.datetime | None = None,
    min_pilot_days: int | None = None,
    min_pilot_transactions: int | None = None,
) -> RolloutPlan:
    """A plan whose wave 1 is the pilot. More than the pilot limit per direction is refused unless
    an override (who and why) comes with it; the caller checks the overrider is an approver."""
    pilot = stores_by_codes(session, pilot_codes, field="pilot")
    _refuse_closed(pilot, field="pilot")
    over = _over_pilot_limit(pilot)
    if over and not (override_reason and override_reason.strip() and override_by):
        raise RolloutError(
            f"a pilot allows at most {PILOT_LIMIT_PER_DIRECTION} stores per direction: {'; '.join(over)}. "
            "An approver may override it with a reason",
            field="pilot",
        )
    plan = RolloutPlan(
        project_key=project_key.strip().upper(), version_id=version.id, created_by=actor, created_at=now
    )
    for name, value in (
        ("min_pilot_days", min_pilot_days),
        ("min_pilot_transactions", min_pilot_transactions),
    ):
        if value is not None:
            if value < 0:
                raise RolloutError(f"{name} cannot be negative", field=name)
            setattr(plan, name, value)
    session.add(plan)
    session.flush()
    wave = RolloutWave(plan_id=plan.id, number=1, switch_local=at_local, status=WaveStatus.planned.value)
    if over:
        wave.override_by, wave.override_reason = override_by, (override_reason or "").strip()
    plan.waves.append(wave)
    _check_future(pilot, at_local, now)
    session.flush()
    for store in pilot:
        session.add(WaveStore(plan_id=plan.id, wave_id=wave.id, store_id=store.id))
    session.flush()
    open_checklist(session, wave)
    return plan


def _over_pilot_limit(stores: list[Store]) -> list[str]:
    counts = Counter(s.direction for s in stores)
    return [f"{n} {d} stores" for d, n in sorted(counts.items()) if n > PILOT_LIMIT_PER_DIRECTION]


def _refuse_closed(stores: list[Store], *, field: str) -> None:
    closed = [s.code for s in stores if s.status == StoreStatus.closed.value]
    if closed:
        raise RolloutError(f"closed store(s) cannot switch: {', '.join(closed)}", field=field)


def _check_future(stores: list[Store], at_local: dt.datetime | None, now: dt.datetime) -> None:
    if at_local is None:
        return
    past = [s.code for s in stores if utc_moment(at_local, s.timezone) <= now]
    if past:
        raise RolloutError(
            f"the switch time {at_local:%Y-%m-%d %H:%M} (local) has already passed in: "
            f"{', '.join(past[:10])}",
            field="at",
        )


def set_controls(session: Session, plan: RolloutPlan, pilot_code: str, control_codes: list[str]) -> WaveStore:
    """Name a pilot store's control stores: same direction, not in the pilot."""
    pilot = plan.waves[0]
    (store,) = stores_by_codes(session, [pilot_code], field="store")
    entry = next((ws for ws in pilot.stores if ws.store_id == store.id), None)
    if entry is None:
        raise RolloutError(f"{store.code} is not a pilot store of plan {plan.id}", field="store")
    controls = stores_by_codes(session, control_codes, field="controls") if control_codes else []
    pilot_ids = {ws.store_id for ws in pilot.stores}
    for control in controls:
        if control.id in pilot_ids:
            raise RolloutError(f"control store {control.code} is itself in the pilot", field="controls")
        if control.direction != store.direction:
            raise RolloutError(
                f"control store {control.code} is {control.direction}, pilot store {store.code} is "
                f"{store.direction}",
                field="controls",
            )
    entry.control_codes = ",".join(c.code for c in controls)
    session.flush()
    return entry


def add_wave(
    session: Session,
    plan: RolloutPlan,
    *,
    now: dt.datetime,
    codes: list[str] | None = None,
    region: str | None = None,
    direction: str | None = None,
    at_local: dt.datetime | None = None,
) -> RolloutWave:
    """The next wave: stores named explicitly, or every open store of a region and/or direction
    not yet in the plan. A store already in a wave of the plan is refused, naming the wave."""
    if codes:
        stores = stores_by_codes(session, codes)
        _refuse_closed(stores, field="stores")
        _refuse_planned(session, plan, stores)
    elif region or direction:
        stores = _open_unplanned(session, plan, region, direction)
        if not stores:
            raise RolloutError(
                f"no open store of region {region or 'any'} and direction {direction or 'any'} is left "
                "outside the plan",
                field="region" if region else "direction",
            )
    else:
        raise RolloutError("name the wave's stores, or a region or direction", field="stores")
    _check_future(stores, at_local, now)
    wave = RolloutWave(plan_id=plan.id, number=len(plan.waves) + 1, switch_local=at_local)
    plan.waves.append(wave)
    session.flush()
    session.add_all(WaveStore(plan_id=plan.id, wave_id=wave.id, store_id=s.id) for s in stores)
    session.flush()
    open_checklist(session, wave)
    return wave


def open_checklist(session: Session, wave: RolloutWave) -> int:
    """The wave's training and support checklist, written when its stores join it: one open item
    of each kind per store, so reading the checklist never writes. Set-based (one INSERT ...
    SELECT per kind, whatever the wave's size); items already there are kept. How many added."""
    added = 0
    for kind in values(ChecklistItemKind):
        exists = (
            select(ChecklistItem.id)
            .where(
                ChecklistItem.wave_id == wave.id,
                ChecklistItem.store_id == WaveStore.store_id,
                ChecklistItem.kind == kind,
            )
            .exists()
        )
        missing = select(literal(wave.id), WaveStore.store_id, literal(kind), literal("")).where(
            WaveStore.wave_id == wave.id, ~exists
        )
        inserted = session.execute(
            insert(ChecklistItem).from_select(["wave_id", "store_id", "kind", "owner"], missing)
        )
        added += int(inserted.rowcount or 0)  # type: ignore[attr-defined]
    return added


def _refuse_planned(session: Session, plan: RolloutPlan, stores: list[Store]) -> None:
    ids = [s.id for s in stores]
    taken = session.execute(
        select(Store.code, RolloutWave.number)
        .join(WaveStore, WaveStore.store_id == Store.id)
        .join(RolloutWave, RolloutWave.id == WaveStore.wave_id)
        .where(WaveStore.plan_id == plan.id, WaveStore.store_id.in_(ids))
        .order_by(Store.code)
    ).all()
    if taken:
        named = ", ".join(f"{code} (wave {n})" for code, n in taken)
        raise RolloutError(
            f"a store may be in only one wave of a plan; already planned: {named}", field="stores"
        )


def _open_unplanned(
    session: Session, plan: RolloutPlan, region: str | None, direction: str | None
) -> list[Store]:
    planned = select(WaveStore.store_id).where(WaveStore.plan_id == plan.id)
    query = select(Store).where(Store.status == StoreStatus.open.value, Store.id.not_in(planned))
    if region:
        query = query.where(Store.region == region)
    if direction:
        query = query.where(Store.direction == direction)
    return list(session.scalars(query.order_by(Store.code)))


def uncovered_open_stores(session: Session, plan: RolloutPlan) -> int:
    """Open stores not in any wave yet (0: the plan covers the chain): open stores minus the
    plan's open stores, two plain counts (no anti-join whose plan depends on fresh statistics)."""
    is_open = Store.status == StoreStatus.open.value
    chain = session.scalar(select(func.count()).select_from(Store).where(is_open)) or 0
    planned = (
        session.scalar(
            select(func.count())
            .select_from(WaveStore)
            .join(Store, Store.id == WaveStore.store_id)
            .where(WaveStore.plan_id == plan.id, is_open)
        )
        or 0
    )
    return int(chain) - int(planned)


# --- advancing and switching -----------------------------------------------------------------


@dataclass(frozen=True)
class Advance:
    wave: RolloutWave
    results: list[gates.CriterionResult]
    decision: GateDecision | None
    switches: int


def next_wave(plan: RolloutPlan) -> RolloutWave | None:
    return next((w for w in plan.waves if w.status == WaveStatus.planned.value), None)


def gate_for(
    session: Session, plan: RolloutPlan, wave: RolloutWave, now: dt.datetime
) -> list[gates.CriterionResult]:
    """The gate before `wave` evaluated now (the pilot has none: it is what the gates judge)."""
    if wave.number == 1:
        return []
    return gates.evaluate(gates.GateContext(session, plan, wave, now))


def advance(
    session: Session, plan: RolloutPlan, *, actor: str, now: dt.datetime, override_reason: str | None = None
) -> Advance:
    """Switch the next planned wave: check its gate, store the decision with its evidence, write
    each store's dated assignment. A closed gate refuses, naming the failing criteria, unless an
    override reason comes (the caller checks the actor is an approver)."""
    if plan.halted:
        raise RolloutError(f"plan {plan.id} is halted: resume it first", field="plan")
    wave = next_wave(plan)
    if wave is None:
        raise RolloutError(f"plan {plan.id} has no planned wave left to advance", field="plan")
    results = gate_for(session, plan, wave, now)
    decision = None
    if wave.number > 1:
        decision = _decide(session, plan, wave, results, actor, now, override_reason)
    switches = _switch(session, plan, wave, now)
    wave.status, wave.advanced_at, wave.advanced_by = WaveStatus.scheduled.value, now, actor
    session.flush()
    return Advance(wave, results, decision, switches)


def _decide(
    session: Session,
    plan: RolloutPlan,
    wave: RolloutWave,
    results: list[gates.CriterionResult],
    actor: str,
    now: dt.datetime,
    override_reason: str | None,
) -> GateDecision:
    passed = gates.is_open(results)
    reason = (override_reason or "").strip()
    if not passed and not reason:
        failing = [f"{r.name}: {r.title}" for r in results if not r.ok]
        raise GateClosed(
            f"the gate before wave {wave.number} is closed; failing: "
            f"{', '.join(r.name for r in results if not r.ok)}",
            failing,
        )
    decision = GateDecision(
        plan_id=plan.id,
        wave_id=wave.id,
        passed=passed,
        decision="advance" if passed else "override",
        criteria=[r.as_dict() for r in results],
        decided_by=actor,
        override_reason=None if passed else reason,
        decided_at=now,
    )
    session.add(decision)
    return decision


def _switch(session: Session, plan: RolloutPlan, wave: RolloutWave, now: dt.datetime) -> int:
    """Write the wave's switches set-based, in two statements whatever the wave's size: one UPDATE
    of the wave's stores (each store's moment, chosen by its time zone, and the version it runs
    now, to return to) and one INSERT ... SELECT of the dated assignments the POS reads."""
    version = session.get(ConfigVersion, plan.version_id)
    assert version is not None
    if not version.is_approved:
        raise RolloutError(
            f"version {version.label} is a draft: only approved versions can run in a store", field="version"
        )
    zones = session.scalars(select(Store.timezone).distinct()).all()  # the chain's few zones
    # A switch time that has passed by the time the wave advances means "now".
    moments = {tz: max(utc_moment(wave.switch_local, tz), now) if wave.switch_local else now for tz in zones}
    moment = case(
        *((Store.timezone == tz, literal(at, UTCDateTime())) for tz, at in moments.items()),
        else_=literal(now, UTCDateTime()),
    )
    switched = session.execute(
        update(WaveStore)
        .where(WaveStore.wave_id == wave.id, Store.id == WaveStore.store_id)
        .values(switch_at=moment, previous_version_id=store_service.in_force_version_id())
        .execution_options(synchronize_session=False),
        {"at": now},
    )
    source = f"rollout plan {plan.id} wave {wave.number}"
    store_service.schedule_from(
        session,
        select(
            WaveStore.store_id,
            literal(version.id),
            WaveStore.switch_at,
            literal(source),
            literal(now, UTCDateTime()),
        ).where(WaveStore.wave_id == wave.id),
    )
    session.expire_all()  # the ORM's copies of the wave's stores are stale now
    return int(switched.rowcount or 0)  # type: ignore[attr-defined]


# --- rollback, halt --------------------------------------------------------------------------


NAMED_STORES = 100  # a rollback names at most this many stores of each kind (and counts them all)


@dataclass(frozen=True)
class Rollback:
    switched_back: list[str]  # codes of stores that ran the plan's version and go back now (first 100)
    called_off: list[str]  # codes of stores whose switch had not happened yet (first 100)
    switched_back_count: int = 0
    called_off_count: int = 0


def _codes_where(session: Session, *where: Any, limit: int = NAMED_STORES) -> list[str]:
    return list(
        session.scalars(
            select(Store.code)
            .join(WaveStore, WaveStore.store_id == Store.id)
            .where(*where)
            .order_by(Store.code)
            .limit(limit)
        )
    )


def rollback(
    session: Session,
    plan: RolloutPlan,
    *,
    reason: str,
    now: dt.datetime,
    wave_number: int | None = None,
    store_code: str | None = None,
) -> Rollback:
    """Return a wave, one store or the whole plan to each store's previous version, from the next
    request; switches not yet due are called off. Refused when nothing of the target switched.
    Set-based (a handful of statements whatever the number of stores; no row per store is read)."""
    if not reason or not reason.strip():
        raise RolloutError("a rollback needs a written reason", field="reason")
    target = _rollback_target(session, plan, wave_number, store_code)
    due = WaveStore.switch_at <= now
    due_count, total = session.execute(
        select(func.count().filter(due), func.count()).select_from(WaveStore).where(*target)
    ).one()
    if not total:
        named = (
            f"store {store_code}"
            if store_code
            else f"wave {wave_number}"
            if wave_number
            else f"plan {plan.id}"
        )
        raise RolloutError(f"{named} never switched: there is nothing to roll back", field="plan")
    orphans = _codes_where(session, *target, due, WaveStore.previous_version_id.is_(None), limit=20)
    if orphans:
        raise RolloutError(
            f"{', '.join(orphans)} ran no version before the plan: there is none to return to",
            field="store",
        )
    done, pending = _codes_where(session, *target, due), _codes_where(session, *target, ~due)
    store_service.cancel_pending(
        session, select(WaveStore.store_id).where(*target, ~due), plan.version_id, now
    )
    source = f"rollback of plan {plan.id}: {reason.strip()[:150]}"
    store_service.schedule_from(
        session,
        select(
            WaveStore.store_id,
            WaveStore.previous_version_id,
            literal(now, UTCDateTime()),
            literal(source),
            literal(now, UTCDateTime()),
        ).where(*target, due),
    )
    session.execute(
        update(WaveStore)
        .where(*target)
        .values(rolled_back_at=now)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    _mark_waves(session, plan)
    session.flush()
    return Rollback(done, pending, int(due_count or 0), int(total) - int(due_count or 0))


def _rollback_target(
    session: Session, plan: RolloutPlan, wave_number: int | None, store_code: str | None
) -> list[Any]:
    """WHERE clauses of the wave stores a rollback touches: switched or scheduled, not rolled back."""
    live = [
        WaveStore.plan_id == plan.id,
        WaveStore.rolled_back_at.is_(None),
        WaveStore.switch_at.is_not(None),
    ]
    if store_code:
        (store,) = stores_by_codes(session, [store_code], field="store")
        in_plan = session.scalar(
            select(WaveStore.id).where(WaveStore.plan_id == plan.id, WaveStore.store_id == store.id)
        )
        if in_plan is None:
            raise RolloutError(f"store {store.code} is not in plan {plan.id}", field="store")
        return [*live, WaveStore.store_id == store.id]
    if wave_number is not None:
        wave = next((w for w in plan.waves if w.number == wave_number), None)
        if wave is None:
            raise RolloutError(f"plan {plan.id} has no wave {wave_number}", field="wave")
        return [*live, WaveStore.wave_id == wave.id]
    return live


def _mark_waves(session: Session, plan: RolloutPlan) -> None:
    """A wave whose every store went back is rolled back as a whole."""
    live = set(
        session.scalars(
            select(WaveStore.wave_id)
            .where(WaveStore.plan_id == plan.id, WaveStore.rolled_back_at.is_(None))
            .distinct()
        )
    )
    for wave in plan.waves:
        if wave.id not in live and wave.status == WaveStatus.scheduled.value:
            wave.status = WaveStatus.rolled_back.value


def halt(session: Session, plan: RolloutPlan, *, reason: str, now: dt.datetime) -> list[str]:
    """Freeze the plan: no wave advances until resumed, and switches not yet due are called off
    (their stores go back to waiting, so resuming and advancing schedules them again)."""
    if plan.halted:
        raise RolloutError(f"plan {plan.id} is already halted", field="plan")
    plan.halted, plan.halt_reason = True, (reason or "").strip()
    pending = [WaveStore.plan_id == plan.id, WaveStore.switch_at > now, WaveStore.rolled_back_at.is_(None)]
    codes = list(
        session.scalars(
            select(Store.code)
            .join(WaveStore, WaveStore.store_id == Store.id)
            .where(*pending)
            .order_by(Store.code)
        )
    )
    store_service.cancel_pending(session, select(WaveStore.store_id).where(*pending), plan.version_id, now)
    session.execute(
        update(WaveStore)
        .where(*pending)
        .values(switch_at=None, previous_version_id=None)
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    waiting = set(
        session.scalars(
            select(WaveStore.wave_id)
            .where(WaveStore.plan_id == plan.id, WaveStore.switch_at.is_not(None))
            .distinct()
        )
    )
    for wave in plan.waves:
        if wave.status == WaveStatus.scheduled.value and wave.id not in waiting:
            wave.status = WaveStatus.planned.value
    session.flush()
    return codes


def resume(session: Session, plan: RolloutPlan) -> None:
    if not plan.halted:
        raise RolloutError(f"plan {plan.id} is not halted", field="plan")
    plan.halted, plan.halt_reason = False, ""
    session.flush()


def record_due_switches(session: Session, now: dt.datetime) -> list[tuple[int, int, str]]:
    """The periodic job's part: switches whose moment has come are recorded as done (for the audit
    log and the lists), and `stores.active_version_id` follows. Correctness never depends on it:
    the POS resolves the version by date. Returns (plan id, wave number, store code) recorded."""
    rows = session.execute(
        select(WaveStore, RolloutWave.number, Store.code)
        .join(RolloutWave, RolloutWave.id == WaveStore.wave_id)
        .join(Store, Store.id == WaveStore.store_id)
        .where(
            WaveStore.switch_at <= now,
            WaveStore.switch_recorded_at.is_(None),
            WaveStore.rolled_back_at.is_(None),
        )
    ).all()
    for entry, _, _ in rows:
        entry.switch_recorded_at = now
    store_service.record_in_force(session, now)
    session.flush()
    return [(entry.plan_id, number, code) for entry, number, code in rows]
