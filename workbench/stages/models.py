"""A stage's checkpoint record: who closed it, when, and the hash of its deliverables then."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db


class Checkpoint(db.Model):  # type: ignore[name-defined,misc]
    """One closing of one stage. A stage closed again gets a new row; the newest counts."""

    __tablename__ = "stage_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    closed_by: Mapped[str] = mapped_column(String(80))
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Item key -> item hash at closing, so "changed since closed" can name what changed.
    item_hashes: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
