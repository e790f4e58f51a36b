"""The in-app inbox: what the workbench told me (kept whether or not it was also emailed)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from workbench.auth.access import any_role
from workbench.extensions import db
from workbench.notifications import service

bp = Blueprint("notifications", __name__, url_prefix="/inbox")


@bp.get("/")
@any_role()
def inbox() -> str:
    messages = service.inbox(db.session(), current_user.username)
    page = render_template("notifications/inbox.html", messages=messages)
    service.mark_read(db.session(), current_user.username)  # shown once as unread
    db.session.commit()
    return page


@bp.app_context_processor
def unread() -> dict[str, int]:
    """The unread count beside the Inbox link of every page."""
    if not current_user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": service.unread_count(db.session(), current_user.username)}
