"""Pilot feedback (the dialogue between store staff and the project team) and the training and
support checklist each wave's stores complete before they switch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.orm import Session

from loyalty_core.db import UTCDateTime
from loyalty_core.stores.models import Store
from rollout.enums import ChecklistItemKind, FeedbackCategory, FeedbackStatus, Severity, values
from rollout.errors import RolloutError
from rollout.models import ChecklistItem, FeedbackItem, RolloutPlan, RolloutWave, WaveStore
from rollout.service import stores_by_codes


def _one_of(value: str, allowed: list[str], field: str) -> str:
    value = (value or "").strip().lower()
    if value not in allowed:
        raise RolloutError(f"{field} must be one of {', '.join(allowed)}, not {value!r}", field=field)
    return value


def add_feedback(
    session: Session,
    plan: RolloutPlan,
    *,
    store_code: str | None,
    reporter: str,
    severity: str,
    category: str,
    text: str,
    link: str = "",
    actor: str,
    now: dt.datetime,
) -> FeedbackItem:
    if not text or not text.strip():
        raise RolloutError("describe the feedback", field="text")
    if not reporter or not reporter.strip():
        raise RolloutError("name who reported it", field="reporter")
    store_id = stores_by_codes(session, [store_code], field="store")[0].id if store_code else None
    item = FeedbackItem(
        plan_id=plan.id,
        store_id=store_id,
        reporter=reporter.strip(),
        text=text.strip(),
        link=(link or "").strip(),
        severity=_one_of(severity, values(Severity), "severity"),
        category=_one_of(category, values(FeedbackCategory), "category"),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    return item


def set_feedback_status(
    session: Session, plan: RolloutPlan, item_id: int, status: str, now: dt.datetime
) -> FeedbackItem:
    item = session.get(FeedbackItem, item_id)
    if item is None or item.plan_id != plan.id:
        raise RolloutError(f"plan {plan.id} has no feedback item {item_id}", field="item")
    item.status = _one_of(status, values(FeedbackStatus), "status")
    item.updated_at = now
    session.flush()
    return item


def feedback(
    session: Session,
    plan: RolloutPlan,
    *,
    status: str | None = None,
    severity: str | None = None,
    store_code: str | None = None,
) -> list[tuple[FeedbackItem, str | None]]:
    """The plan's feedback, newest first, with each item's store code; filters when given."""
    query = (
        select(FeedbackItem, Store.code)
        .outerjoin(Store, Store.id == FeedbackItem.store_id)
        .where(FeedbackItem.plan_id == plan.id)
    )
    if status:
        query = query.where(FeedbackItem.status == status)
    if severity:
        query = query.where(FeedbackItem.severity == severity)
    if store_code:
        query = query.where(Store.code == store_code.strip().upper())
    return [(item, code) for item, code in session.execute(query.order_by(FeedbackItem.id.desc()))]


def _wave_store_page(
    session: Session, wave: RolloutWave, page: int | None, per_page: int
) -> list[tuple[int, str]]:
    query = (
        select(Store.id, Store.code)
        .join(WaveStore, WaveStore.store_id == Store.id)
        .where(WaveStore.wave_id == wave.id)
        .order_by(Store.code)
    )
    if page is not None:
        query = query.limit(per_page).offset((max(1, page) - 1) * per_page)
    return list(session.execute(query).tuples().all())


def checklist(
    session: Session,
    wave: RolloutWave,
    *,
    page: int | None = None,
    per_page: int = 25,
) -> list[tuple[ChecklistItem, str]]:
    """The items of the wave's stores (of one page of stores, by code, when `page` is given), by
    store, then kind. Read only: the items are written when the stores join the wave
    (`rollout.service.open_checklist`)."""
    stores = _wave_store_page(session, wave, page, per_page)
    codes = dict(stores)
    order = {kind: n for n, kind in enumerate(values(ChecklistItemKind))}
    items = session.scalars(
        select(ChecklistItem).where(ChecklistItem.wave_id == wave.id, ChecklistItem.store_id.in_(list(codes)))
    ).all()
    ordered = sorted(items, key=lambda i: (codes[i.store_id], order.get(i.kind, len(order))))
    return [(item, codes[item.store_id]) for item in ordered]


@dataclass(frozen=True)
class ChecklistFigures:
    stores: int
    total: int
    done: int
    overdue: int


def checklist_figures(session: Session, wave: RolloutWave, today: dt.date) -> ChecklistFigures:
    """Counts over the whole wave in three queries (items never opened count as not done)."""
    stores = int(
        session.scalar(select(func.count()).select_from(WaveStore).where(WaveStore.wave_id == wave.id)) or 0
    )
    mine = [ChecklistItem.wave_id == wave.id]
    done = int(
        session.scalar(
            select(func.count()).select_from(ChecklistItem).where(*mine, ChecklistItem.done_at.is_not(None))
        )
        or 0
    )
    overdue = int(
        session.scalar(
            select(func.count())
            .select_from(ChecklistItem)
            .where(*mine, ChecklistItem.done_at.is_(None), ChecklistItem.due_on < today)
        )
        or 0
    )
    return ChecklistFigures(stores, stores * len(ChecklistItemKind), done, overdue)


def update_item(
    session: Session,
    wave: RolloutWave,
    item_id: int,
    *,
    actor: str,
    now: dt.datetime,
    done: bool | None = None,
    owner: str | None = None,
    due_on: dt.date | None = None,
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


def complete_checklist(
    session: Session, wave: RolloutWave, *, actor: str, now: dt.datetime, store_code: str | None = None
) -> int:
    """Tick every open item of the wave (or of one store of it); how many were ticked. Set-based:
    the missing items are inserted done, the open ones updated, whatever the wave's size."""
    in_wave = select(WaveStore.store_id).where(WaveStore.wave_id == wave.id)
    if store_code:
        (store,) = stores_by_codes(session, [store_code], field="store")
        if store.id not in set(session.scalars(in_wave)):
            raise RolloutError(f"{store.code} is not in wave {wave.number}", field="store")
        in_wave = in_wave.where(WaveStore.store_id == store.id)
    ticked = (
        session.execute(
            update(ChecklistItem)
            .where(
                ChecklistItem.wave_id == wave.id,
                ChecklistItem.store_id.in_(in_wave),
                ChecklistItem.done_at.is_(None),
            )
            .values(done_at=now, done_by=actor)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        or 0
    )
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
        missing = select(
            literal(wave.id),
            WaveStore.store_id,
            literal(kind),
            literal(""),
            literal(now, UTCDateTime()),
            literal(actor),
        ).where(WaveStore.store_id.in_(in_wave), WaveStore.wave_id == wave.id, ~exists)
        ticked += (
            session.execute(
                insert(ChecklistItem).from_select(
                    ["wave_id", "store_id", "kind", "owner", "done_at", "done_by"], missing
                )
            ).rowcount  # type: ignore[attr-defined]
            or 0
        )
    session.expire_all()
    return int(ticked)


def is_overdue(item: ChecklistItem, today: dt.date) -> bool:
    return item.done_at is None and item.due_on is not None and item.due_on < today


def wave_by_number(plan: RolloutPlan, number: int) -> RolloutWave:
    wave = next((w for w in plan.waves if w.number == number), None)
    if wave is None:
        raise RolloutError(f"plan {plan.id} has no wave {number}", field="wave")
    return wave
