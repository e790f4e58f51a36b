"""Rollout pages (thin: parse, call `workbench.rollout.service`, render). Everyone signed in reads;
rollout managers drive; approvers override; every change is audited by the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from loyalty_core.config import service as config_service
from loyalty_core.errors import LoyaltyError
from rollout import listing, readiness
from rollout import service as rollout
from rollout.errors import RolloutError
from rollout.models import RolloutPlan
from rollout.schedule import parse_local
from rollout.status import plan_rows, plan_summary
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.exports.views import start_export
from workbench.extensions import db
from workbench.forms import commit_change, select_choices
from workbench.projects import members
from workbench.projects.access import require_member
from workbench.rollout import forms, service

bp = Blueprint("rollout", __name__, url_prefix="/rollout")
REFUSALS = (RolloutError, LoyaltyError)


def _commit(change: Callable[[], str], form: object | None = None) -> bool:
    """One form post through the shared unit of work; a refusal also lists its problems."""
    return commit_change(change, refusals=REFUSALS, form=form, with_problems=True)


def _plan(plan_id: int) -> RolloutPlan:
    """The plan, for a member of its project (the before-request guard checks it too; this keeps
    each view safe on its own). As in the guard, a plan whose project key names no project (one
    seeded straight through `rollout.service`) is left open: pages and the CLI only create plans
    in existing projects."""
    try:
        plan = rollout.get_plan(db.session(), plan_id)
    except RolloutError:
        abort(404)
    try:
        project = service.plan_project(db.session(), plan.project_key)
    except RolloutError:
        return plan
    require_member(project)
    return plan


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _local(text: str | None) -> dt.datetime | None:
    return parse_local(text) if text and text.strip() else None


# --- store register --------------------------------------------------------------------------


@bp.get("/stores")
@any_role()
def stores() -> str:
    args = request.args
    result = listing.list_register(
        db.session(),
        service.utcnow(),
        direction=args.get("direction") or None,
        region=args.get("region") or None,
        version=args.get("version") or None,
        page=args.get("page", 1, type=int),
    )
    filters = {k: v for k, v in args.items() if k in ("direction", "region", "version") and v}
    return render_template(
        "rollout/stores.html", listing=result, form=forms.ImportForm(), args=args, filters=filters
    )


@bp.post("/stores/import")
@roles_required(Role.rollout_manager)
def import_stores() -> Response:
    form = forms.ImportForm()
    upload = request.files.get("register")

    def change() -> str:
        if upload is None or not upload.filename:
            raise RolloutError(_("choose a CSV or XLSX file"), field="register")
        result = service.import_register(
            db.session(), upload.filename, upload.read(), actor=current_user.username
        )
        return _(
            "%(file)s: %(created)s store(s) added, %(updated)s updated",
            file=upload.filename,
            created=result.created,
            updated=result.updated,
        )

    _commit(change, form)
    return redirect(url_for("rollout.stores"))


# --- plans -----------------------------------------------------------------------------------


def _plan_form() -> forms.PlanForm:
    """The new-plan form, offering the versions and the projects the signed-in user may open."""
    form = forms.PlanForm()
    form.version.choices = select_choices(
        (v.label, v.label) for v in config_service.list_versions(db.session())
    )
    form.project.choices = select_choices(
        (p.key, f"{p.key} — {p.name}") for p in members.visible_projects(db.session(), current_user)
    )
    return form


def _member_project_or_404(key: str | None) -> None:
    """A plan goes into a project the user may open: any other key (unknown, or a project they are
    not a member of) gets the 404 every project route answers, so client names do not leak."""
    try:
        project = service.plan_project(db.session(), key or "")
    except RolloutError:
        abort(404)
    require_member(project)


@bp.get("/")
@any_role()
def index() -> str:
    plans = service.visible_plans(db.session(), current_user)
    return render_template("rollout/index.html", plans=plans, form=_plan_form())


@bp.post("/plans")
@roles_required(Role.rollout_manager, Role.approver)
def create_plan() -> Response:
    _member_project_or_404(request.form.get("project"))
    form = _plan_form()
    created: list[int] = []

    def change() -> str:
        plan = service.create_plan(
            db.session(),
            form.project.data or "",
            form.version.data or "",
            _codes(form.pilot.data),
            actor=current_user.username,
            now=service.utcnow(),
            override_reason=form.override_reason.data or None,
            override_by=current_user.username,
            at_local=_local(form.at.data),
            min_pilot_days=form.min_pilot_days.data,
            min_pilot_transactions=form.min_pilot_transactions.data,
        )
        created.append(plan.id)
        return _(
            "plan %(plan)s created with a pilot of %(n)s store(s)", plan=plan.id, n=len(plan.waves[0].stores)
        )

    if _commit(change, form):
        return redirect(url_for("rollout.plan", plan_id=created[0]))
    return redirect(url_for("rollout.index"))


@bp.get("/plans/<int:plan_id>")
@any_role()
def plan(plan_id: int) -> str:
    item = _plan(plan_id)
    now = service.utcnow()
    page = max(1, request.args.get("page", 1, type=int))
    per_page = 100
    figures = plan_summary(db.session(), item, now)
    rows = plan_rows(db.session(), item, now, limit=per_page, offset=(page - 1) * per_page)
    upcoming = rollout.next_wave(item)
    gate = rollout.gate_for(db.session(), item, upcoming, now) if upcoming is not None else []
    return render_template(
        "rollout/plan.html",
        plan=item,
        rows=rows,
        page=page,
        pages=max(1, -(-figures["stores"] // per_page)),
        summary=figures,
        upcoming=upcoming,
        gate=gate,
        gate_open=all(c.ok for c in gate),
        version=config_service.get_version(db.session(), str(item.version_id)),
        uncovered=rollout.uncovered_open_stores(db.session(), item),
        wave_form=forms.WaveForm(),
        advance_form=forms.AdvanceForm(),
        rollback_form=forms.RollbackForm(),
        halt_form=forms.HaltForm(),
        controls_form=forms.ControlsForm(),
    )


@bp.post("/plans/<int:plan_id>/waves")
@roles_required(Role.rollout_manager)
def add_wave(plan_id: int) -> Response:
    item, form = _plan(plan_id), forms.WaveForm()

    def change() -> str:
        wave = service.add_wave(
            db.session(),
            item,
            actor=current_user.username,
            now=service.utcnow(),
            codes=_codes(form.stores.data) or None,
            region=form.region.data or None,
            direction=form.direction.data or None,
            at_local=_local(form.at.data),
        )
        return _("wave %(n)s added with %(count)s store(s)", n=wave.number, count=len(wave.stores))

    _commit(change, form)
    return redirect(url_for("rollout.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/controls")
@roles_required(Role.rollout_manager)
def controls(plan_id: int) -> Response:
    item, form = _plan(plan_id), forms.ControlsForm()

    def change() -> str:
        service.set_controls(
            db.session(),
            item,
            form.pilot_store.data or "",
            _codes(form.controls.data),
            actor=current_user.username,
        )
        return _("control stores saved")

    _commit(change, form)
    return redirect(url_for("rollout.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/advance")
@roles_required(Role.rollout_manager, Role.approver)
def advance(plan_id: int) -> Response:
    item, form = _plan(plan_id), forms.AdvanceForm()

    def change() -> str:
        result = service.advance(
            db.session(),
            item,
            actor=current_user.username,
            now=service.utcnow(),
            override_reason=form.override_reason.data or None,
        )
        return _(
            "wave %(n)s advanced: %(count)s store(s) scheduled", n=result.wave.number, count=result.switches
        )

    _commit(change, form)
    return redirect(url_for("rollout.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/rollback")
@roles_required(Role.rollout_manager)
def rollback(plan_id: int) -> Response:
    item, form = _plan(plan_id), forms.RollbackForm()

    def change() -> str:
        scope = form.scope.data
        if scope == "store" and not (form.store.data or "").strip():
            raise RolloutError(_("name the store to roll back"), field="store")
        result = service.rollback(
            db.session(),
            item,
            reason=form.reason.data or "",
            actor=current_user.username,
            now=service.utcnow(),
            wave_number=form.wave.data if scope == "wave" else None,
            store_code=(form.store.data or "").strip() or None if scope == "store" else None,
        )
        named = result.switched_back + result.called_off
        stores = ", ".join(named)
        unnamed = result.switched_back_count + result.called_off_count - len(named)
        if unnamed > 0:
            stores += " " + _("and %(n)s more", n=unnamed)
        return _("rolled back: %(stores)s", stores=stores)

    _commit(change, form)
    return redirect(url_for("rollout.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/halt")
@roles_required(Role.rollout_manager)
def halt(plan_id: int) -> Response:
    item, form = _plan(plan_id), forms.HaltForm()

    def change() -> str:
        service.halt(
            db.session(),
            item,
            reason=form.reason.data or "",
            actor=current_user.username,
            now=service.utcnow(),
        )
        return _("plan halted")

    _commit(change, form)
    return redirect(url_for("rollout.plan", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/resume")
@roles_required(Role.rollout_manager)
def resume(plan_id: int) -> Response:
    item, form = _plan(plan_id), forms.HaltForm()

    def change() -> str:
        service.resume(db.session(), item, actor=current_user.username)
        return _("plan resumed")

    _commit(change, form)
    return redirect(url_for("rollout.plan", plan_id=plan_id))


# --- feedback and checklist ------------------------------------------------------------------


def _feedback_filters() -> dict[str, str | None]:
    return {key: request.args.get(key) or None for key in ("status", "severity", "store_code")}


@bp.get("/plans/<int:plan_id>/feedback")
@any_role()
def feedback(plan_id: int) -> str:
    item = _plan(plan_id)
    return render_template(
        "rollout/feedback.html",
        plan=item,
        items=readiness.feedback(db.session(), item, **_feedback_filters()),
        form=forms.FeedbackForm(),
        status_form=forms.FeedbackStatusForm(),
        args=request.args,
    )


@bp.post("/plans/<int:plan_id>/feedback")
@roles_required(Role.rollout_manager, Role.consultant)
def add_feedback(plan_id: int) -> Response:
    item, form = _plan(plan_id), forms.FeedbackForm()

    def change() -> str:
        entry = service.add_feedback(
            db.session(),
            item,
            actor=current_user.username,
            now=service.utcnow(),
            store_code=form.store.data or None,
            reporter=form.reporter.data or "",
            severity=form.severity.data or "",
            category=form.category.data or "",
            text=form.text.data or "",
            link=form.link.data or "",
        )
        return _("feedback %(id)s logged", id=entry.id)

    _commit(change, form)
    return redirect(url_for("rollout.feedback", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/feedback/<int:feedback_id>/status")
@roles_required(Role.rollout_manager, Role.consultant)
def feedback_status(plan_id: int, feedback_id: int) -> Response:
    item, form = _plan(plan_id), forms.FeedbackStatusForm()

    def change() -> str:
        entry = service.set_feedback_status(
            db.session(),
            item,
            feedback_id,
            form.status.data or "",
            actor=current_user.username,
            now=service.utcnow(),
        )
        return _("feedback %(id)s is now %(status)s", id=entry.id, status=entry.status)

    _commit(change, form)
    return redirect(url_for("rollout.feedback", plan_id=plan_id))


@bp.get("/plans/<int:plan_id>/feedback.xlsx")
@any_role()
def feedback_export(plan_id: int) -> Response:
    item = _plan(plan_id)
    params = {"plan": item.id, "filters": _feedback_filters()}
    return start_export("rollout.feedback", f"feedback-plan-{item.id}.xlsx", params, item.project_key)


@bp.get("/plans/<int:plan_id>/waves/<int:number>/checklist")
@any_role()
def checklist(plan_id: int, number: int) -> str:
    item = _plan(plan_id)
    try:
        wave = readiness.wave_by_number(item, number)
    except RolloutError:
        abort(404)
    page = max(1, request.args.get("page", 1, type=int))
    items = readiness.checklist(db.session(), wave, page=page)  # read only: written when stores join
    today = service.utcnow().date()
    figures = readiness.checklist_figures(db.session(), wave, today)
    return render_template(
        "rollout/checklist.html",
        plan=item,
        wave=wave,
        items=items,
        today=today,
        figures=figures,
        page=page,
        pages=max(1, -(-figures.stores // 25)),
        overdue={i.id for i, _code in items if readiness.is_overdue(i, today)},
        form=forms.ChecklistItemForm(),
    )


@bp.post("/plans/<int:plan_id>/waves/<int:number>/checklist/<int:check_id>")
@roles_required(Role.rollout_manager)
def checklist_item(plan_id: int, number: int, check_id: int) -> Response:
    item, form = _plan(plan_id), forms.ChecklistItemForm()

    def change() -> str:
        wave = readiness.wave_by_number(item, number)
        service.update_checklist_item(
            db.session(),
            wave,
            check_id,
            actor=current_user.username,
            now=service.utcnow(),
            done=bool(form.done.data),
            owner=form.owner.data,
            due_on=form.due_on.data,
        )
        return _("checklist item saved")

    _commit(change, form)
    return redirect(url_for("rollout.checklist", plan_id=plan_id, number=number))


@bp.post("/plans/<int:plan_id>/waves/<int:number>/checklist")
@roles_required(Role.rollout_manager)
def checklist_complete(plan_id: int, number: int) -> Response:
    item, form = _plan(plan_id), forms.HaltForm()

    def change() -> str:
        wave = readiness.wave_by_number(item, number)
        ticked = service.complete_checklist(
            db.session(), wave, actor=current_user.username, now=service.utcnow()
        )
        return _("%(n)s item(s) ticked", n=ticked)

    _commit(change, form)
    return redirect(url_for("rollout.checklist", plan_id=plan_id, number=number))


# --- documents -------------------------------------------------------------------------------


@bp.get("/plans/<int:plan_id>/waves/<int:number>/go-no-go.docx")
@any_role()
def go_no_go(plan_id: int, number: int) -> Response:
    item = _plan(plan_id)
    try:
        wave = readiness.wave_by_number(item, number)
    except RolloutError:
        abort(404)
    # Built on the job runner; the job page offers the download.
    title = f"go-no-go-plan-{item.id}-wave-{wave.number}.docx"
    return start_export("rollout.go_no_go", title, {"plan": item.id, "wave": number}, item.project_key)


@bp.get("/plans/<int:plan_id>/status.xlsx")
@any_role()
def status_export(plan_id: int) -> Response:
    item = _plan(plan_id)
    title = f"rollout-status-plan-{item.id}.xlsx"
    return start_export("rollout.status", title, {"plan": item.id}, item.project_key)
