"""The BPMN import as a job: parsing, validating and laying out a large file (seconds for a few
thousand elements) runs on the job worker, not in the request that uploaded it."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from sqlalchemy.orm import Session

from process_models.bpmn.safety import BpmnError
from workbench.jobs.models import Job
from workbench.jobs.service import JobRefused, Outcome, Progress
from workbench.processes import service
from workbench.projects.service import ProjectError, get_project


def import_bpmn(session: Session, job: Job, progress: Progress) -> Outcome:
    """Import every process of the uploaded file into the job's project; the outcome links to the
    first model's page and lists what the import report says was not kept."""
    try:
        project = get_project(session, job.payload["project"])
        variant = service.parse_variant(job.payload["variant"])
    except (ProjectError, service.ProcessError) as error:
        raise JobRefused(str(error)) from None
    progress(10, f"reading {job.upload_name}")
    try:
        records, report = service.import_file(
            session,
            project,
            job.upload or b"",
            variant=variant,
            source=job.upload_name or "upload.bpmn",
            actor=job.created_by,
        )
    except (service.ProcessError, BpmnError) as error:
        raise JobRefused(str(error)) from None
    lines = [f"imported {len(records)} process model(s)"]
    lines += [line.strip() for line in report.summary().splitlines()[1:] if line.strip()]
    # No request here: the model page's path from the URL map (the app is served at its root).
    link = (
        current_app.url_map.bind("").build("processes.show", {"model_id": records[0].id}) if records else ""
    )
    return Outcome("\n".join(lines), link=link, result={"models": [r.id for r in records]})


def save_drawn(session: Session, job: Job, progress: Progress) -> Outcome:
    """Store the modeller's diagram (the job's upload) as the next version of the job's model;
    the outcome says the new version's validation result and opens its modeller page."""
    try:
        record = service.get_record(session, int(job.payload["model"]))
    except (service.ProcessError, KeyError, ValueError) as error:
        raise JobRefused(str(error)) from None
    progress(10, gettext("reading the diagram"))
    try:
        new = service.save_drawn(session, record, job.upload or b"", actor=job.created_by)
    except (service.ProcessError, BpmnError) as error:
        raise JobRefused(str(error)) from None
    found = service.findings(new)
    errors = sum(1 for f in found if f.severity == "error")
    lines = [
        gettext(
            "saved version %(version)s: validation found %(count)s finding(s), %(errors)s error(s)",
            version=new.version,
            count=len(found),
            errors=errors,
        )
        if found
        else gettext("saved version %(version)s: the model passes every validation rule", version=new.version)
    ]
    link = current_app.url_map.bind("").build("processes.edit", {"model_id": new.id})
    return Outcome("\n".join(lines), link=link, result={"models": [new.id]})
