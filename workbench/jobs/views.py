"""A job's page (progress while it runs, then its outcome and a link to the result) and the
same as JSON for scripts that poll. A user reads their own jobs; an admin reads every job."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from loyalty_core.db import utcnow
from workbench.auth.access import any_role
from workbench.auth.enums import Role
from workbench.extensions import db
from workbench.jobs import service
from workbench.jobs.models import Job, JobState
from workbench.projects.access import require_member
from workbench.projects.models import Project

bp = Blueprint("jobs", __name__)


def _own_job(job_id: int) -> Job:
    try:
        job = service.get_job(db.session(), job_id)
    except service.JobNotFound:
        abort(404)
    if job.created_by != current_user.username and not current_user.has_role(Role.admin):
        abort(404)  # not 403: whether another user's job exists is not said either
    return job


@bp.get("/jobs/<int:job_id>")
@any_role()
def show(job_id: int) -> str | WerkzeugResponse:
    """The job's progress; once it ended, a job started with payload["forward"] (an import that
    opens on its result) flashes its message and goes on to its link instead."""
    job = _own_job(job_id)
    if job.status.done and job.link and job.payload.get("forward"):
        lines = job.message.splitlines() or [""]
        failed = job.state == JobState.failed.value
        flash(lines[0], "error" if failed else "info")
        for line in lines[1:]:
            flash(line, "error" if failed else "problem")
        return redirect(job.link)
    waiting = (utcnow() - job.created_at).total_seconds() // 60 if job.state == JobState.queued.value else 0
    return render_template("jobs/show.html", job=job, waiting_minutes=int(waiting))


@bp.get("/jobs/<int:job_id>.json")
@any_role()
def show_json(job_id: int) -> dict[str, object]:
    job = _own_job(job_id)
    return {
        "id": job.id,
        "kind": job.kind,
        "title": job.title,
        "state": job.state,
        "progress": job.progress,
        "message": job.message,
        "link": job.link,
        "result": job.result,
        "created_by": job.created_by,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


@bp.get("/jobs")
@any_role()
def index() -> str:
    actor = None if current_user.has_role(Role.admin) else current_user.username
    return render_template("jobs/index.html", jobs=service.recent_jobs(db.session(), actor=actor))


@bp.get("/jobs/<int:job_id>/download")
@any_role()
def download(job_id: int) -> Response:
    """The document an export job built: for its starter (or an admin) who still holds the
    export's role and is a member of its project, the same checks as the page that started it."""
    job = _own_job(job_id)
    if job.state != JobState.finished.value or job.output is None:
        abort(404)
    roles = [Role(role) for role in job.payload.get("roles", [])]
    if roles and not current_user.has_role(*roles):
        abort(403)
    if job.project_id is not None:
        project = db.session.get(Project, job.project_id)
        if project is None:
            abort(404)
        require_member(project)
    ascii_name = job.output_name.encode("ascii", "replace").decode().replace('"', "'")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(job.output_name)}"
    return Response(job.output, mimetype=job.output_type, headers={"Content-Disposition": disposition})
