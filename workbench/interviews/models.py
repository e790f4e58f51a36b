from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db
from workbench.projects.models import Project


class Interview(db.Model):  # type: ignore[name-defined,misc]
    """A conversation with one stakeholder of the client, with the consultants' notes."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    stakeholder: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    department: Mapped[str] = mapped_column(String(200), default="")
    held_on: Mapped[dt.date] = mapped_column(Date)
    participants: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")

    project: Mapped[Project] = relationship()
    findings: Mapped[list[Finding]] = relationship(
        back_populates="interview", order_by="Finding.id", cascade="all, delete-orphan"
    )


class Finding(db.Model):  # type: ignore[name-defined,misc]
    """One thing learnt in an interview. It may point at a process step: the step is named by the
    process's lineage (stable across versions) and the node id, so it survives later edits."""

    __tablename__ = "interview_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    process_lineage: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    node_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")

    interview: Mapped[Interview] = relationship(back_populates="findings")
