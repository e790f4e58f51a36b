"""Storing imported till totals: all or nothing, an upsert by (store, day) so a corrected file
replaces the days it names and leaves the others alone."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from analytics.tills.intake import Problem, TillFile, TillTotalsError, read_till_totals
from analytics.tills.tables import till_totals
from loyalty_core.stores.models import Store

CHUNK = 500  # days per DELETE ... IN (...)


@dataclass(frozen=True)
class TillImport:
    rows: int
    replaced: int  # (store, day) pairs that held a total before
    stores: int
    first_day: dt.date
    last_day: dt.date


def store_till_totals(conn: Connection, file: TillFile, now: dt.datetime) -> TillImport:
    """Write the file's rows (from read_till_totals); TillTotalsError naming every line whose
    store is unknown, and then nothing is written. The caller commits."""
    rows, filename = file.rows, file.name
    codes = {r.store for r in rows}
    ids: dict[str, int] = dict(
        conn.execute(select(Store.code, Store.id).where(Store.code.in_(codes))).tuples().all()
    )
    unknown = [
        Problem(r.line, file.headers["store"], f"no store {r.store} in the register")
        for r in rows
        if r.store not in ids
    ]
    if unknown:
        raise TillTotalsError(filename, unknown)
    by_store: dict[int, list[dt.date]] = defaultdict(list)
    for row in rows:
        by_store[ids[row.store]].append(row.day)
    replaced = 0
    for store_id, days in by_store.items():
        for start in range(0, len(days), CHUNK):
            chunk = days[start : start + CHUNK]
            where = (till_totals.c.store_id == store_id, till_totals.c.day.in_(chunk))
            replaced += int(conn.scalar(select(func.count()).select_from(till_totals).where(*where)) or 0)
            conn.execute(delete(till_totals).where(*where))
    conn.execute(
        insert(till_totals),
        [
            {
                "store_id": ids[r.store],
                "day": r.day,
                "total": r.total,
                "source": filename[:255],
                "imported_at": now,
            }
            for r in rows
        ],
    )
    days_seen = [r.day for r in rows]
    return TillImport(len(rows), replaced, len(by_store), min(days_seen), max(days_seen))


def import_till_totals(conn: Connection, filename: str, content: bytes, now: dt.datetime) -> TillImport:
    """Read and store a till totals file (the CLI and the job call this); the caller commits."""
    return store_till_totals(conn, read_till_totals(filename, content), now)


@dataclass(frozen=True)
class TillCoverage:
    rows: int
    stores: int
    first_day: dt.date | None
    last_day: dt.date | None
    imported_at: dt.datetime | None


def till_coverage(conn: Connection) -> TillCoverage:
    """What the till totals cover: how many store-days and stores, from when to when, and the
    last import."""
    rows, stores, first, last, imported = conn.execute(
        select(
            func.count(),
            func.count(func.distinct(till_totals.c.store_id)),
            func.min(till_totals.c.day),
            func.max(till_totals.c.day),
            func.max(till_totals.c.imported_at),
        )
    ).one()
    return TillCoverage(int(rows), int(stores), first, last, imported)
