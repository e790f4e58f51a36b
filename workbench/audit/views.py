"""The audit page: read-only, newest first, filtered by action and actor."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from workbench.audit import service
from workbench.audit.forms import AuditFilterForm
from workbench.auth.access import roles_required
from workbench.auth.enums import Role
from workbench.extensions import db
from workbench.query_params import page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50


@bp.get("/")
@roles_required(Role.approver, Role.rollout_manager)  # and admin, who passes every check
def index() -> str:
    """One page of the audit log."""
    form = AuditFilterForm(request.args)
    action = (form.action.data or "").strip() or None
    actor = (form.actor.data or "").strip() or None
    page = page_number()  # bounded: a 20-digit page made the database refuse the offset
    result = service.entries(db.session(), action=action, actor=actor, page=page, per_page=PER_PAGE)
    return render_template(
        "audit/index.html",
        form=form,
        result=result,
        action=action,
        actor=actor,
        actions=service.actions(db.session()),
    )
