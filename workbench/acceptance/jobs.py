"""Acceptance work on the job runner: a run of the scenarios (behave in its own process, its
progress committed scenario by scenario for the run's page) and an import of feature files."""

from __future__ import annotations

import base64

from sqlalchemy.orm import Session

from workbench.acceptance import gherkin, service
from workbench.acceptance.enums import RunStatus
from workbench.acceptance.models import Run
from workbench.jobs.models import Job
from workbench.jobs.service import JobRefused, Outcome, Progress
from workbench.projects import service as projects


def run_scenarios(session: Session, job: Job, progress: Progress) -> Outcome:
    """Execute the queued run `job.payload["run_id"]` (service.execute_run turns any failure of
    behave into an error run, so the job ends either way and says how the run ended)."""
    run = session.get(Run, job.payload["run_id"])
    if run is None:
        raise JobRefused(f"run {job.payload['run_id']} no longer exists")

    def on_progress(item: Run, _label: str) -> None:
        progress(100 * item.done // max(item.total, 1), f"{item.done}/{item.total} scenarios")

    run = service.execute_run(session, run, on_progress=on_progress)
    if run.status == RunStatus.error.value:
        session.commit()  # the run's own record of why it ended, before the job fails
        raise JobRefused(f"run {run.id} against {run.config_label} could not complete: {run.output[-2000:]}")
    return Outcome(
        f"run {run.id} against {run.config_label}: {run.summary}",
        result={"run": run.id, "passed": run.passed, "failed": run.failed},
    )


def import_features(session: Session, job: Job, progress: Progress) -> Outcome:
    """Check every uploaded `.feature` file and store them all, or none (each bad file is named
    with its line in the message)."""
    try:
        project = projects.get_project(session, job.payload["project"])
    except projects.ProjectError as error:
        raise JobRefused(str(error)) from None
    files = [(name, base64.b64decode(data)) for name, data in job.payload.get("files", [])]
    progress(10, f"checking {len(files)} file(s)")
    try:
        features = service.import_features(session, project, files, actor=job.created_by)
    except (service.AcceptanceError, gherkin.GherkinError) as error:
        raise JobRefused(str(error)) from None
    return Outcome(f"imported {len(features)} feature file(s)", result={"files": len(features)})
