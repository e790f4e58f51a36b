"""Document downloads: a project's AS-IS and TO-BE descriptions."""

from __future__ import annotations

from flask import Blueprint, abort
from werkzeug.wrappers import Response as WerkzeugResponse

from process_models.enums import Variant
from workbench.auth.access import any_role
from workbench.documents.description import title_of
from workbench.exports.views import start_export
from workbench.extensions import db
from workbench.projects.service import ProjectError, get_project

bp = Blueprint("documents", __name__)


@bp.get("/projects/<key>/documents/<variant>.docx")
@any_role()
def description(key: str, variant: str) -> WerkzeugResponse:
    try:
        project = get_project(db.session(), key)
        chosen = Variant(variant)
    except (ProjectError, ValueError):
        abort(404)
    # Built on the job runner (and audited there); the job page offers the download.
    title = f"{project.key} {title_of(chosen)}"
    return start_export("description", title, {"project": project.key, "variant": chosen.value}, project.key)
