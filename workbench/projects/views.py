"""Project pages: the list of a workbench's clients and one project's process models."""

from __future__ import annotations

from flask_babel import gettext

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.extensions import db
from workbench.processes import service as processes
from workbench.processes.forms import ImportForm
from workbench.projects import service
from workbench.projects.enums import Stage
from workbench.projects.forms import ProjectForm
from workbench.i18n.errors import error_message

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("/")
@any_role()
def index() -> str:
    return render_template(
        "projects/index.html", projects=service.list_projects(db.session()), Stage=Stage, form=ProjectForm()
    )


@bp.post("/")
@roles_required(Role.consultant)
def create() -> WerkzeugResponse:
    form = ProjectForm()
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            flash(f"{field}: {'; '.join(errors)}", "error")
        return redirect(url_for("projects.index"))
    try:
        project = service.create_project(
            db.session(), form.key.data or "", form.name.data or "", actor=current_user.username,
            client=form.client.data or "", directions=list(form.directions.data or []),
            stage=Stage(int(form.stage.data or 1)), description=form.description.data or "",
        )
        db.session.commit()
    except service.ProjectError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("projects.index"))
    flash(gettext("project %(key)s created", key=project.key), "info")
    return redirect(url_for("projects.project", key=project.key))


@bp.get("/<key>")
@any_role()
def project(key: str) -> str:
    try:
        item = service.get_project(db.session(), key)
    except service.ProjectError:
        abort(404)
    return render_template(
        "projects/project.html",
        project=item,
        Stage=Stage,
        models=processes.project_models(db.session(), item),
        form=ImportForm(),
    )


def project_or_404(key: str) -> service.Project:
    """The project with `key`, or a 404 page (for the views of every project section)."""
    try:
        return service.get_project(db.session(), key)
    except service.ProjectError:
        abort(404)
