"""The rollup tables, on the product's shared metadata (so one Alembic history covers them).

`kpi_rollups` holds one `Facts` per (period unit, dimension, period, group); `cohort_rollups`
the cohort counts; `rollup_refreshes` when each (unit, dimension) was last refreshed, which is
how fresh the dashboard says it is.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, PrimaryKeyConstraint, String, Table

from loyalty_core.db import UTCDateTime, metadata

kpi_rollups = Table(
    "kpi_rollups",
    metadata,
    Column("unit", String(8), nullable=False),
    Column("dimension", String(16), nullable=False),  # 'programme' or a Dimension value
    Column("period", Integer, nullable=False),
    Column("grp", String(120), nullable=False),
    Column("purchases", BigInteger, nullable=False),
    Column("purchase_cents", BigInteger, nullable=False),
    Column("net_sales_cents", BigInteger, nullable=False),
    Column("active_members", BigInteger, nullable=False),
    Column("retained_members", BigInteger, nullable=True),
    Column("new_members", BigInteger, nullable=False),
    Column("points_issued", BigInteger, nullable=False),
    Column("points_redeemed", BigInteger, nullable=False),
    Column("points_expired", BigInteger, nullable=False),
    Column("outstanding_points", BigInteger, nullable=True),
    Column("card_covered_cents", BigInteger, nullable=False, server_default="0"),
    Column("till_cents", BigInteger, nullable=True),
    PrimaryKeyConstraint("unit", "dimension", "period", "grp", name="pk_kpi_rollups"),
)

cohort_rollups = Table(
    "cohort_rollups",
    metadata,
    Column("unit", String(8), nullable=False),
    Column("cohort", Integer, nullable=False),
    Column("period", Integer, nullable=False),
    Column("members", BigInteger, nullable=False),
    PrimaryKeyConstraint("unit", "cohort", "period", name="pk_cohort_rollups"),
)

rollup_refreshes = Table(
    "rollup_refreshes",
    metadata,
    Column("unit", String(8), nullable=False),
    Column("dimension", String(16), nullable=False),
    Column("first_period", Integer, nullable=False),
    Column("last_period", Integer, nullable=False),
    Column("refreshed_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("unit", "dimension", name="pk_rollup_refreshes"),
)
