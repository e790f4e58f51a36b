from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import Base, UTCDateTime, utcnow


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    direction: Mapped[str] = mapped_column(String(16))
    # sha256 of the key: keys are 256-bit random tokens, so a fast hash is enough and keeps
    # authentication off the hot path's critical time (passwords use a slow hash instead).
    api_key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    api_key_prefix: Mapped[str] = mapped_column(String(16), default="")
    active_version_id: Mapped[int | None] = mapped_column(ForeignKey("config_versions.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    active_version: Mapped[ConfigVersion | None] = relationship(lazy="select")


class StoreAssignment(Base):
    """From which moment a store ran which version: what an offline receipt is computed under."""

    __tablename__ = "store_assignments"
    __table_args__ = (Index("ix_store_assignments_store_from", "store_id", "from_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    config_version_id: Mapped[int] = mapped_column(ForeignKey("config_versions.id"))
    from_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
