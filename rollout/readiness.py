"""Pilot feedback (the dialogue between store staff and the project team) and the training and
support checklist each wave's stores complete before they switch."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.stores.models import Store
from rollout.enums import ChecklistItemKind, FeedbackCategory, FeedbackStatus, Severity, values
from rollout.errors import RolloutError
from rollout.models import ChecklistItem, FeedbackItem, RolloutPlan, RolloutWave
from rollout.service import stores_by_codes


def _one_of(value: str, allowed: list[str], field: str) -> str:
    value = (value or "").strip().lower()
    if value not in allowed:
        raise RolloutError(f"{field} must be one of {', '.join(allowed)}, not {value!r}", field=field)
    return value


def add_feedback(
    session: Session, plan: RolloutPlan, *, store_code: str | None, reporter: str, severity: str, category: str,
    text: str, link: str = "", actor: str, now: dt.datetime,
) -> FeedbackItem:
    if not text or not text.strip():
        raise RolloutError("describe the feedback", field="text")
    if not reporter or not reporter.strip():
        raise RolloutError("name who reported it", field="reporter")
    store_id = stores_by_codes(session, [store_code], field="store")[0].id if store_code else None
    item = FeedbackItem(
        plan_id=plan.id, store_id=store_id, reporter=reporter.strip(), text=text.strip(), link=(link or "").strip(),
        severity=_one_of(severity, values(Severity), "severity"),
        category=_one_of(category, values(FeedbackCategory), "category"),
        created_by=actor, created_at=now, updated_at=now,
    )
    session.add(item)
    session.flush()
    return item


def set_feedback_status(session: Session, plan: RolloutPlan, item_id: int, status: str, now: dt.datetime) -> FeedbackItem:
    item = session.get(FeedbackItem, item_id)
    if item is None or item.plan_id != plan.id:
        raise RolloutError(f"plan {plan.id} has no feedback item {item_id}", field="item")
    item.status = _one_of(status, values(FeedbackStatus), "status")
    item.updated_at = now
    session.flush()
    return item


def feedback(
    session: Session, plan: RolloutPlan, *, status: str | None = None, severity: str | None = None,
    store_code: str | None = None,
) -> list[tuple[FeedbackItem, str | None]]:
    """The plan's feedback, newest first, with each item's store code; filters when given."""
    query = (
        select(FeedbackItem, Store.code).outerjoin(Store, Store.id == FeedbackItem.store_id)
        .where(FeedbackItem.plan_id == plan.id)
    )
    if status:
        query = query.where(FeedbackItem.status == status)
    if severity:
        query = query.where(FeedbackItem.severity == severity)
    if store_code:
        query = query.where(Store.code == store_code.strip().upper())
    return [(item, code) for item, code in session.execute(query.order_by(FeedbackItem.id.desc()))]


def checklist(session: Session, wave: RolloutWave) -> list[tuple[ChecklistItem, str]]:
    """Every item of the wave's stores (created on first read: four per store), by store then kind."""
    existing = {(i.store_id, i.kind): i for i in session.scalars(select(ChecklistItem).where(ChecklistItem.wave_id == wave.id))}
    for entry in wave.stores:
        for kind in values(ChecklistItemKind):
            if (entry.store_id, kind) not in existing:
                item = ChecklistItem(wave_id=wave.id, store_id=entry.store_id, kind=kind)
                session.add(item)
                existing[(entry.store_id, kind)] = item
    session.flush()
    codes = dict(session.execute(select(Store.id, Store.code).where(Store.id.in_([s for s, _ in existing]))).tuples().all())
    order = {kind: i for i, kind in enumerate(values(ChecklistItemKind))}
    items = sorted(existing.values(), key=lambda i: (codes[i.store_id], order[i.kind]))
    return [(item, codes[item.store_id]) for item in items]


def update_item(
    session: Session, wave: RolloutWave, item_id: int, *, actor: str, now: dt.datetime,
    done: bool | None = None, owner: str | None = None, due_on: dt.date | None = None,
) -> ChecklistItem:
    item = session.get(ChecklistItem, item_id)
    if item is None or item.wave_id != wave.id:
        raise RolloutError(f"wave {wave.number} has no checklist item {item_id}", field="item")
    if owner is not None:
        item.owner = owner.strip()
    if due_on is not None:
        item.due_on = due_on
    if done is not None:
        item.done_at, item.done_by = (now, actor) if done else (None, None)
    session.flush()
    return item


def complete_checklist(session: Session, wave: RolloutWave, *, actor: str, now: dt.datetime, store_code: str | None = None) -> int:
    """Tick every open item of the wave (or of one store of it); how many were ticked."""
    ticked = 0
    for item, code in checklist(session, wave):
        if item.done_at is None and (store_code is None or code == store_code.strip().upper()):
            item.done_at, item.done_by = now, actor
            ticked += 1
    session.flush()
    return ticked


def is_overdue(item: ChecklistItem, today: dt.date) -> bool:
    return item.done_at is None and item.due_on is not None and item.due_on < today


def wave_by_number(plan: RolloutPlan, number: int) -> RolloutWave:
    wave = next((w for w in plan.waves if w.number == number), None)
    if wave is None:
        raise RolloutError(f"plan {plan.id} has no wave {number}", field="wave")
    return wave
