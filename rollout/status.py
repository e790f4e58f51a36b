"""What a plan looks like now: each store's wave, current and planned version, and switch time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
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
            "code": self.code, "name": self.name, "direction": self.direction, "region": self.region,
            "timezone": self.timezone, "wave": self.wave, "current": self.current, "planned": self.planned,
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


def plan_rows(session: Session, plan: RolloutPlan, now: dt.datetime) -> list[StoreRow]:
    """Every store of the plan, by wave then code, in two queries whatever the plan's size."""
    labels = dict(session.execute(select(ConfigVersion.id, ConfigVersion.label)).tuples().all())
    rows = session.execute(
        select(WaveStore, RolloutWave.number, Store)
        .join(RolloutWave, RolloutWave.id == WaveStore.wave_id)
        .join(Store, Store.id == WaveStore.store_id)
        .where(WaveStore.plan_id == plan.id)
        .order_by(RolloutWave.number, Store.code)
    ).all()
    in_force = store_service.versions_in_force(session, now, [s.id for _, _, s in rows]) if rows else {}
    planned = labels[plan.version_id]
    return [
        StoreRow(
            store.code, store.name, store.direction, store.region, store.timezone, number,
            labels.get(in_force.get(store.id) or -1), planned, entry.switch_at,
            local_reading(entry.switch_at, store.timezone) if entry.switch_at else None, _state(entry, now),
        )
        for entry, number, store in rows
    ]


def summary(rows: list[StoreRow]) -> dict[str, Any]:
    by_wave: dict[int, dict[str, int]] = {}
    for row in rows:
        counts = by_wave.setdefault(row.wave, {})
        counts[row.state] = counts.get(row.state, 0) + 1
    return {"stores": len(rows), "waves": {str(k): v for k, v in sorted(by_wave.items())}}
