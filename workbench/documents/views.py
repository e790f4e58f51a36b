"""Document downloads: a project's AS-IS and TO-BE descriptions."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app
from flask_login import current_user

from process_models.enums import Variant
from workbench.auth.access import any_role
from workbench.documents import service
from workbench.documents.description import title_of
from workbench.extensions import db
from workbench.projects.service import ProjectError, get_project

bp = Blueprint("documents", __name__)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.get("/projects/<key>/documents/<variant>.docx")
@any_role()
def description(key: str, variant: str) -> Response:
    try:
        project = get_project(db.session(), key)
        chosen = Variant(variant)
    except (ProjectError, ValueError):
        abort(404)
    data = service.export_description(
        db.session(),
        project,
        chosen,
        actor=current_user.username,
        timezone=current_app.config.get("DISPLAY_TIMEZONE") or "Europe/Moscow",
    )
    db.session.commit()  # the audit entry of the export
    filename = f"{project.key} {title_of(chosen)}.docx"
    return Response(
        data,
        mimetype=DOCX_MIMETYPE,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
