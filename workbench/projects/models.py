from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from loyalty_core.db import UTCDateTime, utcnow
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
