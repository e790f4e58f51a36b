from __future__ import annotations

from flask import Blueprint, render_template, request

from workbench.audit import service
from workbench.auth.access import roles_required
from workbench.auth.enums import Role
from workbench.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 50


@bp.get("/")
@roles_required(Role.approver, Role.rollout_manager)
def index() -> str:
    page = max(1, request.args.get("page", 1, type=int) or 1)
    action = request.args.get("action") or None
    actor = request.args.get("actor") or None
    rows = service.entries(db.session, action=action, actor=actor, limit=PAGE + 1, offset=(page - 1) * PAGE)
    return render_template(
        "audit/index.html", entries=rows[:PAGE], page=page, has_next=len(rows) > PAGE, action=action, actor=actor
    )
