from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Integer, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db
from workbench.projects.models import Project
from workbench.requirements.models import Requirement

# Which requirements a modification closes (a gap becomes a modification; one modification may
# close several gaps, and a large gap may need several modifications).
requirement_modifications = Table(
    "requirement_modifications",
    db.metadata,
    Column("requirement_id", ForeignKey("requirements.id", ondelete="CASCADE"), primary_key=True),
    Column("modification_id", ForeignKey("modifications.id", ondelete="CASCADE"), primary_key=True),
)

# "A depends on B": B must be done before A can start. The graph is kept acyclic by the service.
modification_dependencies = Table(
    "modification_dependencies",
    db.metadata,
    Column("modification_id", ForeignKey("modifications.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", ForeignKey("modifications.id", ondelete="CASCADE"), primary_key=True),
)


class Modification(db.Model):  # type: ignore[name-defined,misc]
    """One modification of the core or its surroundings, numbered MOD-n within its project."""

    __tablename__ = "modifications"
    __table_args__ = (UniqueConstraint("project_id", "number", name="uq_modifications_project_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Person-days, to a tenth of a day.
    estimate_days: Mapped[Decimal] = mapped_column(Numeric(7, 1), default=Decimal("0.0"))
    priority: Mapped[str] = mapped_column(String(8), default="should")
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")

    project: Mapped[Project] = relationship()
    requirements: Mapped[list[Requirement]] = relationship(
        secondary=requirement_modifications, order_by=Requirement.number
    )
    depends_on: Mapped[list[Modification]] = relationship(
        secondary=modification_dependencies,
        primaryjoin=lambda: Modification.id == modification_dependencies.c.modification_id,
        secondaryjoin=lambda: Modification.id == modification_dependencies.c.depends_on_id,
        order_by=lambda: Modification.number,
    )

    @property
    def ref(self) -> str:
        """MOD-3."""
        return f"MOD-{self.number}"
