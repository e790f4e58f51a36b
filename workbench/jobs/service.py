"""Jobs as rows: submit one (the caller commits, then the queue hands its id to huey), run one in
the worker (state, progress and outcome committed as it goes), read them for the pages.

A handler (see workbench.jobs.kinds) gets the session, the job and a `progress(percent, text)`
callback, and returns an Outcome; it raises JobRefused when the input is refused (the message is
what the user reads). Anything else it raises fails the job with the error named, never leaving
it "running". `progress` commits the session: a handler calls it only before it changes data,
or where what it changed may be seen (an acceptance run's progress).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.db import utcnow
from workbench.audit import service as audit
from workbench.jobs.models import Job, JobState

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 20_000

Progress = Callable[[int, str], None]


class JobRefused(Exception):
    """The job's input was refused (a bad file, a missing project): its message is shown as is."""


class JobNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Outcome:
    """How a job ended well: a message (lines), where its result is read, figures for scripts."""

    message: str
    link: str = ""
    result: dict[str, Any] = field(default_factory=dict)


class Handler(Protocol):
    def __call__(self, session: Session, job: Job, progress: Progress) -> Outcome: ...


def submit(
    session: Session,
    kind: str,
    *,
    actor: str,
    title: str,
    payload: dict[str, Any] | None = None,
    upload: bytes | None = None,
    upload_name: str = "",
    link: str = "",
    project_id: int | None = None,
) -> Job:
    """A queued job (flushed, audited); the caller commits, then enqueues its id."""
    from workbench.jobs.kinds import KINDS

    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    job = Job(
        kind=kind,
        title=title[:300],
        payload=payload or {},
        upload=upload,
        upload_name=upload_name[:255],
        link=link,
        project_id=project_id,
        created_by=actor,
        state=JobState.queued.value,
    )
    session.add(job)
    session.flush()
    audit.record(session, actor, "job.submit", "job", job.id, {"kind": kind, "title": job.title})
    return job


def execute(session: Session, job_id: int) -> Job | None:
    """Run a queued job to its end (the worker calls this); None when there is no such queued job
    (huey delivered it twice, or the row is gone): a job runs at most once."""
    from workbench.jobs.kinds import handler_for

    job = session.scalar(select(Job).where(Job.id == job_id, Job.state == JobState.queued.value))
    if job is None:
        return None
    kind = job.kind
    job.state, job.started_at, job.progress = JobState.running.value, utcnow(), 0
    session.commit()

    def progress(percent: int, text: str = "") -> None:
        job.progress = max(0, min(100, percent))
        if text:
            job.message = text[:MAX_MESSAGE_CHARS]
        session.commit()

    try:
        outcome = handler_for(kind)(session, job, progress)
    except JobRefused as refusal:
        session.rollback()
        return _end(session, job_id, JobState.failed, str(refusal))
    except Exception as error:  # noqa: BLE001 - whatever broke, the job must not stay "running"
        logger.exception("job %s (%s) failed", job_id, kind)
        session.rollback()
        return _end(session, job_id, JobState.failed, f"the job could not complete: {error!r}")
    return _end(session, job_id, JobState.finished, outcome.message, outcome)


def _end(session: Session, job_id: int, state: JobState, message: str, outcome: Outcome | None = None) -> Job:
    job = session.get(Job, job_id)
    assert job is not None  # it was there when the job started, and jobs are never deleted
    job.state, job.finished_at, job.message = state.value, utcnow(), message[:MAX_MESSAGE_CHARS]
    job.upload = None  # read: the uploaded bytes are not kept
    if outcome is not None:
        job.progress, job.result = 100, outcome.result
        job.link = outcome.link or job.link
    audit.record(
        session,
        job.created_by or "system",
        f"job.{state.value}",
        "job",
        job.id,
        {"kind": job.kind, "message": job.message[:300]},
    )
    session.commit()
    return job


def interrupt_running(session: Session) -> int:
    """Mark jobs left "running" by a worker that stopped mid-job as failed, saying so (the worker
    calls this as it starts; the queue delivers a job once, so nothing would finish them)."""
    stale = list(session.scalars(select(Job).where(Job.state == JobState.running.value)))
    for job in stale:
        job.state, job.finished_at = JobState.failed.value, utcnow()
        job.message = "interrupted: the job worker stopped while this job ran; start it again"
        job.upload = None
        audit.record(session, "system", "job.interrupt", "job", job.id, {"kind": job.kind})
    session.flush()
    return len(stale)


def get_job(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise JobNotFound(f"no job {job_id}")
    return job


def recent_jobs(session: Session, *, actor: str | None = None, limit: int = 50) -> list[Job]:
    """The newest jobs (of `actor` when given), newest first."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if actor is not None:
        query = query.where(Job.created_by == actor)
    return list(session.scalars(query))
