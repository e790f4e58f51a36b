"""The requirements import as a job: an uploaded XLSX/CSV is read (within the intake's limits)
and stored by the job worker, not in the request that uploaded it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gap_analysis.errors import GapAnalysisError
from gap_analysis.intake import IntakeError, read_requirements
from workbench.jobs.models import Job
from workbench.jobs.service import JobRefused, Outcome, Progress
from workbench.projects import service as projects
from workbench.requirements import service


def import_requirements(session: Session, job: Job, progress: Progress) -> Outcome:
    """Read the job's upload and import its rows into the job's project (all or nothing: every
    problem of the file, by line and column, is the job's message then)."""
    name = job.upload_name or "upload"
    try:
        project = projects.get_project(session, job.payload["project"])
    except projects.ProjectError as error:
        raise JobRefused(str(error)) from None
    progress(10, f"reading {name}")
    try:
        rows = read_requirements(job.upload or b"", name)
    except IntakeError as error:
        raise JobRefused(str(error)) from None
    progress(60, f"{name}: {len(rows)} row(s) read; storing them")
    try:
        summary = service.import_rows(session, project, rows, actor=job.created_by, source=name)
    except GapAnalysisError as error:
        raise JobRefused(str(error)) from None
    session.flush()
    return Outcome(
        f"{name}: {len(summary.created)} requirement(s) created, {len(summary.updated)} updated",
        result={"created": len(summary.created), "updated": len(summary.updated)},
    )
