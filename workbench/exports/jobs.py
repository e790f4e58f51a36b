"""The export job: build the document the page asked for and keep it on the job row for its
download (the worker may be another machine; the database is what both share)."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from workbench.exports import service
from workbench.jobs.models import Job
from workbench.jobs.service import JobRefused, Outcome, Progress


def build_document(session: Session, job: Job, progress: Progress) -> Outcome:
    """Build `job.payload["export"]` with its params, in the language of the page that asked."""
    name, params = job.payload.get("export", ""), job.payload.get("params", {})
    progress(10, f"building {job.title}")
    # A request context of its own: the document's strings follow the requester's language, and
    # url_for builds the download's path (the app is served at its root).
    locale = job.payload.get("locale") or current_app.config.get("BABEL_DEFAULT_LOCALE") or "ru"
    with current_app.test_request_context(), force_locale(locale):
        try:
            built = service.build(session, name, params, job.created_by)
        except service.ExportRefused as refusal:
            raise JobRefused(str(refusal)) from None
        download = url_for("jobs.download", job_id=job.id)
        message = gettext("%(filename)s is ready to download", filename=built.filename)
    job.output, job.output_name, job.output_type = built.data, built.filename[:255], built.mimetype
    return Outcome(
        message, result={"download": download, "filename": built.filename, "bytes": len(built.data)}
    )
