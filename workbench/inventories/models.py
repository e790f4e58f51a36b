from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db
from workbench.projects.models import Project


class InventoryItem(db.Model):  # type: ignore[name-defined,misc]
    """One entry of a stage-1 inventory, AS-IS or TO-BE. An integration joins two systems of the
    same project and variant, named in `source` and `target` (the landscape diagram's arrows)."""

    __tablename__ = "inventory_items"
    __table_args__ = (Index("ix_inventory_items_project_variant", "project_id", "variant", "category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    category: Mapped[str] = mapped_column(String(16))
    variant: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    target: Mapped[str] = mapped_column(String(200), default="")
    transport: Mapped[str] = mapped_column(String(200), default="")
    frequency: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")

    project: Mapped[Project] = relationship()
