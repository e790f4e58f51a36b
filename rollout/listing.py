"""The store register as the rollout pages read it: filtered by direction, region and the version
in force now, one page at a time, with counts per version (one grouped query, any chain size)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from loyalty_core.stores.models import Store
from loyalty_core.stores.service import in_force_version_id


@dataclass(frozen=True)
class StoreListing:
    rows: list[tuple[Store, str | None]]  # the store and the label of its version in force
    total: int
    page: int
    per_page: int
    per_version: dict[str, int]  # label ("-" for none) -> stores, over the filtered register
    regions: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_register(
    session: Session,
    now: dt.datetime,
    *,
    direction: str | None = None,
    region: str | None = None,
    version: str | None = None,
    page: int = 1,
    per_page: int = 100,
) -> StoreListing:
    in_force = in_force_version_id().label("version_id")
    base = select(Store.id.label("store_id"), in_force)
    if direction:
        base = base.where(Store.direction == direction)
    if region:
        base = base.where(Store.region == region)
    resolved = base.subquery()
    labelled = (
        select(resolved.c.store_id, ConfigVersion.label)
        .select_from(resolved)
        .outerjoin(ConfigVersion, ConfigVersion.id == resolved.c.version_id)
    )
    if version:
        labelled = labelled.where(ConfigVersion.label == version)
    counts = {
        (label or "-"): int(n)
        for label, n in session.execute(
            select(ConfigVersion.label, func.count())
            .select_from(resolved)
            .outerjoin(ConfigVersion, ConfigVersion.id == resolved.c.version_id)
            .group_by(ConfigVersion.label),
            {"at": now},
        )
    }
    total = counts.get(version, 0) if version else sum(counts.values())
    page = max(1, page)
    if version:  # the filter is on the resolved version: page over the resolved rows
        page_ids = labelled.subquery()
        query = select(Store, page_ids.c.label).join(page_ids, page_ids.c.store_id == Store.id)
    else:  # page over the stores first, resolve the versions of that page only
        stores = select(Store.id)
        if direction:
            stores = stores.where(Store.direction == direction)
        if region:
            stores = stores.where(Store.region == region)
        one_page = stores.order_by(Store.code).limit(per_page).offset((page - 1) * per_page).subquery()
        query = (
            select(Store, ConfigVersion.label)
            .join(one_page, one_page.c.id == Store.id)
            .outerjoin(ConfigVersion, ConfigVersion.id == in_force_version_id())
        )
    if version:
        query = query.limit(per_page).offset((page - 1) * per_page)
    rows = session.execute(query.order_by(Store.code), {"at": now}).tuples().all()
    regions = [r for r in session.scalars(select(Store.region).distinct().order_by(Store.region)) if r]
    return StoreListing(list(rows), total, page, per_page, counts, regions)
