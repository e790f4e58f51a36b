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

from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from loyalty_core.stores import service as store_service
from loyalty_core.stores.models import Store
from rollout import gates
from rollout.enums import PILOT_LIMIT_PER_DIRECTION, StoreStatus, WaveStatus
from rollout.errors import GateClosed, RolloutError
from rollout.models import GateDecision, RolloutPlan, RolloutWave, WaveStore
from rollout.schedule import utc_moment


def get_plan(session: Session, plan_id: int | str) -> RolloutPlan:
    try:
        plan = session.get(RolloutPlan, int(plan_id))
    except ValueError:
        plan = None
    if plan is None:
        raise RolloutError(f"no rollout plan {plan_id!r}", field="plan")
    return plan


def list_plans(session: Session) -> list[RolloutPlan]:
    return list(session.scalars(select(RolloutPlan).order_by(RolloutPlan.id)))


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
    plan = RolloutPlan(project_key=project_key.strip().upper(), version_id=version.id, created_by=actor, created_at=now)
    for name, value in (("min_pilot_days", min_pilot_days), ("min_pilot_transactions", min_pilot_transactions)):
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
            f"the switch time {at_local:%Y-%m-%d %H:%M} (local) has already passed in: {', '.join(past[:10])}",
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
                f"control store {control.code} is {control.direction}, pilot store {store.code} is {store.direction}",
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
                f"no open store of region {region or 'any'} and direction {direction or 'any'} is left outside the plan",
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
    return wave


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
        raise RolloutError(f"a store may be in only one wave of a plan; already planned: {named}", field="stores")


def _open_unplanned(session: Session, plan: RolloutPlan, region: str | None, direction: str | None) -> list[Store]:
    planned = select(WaveStore.store_id).where(WaveStore.plan_id == plan.id)
    query = select(Store).where(Store.status == StoreStatus.open.value, Store.id.not_in(planned))
    if region:
        query = query.where(Store.region == region)
    if direction:
        query = query.where(Store.direction == direction)
    return list(session.scalars(query.order_by(Store.code)))


def uncovered_open_stores(session: Session, plan: RolloutPlan) -> int:
    """Open stores not in any wave yet (0: the plan covers the chain)."""
    return len(_open_unplanned(session, plan, None, None))


# --- advancing and switching -----------------------------------------------------------------


@dataclass(frozen=True)
class Advance:
    wave: RolloutWave
    results: list[gates.CriterionResult]
    decision: GateDecision | None
    switches: int


def next_wave(plan: RolloutPlan) -> RolloutWave | None:
    return next((w for w in plan.waves if w.status == WaveStatus.planned.value), None)


def gate_for(session: Session, plan: RolloutPlan, wave: RolloutWave, now: dt.datetime) -> list[gates.CriterionResult]:
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
    session: Session, plan: RolloutPlan, wave: RolloutWave, results: list[gates.CriterionResult],
    actor: str, now: dt.datetime, override_reason: str | None,
) -> GateDecision:
    passed = gates.is_open(results)
    reason = (override_reason or "").strip()
    if not passed and not reason:
        failing = [f"{r.name}: {r.title}" for r in results if not r.ok]
        raise GateClosed(f"the gate before wave {wave.number} is closed; failing: {', '.join(r.name for r in results if not r.ok)}", failing)
    decision = GateDecision(
        plan_id=plan.id, wave_id=wave.id, passed=passed, decision="advance" if passed else "override",
        criteria=[r.as_dict() for r in results], decided_by=actor,
        override_reason=None if passed else reason, decided_at=now,
    )
    session.add(decision)
    return decision


def _switch(session: Session, plan: RolloutPlan, wave: RolloutWave, now: dt.datetime) -> int:
    version = session.get(ConfigVersion, plan.version_id)
    assert version is not None
    entries = {ws.store_id: ws for ws in wave.stores}
    stores = dict(session.execute(select(Store.id, Store.timezone).where(Store.id.in_(list(entries)))).tuples().all())
    before = store_service.versions_in_force(session, now, list(entries))
    moments: dict[int, dt.datetime] = {}
    for sid, ws in entries.items():
        # A switch time that has passed by the time the wave advances means "now".
        at = utc_moment(wave.switch_local, stores[sid]) if wave.switch_local else now
        moments[sid] = max(at, now)
        ws.previous_version_id, ws.switch_at = before.get(sid), moments[sid]
    store_service.schedule_versions(session, version, moments, source=f"rollout plan {plan.id} wave {wave.number}")
    return len(moments)


