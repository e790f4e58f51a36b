"""Stores as the core knows them: a code, a direction, an API key, where the store is (its time
zone drives scheduled switches) and which configuration version it runs, by date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import Base, UTCDateTime, utcnow

DEFAULT_TIMEZONE = "Europe/Moscow"


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    direction: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # IANA zone: a wave's "03:00" is 03:00 in this zone.
    timezone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_TIMEZONE, server_default=DEFAULT_TIMEZONE
    )
    format: Mapped[str] = mapped_column(String(60), default="", server_default="")
    opened_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    # sha256 of the key: keys are 256-bit random tokens, so a fast hash is enough and keeps
    # authentication off the hot path's critical time (passwords use a slow hash instead).
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    api_key_prefix: Mapped[str] = mapped_column(String(16), default="")
    # The version assigned outside any dated assignment (and the fallback when a store has none):
    # the POS runs the newest assignment in force, else this one.
    active_version_id: Mapped[int | None] = mapped_column(ForeignKey("config_versions.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    active_version: Mapped[ConfigVersion | None] = relationship(lazy="select")


class VersionAssignment(Base):
    """ "Store S runs version V from moment T (UTC)". The version in force at a moment is the
    newest assignment not cancelled whose moment has come, so a switch scheduled for 03:00 local
    happens at 03:00 whatever runs or restarts in between: no job has to fire on time."""

    __tablename__ = "store_version_assignments"
    # The POS's look-up on every request ("newest assignment of store S in force at T, not called
    # off"): a partial index in exactly that order, carrying the version, so PostgreSQL reads one
    # entry per store backwards (an index-only top-1) instead of sorting the store's history.
    __table_args__ = (
        Index(
            "ix_store_version_assignments_in_force",
            "store_id",
            "effective_at",
            "id",
            postgresql_include=["version_id"],
            postgresql_where=text("cancelled_at IS NULL"),
            sqlite_where=text("cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("config_versions.id"))
    effective_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Who asked: "manual", "rollout plan 3 wave 2", "rollback of plan 3" (for people, not logic).
    source: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A scheduled switch called off before its moment (halt, rollback): kept for the record.
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
