"""What a plan looks like now: each store's wave, current and planned version, and switch time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import UTCDateTime
from loyalty_core.stores import service as store_service
from loyalty_core.stores.models import Store
from rollout.models import RolloutPlan, RolloutWave, WaveStore
from rollout.schedule import local_reading


@dataclass(frozen=True)
class StoreRow:
    code: str
    name: str
    direction: str
    region: str
    timezone: str
    wave: int
    current: str | None  # the version in force now
    planned: str  # the plan's version
    switch_at: dt.datetime | None  # UTC
    switch_local: dt.datetime | None  # the store's wall clock then
    state: str  # planned | scheduled | switched | rolled_back

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "direction": self.direction,
            "region": self.region,
            "timezone": self.timezone,
            "wave": self.wave,
            "current": self.current,
            "planned": self.planned,
            "switch_at": self.switch_at.isoformat() if self.switch_at else None,
            "switch_local": self.switch_local.strftime("%Y-%m-%d %H:%M") if self.switch_local else None,
            "state": self.state,
        }


def _state(entry: WaveStore, now: dt.datetime) -> str:
    if entry.rolled_back_at is not None:
        return "rolled_back"
    if entry.switch_at is None:
        return "planned"
    return "switched" if entry.switch_at <= now else "scheduled"


def plan_rows(
    session: Session,
    plan: RolloutPlan,
    now: dt.datetime,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[StoreRow]:
    """The plan's stores by wave then code (one page of them with `limit`), in three queries: the
    page is chosen over narrow rows (wave, code, id), then only its rows are read in full."""
    labels = dict(session.execute(select(ConfigVersion.id, ConfigVersion.label)).tuples().all())
    one_page = (
        select(WaveStore.id)
        .join(RolloutWave, RolloutWave.id == WaveStore.wave_id)
        .join(Store, Store.id == WaveStore.store_id)
        .where(WaveStore.plan_id == plan.id)
        .order_by(RolloutWave.number, Store.code)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    rows = session.execute(
        select(WaveStore, RolloutWave.number, Store)
        .join(one_page, one_page.c.id == WaveStore.id)
        .join(RolloutWave, RolloutWave.id == WaveStore.wave_id)
        .join(Store, Store.id == WaveStore.store_id)
        .order_by(RolloutWave.number, Store.code)
    ).all()
    in_force = store_service.versions_in_force(session, now, [s.id for _, _, s in rows]) if rows else {}
    planned = labels[plan.version_id]
    return [
        StoreRow(
            store.code,
            store.name,
            store.direction,
            store.region,
            store.timezone,
            number,
            labels.get(in_force.get(store.id) or -1),
            planned,
            entry.switch_at,
            local_reading(entry.switch_at, store.timezone) if entry.switch_at else None,
            _state(entry, now),
        )
        for entry, number, store in rows
    ]


def plan_summary(session: Session, plan: RolloutPlan, now: dt.datetime) -> dict[str, Any]:
    """Stores per wave and state, counted by the database (the same shape as `summary`)."""
    state = case(
        (WaveStore.rolled_back_at.is_not(None), literal("rolled_back")),
        (WaveStore.switch_at.is_(None), literal("planned")),
        (WaveStore.switch_at <= literal(now, UTCDateTime()), literal("switched")),
        else_=literal("scheduled"),
    )
    by_wave: dict[int, dict[str, int]] = {}
    total = 0
    for number, label, n in session.execute(
        select(RolloutWave.number, state, func.count())
        .join(RolloutWave, RolloutWave.id == WaveStore.wave_id)
        .where(WaveStore.plan_id == plan.id)
        .group_by(RolloutWave.number, state)
    ):
        by_wave.setdefault(number, {})[label] = int(n)
        total += int(n)
    return {"stores": total, "waves": {str(k): v for k, v in sorted(by_wave.items())}}


def summary(rows: list[StoreRow]) -> dict[str, Any]:
    by_wave: dict[int, dict[str, int]] = {}
    for row in rows:
        counts = by_wave.setdefault(row.wave, {})
        counts[row.state] = counts.get(row.state, 0) + 1
    return {"stores": len(rows), "waves": {str(k): v for k, v in sorted(by_wave.items())}}
