"""The audit page: read-only, newest first, filtered by actor, action, object and date; and its
export (CSV) with the same filters."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from workbench.audit import service
from workbench.audit.details import readable
from workbench.audit.forms import AuditFilterForm
from workbench.auth.access import roles_required
from workbench.auth.enums import Role
from workbench.extensions import db
from workbench.query_params import page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50


def _zone_name() -> str:
    return str(current_app.config.get("DISPLAY_TIMEZONE") or "Europe/Moscow")


def _local_midnight_utc(day: dt.date | None, *, next_day: bool = False) -> dt.datetime | None:
    """The reader's local day as a UTC bound: its start, or the start of the day after."""
    if day is None:
        return None
    if next_day:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=zoneinfo.ZoneInfo(_zone_name())).astimezone(dt.UTC)


def _filters(form: AuditFilterForm) -> service.AuditFilter:
    """The filters of the query string; a bad field answers 400 naming it."""
    if not form.validate():
        field, errors = next(iter(form.errors.items()))
        abort(400, description=f"{getattr(form, field).label.text}: {'; '.join(map(str, errors))}")
    return service.AuditFilter(
        action=(form.action.data or "").strip() or None,
        actor=(form.actor.data or "").strip() or None,
        target=(form.target.data or "").strip() or None,
        since=_local_midnight_utc(form.date_from.data),
        before=_local_midnight_utc(form.date_to.data, next_day=True),
    )


def _query_args() -> dict[str, Any]:
    """The filters as URL arguments, for the pager and the export link."""
    names = ("action", "actor", "target", "date_from", "date_to")
    return {name: request.args[name] for name in names if request.args.get(name)}


@bp.get("/")
@roles_required(Role.approver, Role.rollout_manager)  # and admin, who passes every check
def index() -> str:
    """One page of the audit log."""
    form = AuditFilterForm(request.args)
    filters = _filters(form)
    page = page_number()  # bounded: a 20-digit page made the database refuse the offset
    result = service.entries(db.session(), page=page, per_page=PER_PAGE, filters=filters)
    return render_template(
        "audit/index.html",
        form=form,
        result=result,
        args=_query_args(),
        actions=service.actions(db.session()),
        actors=service.actors(db.session()),
        readable=readable,
    )


@bp.get("/export.csv")
@roles_required(Role.approver, Role.rollout_manager)
def export() -> Response:
    """The filtered log as a CSV file (at most service.EXPORT_LIMIT rows, newest first)."""
    filters = _filters(AuditFilterForm(request.args))
    data = service.export_csv(db.session(), filters, actor=current_user.username, timezone=_zone_name())
    filename = f"audit-log-{dt.date.today().isoformat()}.csv"
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
