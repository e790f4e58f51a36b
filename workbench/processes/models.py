from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db
from workbench.projects.models import Project


class ProcessRecord(db.Model):  # type: ignore[name-defined,misc]
    """One version of one process model. Versions of the same process share a `lineage`;
    a change never edits a row, it adds the next version (the history is the rows)."""

    __tablename__ = "process_models"
    __table_args__ = (Index("ix_process_models_lineage_version", "lineage", "version", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    lineage: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    variant: Mapped[str] = mapped_column(String(8))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_name: Mapped[str] = mapped_column(String(255), default="")
    import_report: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    change_note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")

    project: Mapped[Project] = relationship()


class ProcessStepLink(db.Model):  # type: ignore[name-defined,misc]
    """A consultant's record, kept with a TO-BE version: its steps `after_steps` replace the AS-IS
    steps `before_steps` (node ids). The comparison pairs them (stage 2); later versions of the
    same TO-BE inherit the links of earlier ones. One side may be empty: the other side's steps
    are new (or dropped) on purpose, and `note` says why."""

    __tablename__ = "process_step_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("process_models.id"), index=True)
    # The AS-IS version the link was recorded against (its lineage is the TO-BE's counterpart).
    before_record_id: Mapped[int] = mapped_column(ForeignKey("process_models.id"))
    before_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    after_steps: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")

    record: Mapped[ProcessRecord] = relationship(foreign_keys=[record_id])
    before_record: Mapped[ProcessRecord] = relationship(foreign_keys=[before_record_id])
