"""The jobs table: one row per background job, which pages poll for its progress and outcome."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db


class JobState(str, enum.Enum):
    queued = "queued"
    running = "running"
    finished = "finished"
    failed = "failed"

    @property
    def done(self) -> bool:
        return self in (JobState.finished, JobState.failed)


class Job(db.Model):  # type: ignore[name-defined,misc]
    """A piece of work handed to the job runner: what (`kind` + `payload`, an uploaded file in
    `upload` until it is processed), who asked, how far it is and how it ended."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300), default="")  # what pages call it
    state: Mapped[str] = mapped_column(String(12), default=JobState.queued.value, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    message: Mapped[str] = mapped_column(Text, default="")  # the outcome, or why it failed (lines)
    link: Mapped[str] = mapped_column(String(500), default="")  # where its result is read
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The uploaded file, kept only until the job has read it (the worker may be another machine).
    upload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    upload_name: Mapped[str] = mapped_column(String(255), default="")
    # A document the job built (an export), kept for its download page: bytes, file name, type.
    output: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    output_name: Mapped[str] = mapped_column(String(255), default="")
    output_type: Mapped[str] = mapped_column(String(120), default="")
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), nullable=True, index=True)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def status(self) -> JobState:
        return JobState(self.state)
