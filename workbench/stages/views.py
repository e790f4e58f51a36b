"""The stage board page of a project, and closing a stage (consultants)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.extensions import db
from workbench.forms import commit_change
from workbench.projects.views import project_or_404
from workbench.stages import service

bp = Blueprint("stages", __name__, url_prefix="/projects")


@bp.get("/<key>/stages")
@any_role()
def board(key: str) -> str:
    project = project_or_404(key)
    return render_template("stages/board.html", project=project, stages=service.board(db.session(), project))


@bp.post("/<key>/stages/<int:stage>/close")
@roles_required(Role.consultant)
def close(key: str, stage: int) -> WerkzeugResponse:
    project = project_or_404(key)

    def change() -> str:
        checkpoint = service.close_stage(db.session(), project, stage, actor=current_user.username)
        return _("Stage %(stage)s closed (sha256 %(hash)s)", stage=stage, hash=checkpoint.content_hash[:12])

    commit_change(change, refusals=(service.StageError,))
    return redirect(url_for("stages.board", key=project.key))