# --- rollback, halt --------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollback:
    switched_back: list[str]  # store codes that ran the plan's version and go back now
    called_off: list[str]  # store codes whose switch had not happened yet


def rollback(
    session: Session, plan: RolloutPlan, *, reason: str, now: dt.datetime,
    wave_number: int | None = None, store_code: str | None = None,
) -> Rollback:
    """Return a wave, one store or the whole plan to each store's previous version, from the next
    request; switches not yet due are called off. Refused when nothing of the target switched."""
    if not reason or not reason.strip():
        raise RolloutError("a rollback needs a written reason", field="reason")
    entries = _rollback_targets(session, plan, wave_number, store_code)
    codes = dict(session.execute(select(Store.id, Store.code).where(Store.id.in_([e.store_id for e in entries]))).tuples().all())
    done = [e for e in entries if e.switch_at is not None and e.switch_at <= now]
    pending = [e for e in entries if e.switch_at is not None and e.switch_at > now]
    if not done and not pending:
        target = f"store {store_code}" if store_code else f"wave {wave_number}" if wave_number else f"plan {plan.id}"
        raise RolloutError(f"{target} never switched: there is nothing to roll back", field="plan")
    orphans = [codes[e.store_id] for e in done if e.previous_version_id is None]
    if orphans:
        raise RolloutError(
            f"{', '.join(sorted(orphans))} ran no version before the plan: there is none to return to", field="store"
        )
    store_service.cancel_pending(session, [e.store_id for e in pending], plan.version_id, now)
    store_service.schedule_each(
        session,
        [(e.store_id, e.previous_version_id, now) for e in done if e.previous_version_id is not None],
        source=f"rollback of plan {plan.id}: {reason.strip()[:150]}",
    )
    for entry in done + pending:
        entry.rolled_back_at = now
    _mark_waves(plan)
    session.flush()
    return Rollback(sorted(codes[e.store_id] for e in done), sorted(codes[e.store_id] for e in pending))


def _rollback_targets(session: Session, plan: RolloutPlan, wave_number: int | None, store_code: str | None) -> list[WaveStore]:
    live = [ws for w in plan.waves for ws in w.stores if ws.rolled_back_at is None]
    if store_code:
        (store,) = stores_by_codes(session, [store_code], field="store")
        chosen = [ws for ws in live if ws.store_id == store.id]
        if not chosen and not any(ws.store_id == store.id for w in plan.waves for ws in w.stores):
            raise RolloutError(f"store {store.code} is not in plan {plan.id}", field="store")
        return chosen
    if wave_number is not None:
        if not any(w.number == wave_number for w in plan.waves):
            raise RolloutError(f"plan {plan.id} has no wave {wave_number}", field="wave")
        return [ws for ws in live if ws.wave.number == wave_number]
    return live


def _mark_waves(plan: RolloutPlan) -> None:
    for wave in plan.waves:
        if wave.stores and all(ws.rolled_back_at is not None for ws in wave.stores):
            wave.status = WaveStatus.rolled_back.value


def halt(session: Session, plan: RolloutPlan, *, reason: str, now: dt.datetime) -> list[str]:
    """Freeze the plan: no wave advances until resumed, and switches not yet due are called off
    (their stores go back to waiting, so resuming and advancing schedules them again)."""
    if plan.halted:
        raise RolloutError(f"plan {plan.id} is already halted", field="plan")
    plan.halted, plan.halt_reason = True, (reason or "").strip()
    pending = [ws for w in plan.waves for ws in w.stores if ws.switch_at and ws.switch_at > now and ws.rolled_back_at is None]
    store_service.cancel_pending(session, [ws.store_id for ws in pending], plan.version_id, now)
    for ws in pending:
        ws.switch_at = None
        ws.previous_version_id = None
    for wave in plan.waves:
        if wave.status == WaveStatus.scheduled.value and all(ws.switch_at is None for ws in wave.stores):
            wave.status = WaveStatus.planned.value
    session.flush()
    codes = dict(session.execute(select(Store.id, Store.code).where(Store.id.in_([ws.store_id for ws in pending]))).tuples().all())
    return sorted(codes.values())


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
        .where(WaveStore.switch_at <= now, WaveStore.switch_recorded_at.is_(None), WaveStore.rolled_back_at.is_(None))
    ).all()
    for entry, _, _ in rows:
        entry.switch_recorded_at = now
    store_service.record_in_force(session, now)
    session.flush()
    return [(entry.plan_id, number, code) for entry, number, code in rows]
