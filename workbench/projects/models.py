from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.db import UTCDateTime, utcnow
from workbench.auth.models import User
from workbench.extensions import db


class Project(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    client: Mapped[str] = mapped_column(String(200), default="")
    directions: Mapped[list[str]] = mapped_column(JSON, default=list)
    stage: Mapped[int] = mapped_column(Integer, default=1)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by every flush that changes the project's deliverables (workbench/signoff/changes.py),
    # so an open sign-off package knows without re-reading everything that nothing changed.
    content_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ProjectMember(db.Model):  # type: ignore[name-defined,misc]
    """A user who may open a project; only members (and admins) see or change it."""

    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id", name="uq_project_members_project_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # a ProjectRole value
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(80), default="")

    user: Mapped[User] = relationship(lazy="joined")
