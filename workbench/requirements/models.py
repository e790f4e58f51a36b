from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db
from workbench.interviews.models import Finding
from workbench.projects.models import Project


class Requirement(db.Model):  # type: ignore[name-defined,misc]
    """One requirement of the client, numbered REQ-n within its project, with its fit/gap
    classification. Vocabularies (priority, source, classification, status) are gap_analysis.enums."""

    __tablename__ = "requirements"
    __table_args__ = (UniqueConstraint("project_id", "number", name="uq_requirements_project_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[str] = mapped_column(String(8), default="should")
    process_area: Mapped[str] = mapped_column(String(120), default="")
    source_kind: Mapped[str] = mapped_column(String(8), default="typed")
    # The finding it came from; SET NULL keeps the requirement when the finding is deleted.
    source_finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("interview_findings.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # The fit/gap decision: None until classified.
    classification: Mapped[str | None] = mapped_column(String(24), nullable=True)
    capability: Mapped[str] = mapped_column(String(80), default="")
    config_key: Mapped[str] = mapped_column(String(200), default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship()
    source_finding: Mapped[Finding | None] = relationship()
    steps: Mapped[list[RequirementStep]] = relationship(
        back_populates="requirement", order_by="RequirementStep.id", cascade="all, delete-orphan"
    )

    @property
    def ref(self) -> str:
        """The requirement's id as people and scenario tags write it: REQ-7."""
        return f"REQ-{self.number}"


class RequirementStep(db.Model):  # type: ignore[name-defined,misc]
    """A requirement's link to a process step (AS-IS or TO-BE), by the process lineage and node
    id, so the link follows the step into later versions of the model (as findings do)."""

    __tablename__ = "requirement_steps"
    __table_args__ = (
        UniqueConstraint("requirement_id", "process_lineage", "node_id", name="uq_requirement_steps"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("requirements.id", ondelete="CASCADE"), index=True)
    process_lineage: Mapped[str] = mapped_column(String(32), index=True)
    node_id: Mapped[str] = mapped_column(String(200))

    requirement: Mapped[Requirement] = relationship(back_populates="steps")
