"""Project pages: the list of a workbench's clients and one project's process models."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from workbench.auth.access import any_role
from workbench.extensions import db
from workbench.processes import service as processes
from workbench.processes.forms import ImportForm
from workbench.projects import service
from workbench.projects.enums import Stage

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("/")
@any_role()
def index() -> str:
    return render_template("projects/index.html", projects=service.list_projects(db.session()), Stage=Stage)


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
