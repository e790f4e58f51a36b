"""`till_totals`: one row per store and day, the till's total sales (card and non-card, net of
returns) as the client's back office reports them. On the product's shared metadata, so one
Alembic history covers it."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, Numeric, PrimaryKeyConstraint, String, Table

from loyalty_core.db import UTCDateTime, metadata

till_totals = Table(
    "till_totals",
    metadata,
    Column("store_id", Integer, ForeignKey("stores.id"), nullable=False),
    Column("day", Date, nullable=False),  # the day as the till reports it (matched to UTC days)
    Column("total", Numeric(14, 2), nullable=False),
    Column("source", String(255), nullable=False, default=""),  # the file it came from
    Column("imported_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("store_id", "day", name="pk_till_totals"),
)
