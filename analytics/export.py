"""CSV exports for BI tools, streamed: rows go from a server-side cursor (PostgreSQL) or the
SQLite cursor straight to the file in chunks, so a million rows never sit in memory at once.

Members are exported without phone, email or name (personal data stays in the workbench); the
member id links them to the transactions.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from sqlalchemy import Select, select
from sqlalchemy.engine import Connection

from analytics.kpi.definitions import KPIS
from analytics.kpi.report import KPIReport
from loyalty_core.config.models import ConfigVersion
from loyalty_core.ledger.models import Member, Transaction
from loyalty_core.money import money_str
from loyalty_core.stores.models import Store

CHUNK = 5_000

TRANSACTION_COLUMNS = [
    "transaction_id",
    "created_at_utc",
    "kind",
    "member_id",
    "store",
    "direction",
    "configuration",
    "tier",
    "check_total",
    "redeemed_points",
    "redeemed_value",
    "earned_points",
    "points_delta",
]
MEMBER_COLUMNS = ["member_id", "enrolled_at_utc", "enrolled_store", "birth_year"]


def _transactions() -> Select[Any]:
    return (
        select(
            Transaction.id,
            Transaction.created_at,
            Transaction.kind,
            Transaction.member_id,
            Store.code,
            Store.direction,
            ConfigVersion.label,
            Transaction.tier,
            Transaction.check_total,
            Transaction.redeemed_points,
            Transaction.redeemed_value,
            Transaction.earned_points,
            Transaction.points_delta,
        )
        .outerjoin(Store, Store.id == Transaction.store_id)
        .outerjoin(ConfigVersion, ConfigVersion.id == Transaction.config_version_id)
        .order_by(Transaction.created_at, Transaction.id)
    )


def transaction_rows(conn: Connection) -> Iterator[list[Any]]:
    for row in conn.execution_options(yield_per=CHUNK).execute(_transactions()):
        (
            txn_id,
            created,
            kind,
            member,
            store,
            direction,
            label,
            tier,
            total,
            r_points,
            r_value,
            earned,
            delta,
        ) = row
        yield [
            str(txn_id),
            created.isoformat(),
            kind,
            str(member),
            store or "",
            direction or "",
            label or "",
            tier or "",
            money_str(total),
            r_points,
            money_str(r_value),
            earned,
            delta,
        ]


def member_rows(conn: Connection) -> Iterator[list[Any]]:
    query = (
        select(Member.id, Member.enrolled_at, Store.code, Member.birthday)
        .outerjoin(Store, Store.id == Member.enrolled_store_id)
        .order_by(Member.enrolled_at, Member.id)
    )
    for member_id, enrolled, store, birthday in conn.execution_options(yield_per=CHUNK).execute(query):
        yield [str(member_id), enrolled.isoformat(), store or "", birthday.year if birthday else ""]


def kpi_columns() -> list[str]:
    return ["period_start", "group", *KPIS]


def kpi_rows(report: KPIReport) -> Iterator[list[Any]]:
    for row in report.rows:
        yield [row.period.isoformat(), row.group, *("" if v is None else str(v) for v in row.values.values())]


def write_csv(handle: TextIO, header: list[str], rows: Iterable[list[Any]]) -> int:
    """Write `header` and `rows` to `handle` chunk by chunk; returns the number of rows."""
    writer = csv.writer(handle)
    writer.writerow(header)
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            writer.writerows(chunk)
            count += len(chunk)
            chunk.clear()
    writer.writerows(chunk)
    return count + len(chunk)
