"""What a page's export route does once it has checked the request: start the export's job and
send the user to the job's page, which shows its progress and then offers the download
(`jobs.download`, which checks the same role and project membership again)."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from workbench.exports.service import JOB_KIND, export_named
from workbench.extensions import db
from workbench.jobs.queue import start
from workbench.projects.models import Project


def start_export(name: str, title: str, params: dict[str, Any], project_key: str | None = None) -> Response:
    """Start export `name` with `params` (JSON) for the signed-in user, as a job of the project
    `project_key` (whose members alone may download it); a 303 to its job page."""
    # The export links are plain links (GET, no CSRF token): a request another site made the
    # browser send is refused, so no page elsewhere can start jobs in a signed-in user's name.
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403)
    export = export_named(name)
    if export.roles and not current_user.has_role(*export.roles):
        abort(403)
    job_id = start(
        JOB_KIND,
        actor=current_user.username,
        title=title,
        payload={
            "export": name,
            "params": params,
            "locale": str(get_locale() or ""),
            "roles": [role.value for role in export.roles],
        },
        project_id=db.session.scalar(select(Project.id).where(Project.key == project_key))
        if project_key
        else None,
    )
    return redirect(url_for("jobs.show", job_id=job_id), 303)
