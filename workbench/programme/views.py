"""Pages for configuration versions, stores and members (thin: parse, call the domain, render)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from loyalty_core.config import service as config_service
from loyalty_core.errors import LoyaltyError
from loyalty_core.ledger import service as ledger
from loyalty_core.stores import service as store_service
from workbench.auth.access import any_role, may_see_personal_data, roles_required
from workbench.auth.enums import Role
from workbench.auth.forms import ConfirmForm
from workbench.extensions import db
from workbench.forms import select_choices
from workbench.programme import service
from workbench.programme.forms import AssignForm, DraftForm, StoreForm, VersionForm

bp = Blueprint("programme", __name__, url_prefix="/programme")
LATEST_MEMBERS = 25  # shown before a search: enough to recognise the programme, cheap to read


def _fail(error: LoyaltyError) -> None:
    db.session.rollback()
    flash(error.detail, "error")
    for problem in getattr(error, "problems", []) or []:
        flash(problem, "problem")


@bp.get("/versions")
@any_role()
def versions() -> str:
    return render_template(
        "programme/versions.html",
        versions=config_service.list_versions(db.session()),
        counts=service.stores_per_version(db.session()),
        form=VersionForm(),
    )


@bp.post("/versions")
@roles_required(Role.consultant)
def create_version() -> Response:
    form = VersionForm()
    if not form.validate_on_submit():
        flash(gettext("label is required (and the form must not be expired)"), "error")
        return redirect(url_for("programme.versions"))
    upload = request.files.get("upload")
    text: str | bytes = upload.read() if upload and upload.filename else (form.text.data or "")
    try:
        version = service.create_version(
            db.session(),
            form.label.data or "",
            text,
            actor=current_user.username,
            notes=form.notes.data or "",
        )
        db.session.commit()
    except LoyaltyError as error:
        _fail(error)
        return redirect(url_for("programme.versions"))
    flash(gettext("draft %(label)s created", label=version.label), "info")
    return redirect(url_for("programme.version", label=version.label))


@bp.route("/versions/<label>", methods=["GET", "POST"])
@any_role()
def version(label: str) -> str | Response:
    try:
        item = config_service.get_version(db.session(), label)
    except LoyaltyError:
        abort(404)
    form = DraftForm(text=item.source_text)
    if request.method == "POST":
        if not current_user.has_role(Role.consultant):
            abort(403)
        if form.validate_on_submit():
            try:
                service.update_draft(db.session(), item, form.text.data or "", actor=current_user.username)
                db.session.commit()
                flash(gettext("draft %(label)s saved", label=item.label), "info")
                return redirect(url_for("programme.version", label=item.label))
            except LoyaltyError as error:
                _fail(error)
    return render_template("programme/version.html", version=item, form=form, confirm=ConfirmForm())


@bp.post("/versions/<label>/approve")
@roles_required(Role.approver)
def approve(label: str) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        item = config_service.get_version(db.session(), label)
        service.approve(db.session(), item, actor=current_user.username)
        db.session.commit()
        flash(gettext("version %(label)s approved: it can no longer change", label=label), "info")
    except LoyaltyError as error:
        _fail(error)
    return redirect(url_for("programme.version", label=label))


@bp.get("/stores")
@any_role()
def stores() -> str:
    versions = [v for v in config_service.list_versions(db.session()) if v.is_approved]
    assign = AssignForm()
    assign.version.choices = select_choices((v.label, v.label) for v in versions)
    return render_template(
        "programme/stores.html",
        stores=store_service.list_stores(db.session()),
        versions=[v.label for v in versions],
        assign=assign,
        add=StoreForm(),
    )


@bp.post("/stores/<code>/assign")
@roles_required(Role.rollout_manager)
def assign(code: str) -> Response:
    form = AssignForm()
    form.version.choices = select_choices(
        (v.label, v.label) for v in config_service.list_versions(db.session())
    )
    if not form.validate_on_submit():
        abort(400)
    try:
        store = store_service.get_store(db.session(), code)
        target = config_service.get_version(db.session(), form.version.data or "")
        service.assign(db.session(), store, target, actor=current_user.username)
        db.session.commit()
        flash(
            gettext(
                "store %(code)s now runs %(label)s (from its next request)",
                code=store.code,
                label=target.label,
            ),
            "info",
        )
    except LoyaltyError as error:
        _fail(error)
    return redirect(url_for("programme.stores"))


@bp.post("/stores")
@roles_required(Role.rollout_manager)
def add_store() -> Response:
    form = StoreForm()
    if not form.validate_on_submit():
        flash(gettext("code and direction are required"), "error")
        return redirect(url_for("programme.stores"))
    try:
        store, key = service.add_store(
            db.session(),
            form.code.data or "",
            form.direction.data or "",
            actor=current_user.username,
            name=form.name.data or "",
            city=form.city.data or "",
        )
        db.session.commit()
    except LoyaltyError as error:
        _fail(error)
        return redirect(url_for("programme.stores"))
    # The key is shown once, on this response only; the database keeps its hash. No browser or
    # proxy cache may keep it either (the back button must not show it again).
    response = make_response(render_template("programme/store_key.html", store=store, key=key))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.get("/members")
@any_role()
def members() -> str:
    text = (request.args.get("q") or "").strip()
    personal = may_see_personal_data()
    # Roles that see phones masked must not learn them by searching: "does +7916... match?" would
    # tell them. They search by name and card only.
    if text:
        found = ledger.members_matching(db.session(), text, by_phone=personal)
    else:  # before a search: the newest members, so the page opens on people, not empty headers
        found = ledger.latest_members(db.session(), limit=LATEST_MEMBERS)
    return render_template("programme/members.html", q=text, members=found, personal=personal)


@bp.get("/members/<member_id>")
@any_role()
def member(member_id: str) -> str:
    try:
        item = ledger.get_member(db.session(), member_id)
    except LoyaltyError:
        abort(404)
    now = dt.datetime.now(dt.UTC)
    return render_template(
        "programme/member.html",
        member=item,
        balance=ledger.balance_of(db.session(), item, now),
        spend=ledger.spend_365(db.session(), item, now),
        history=ledger.history(db.session(), item, limit=100).transactions,
        personal=may_see_personal_data(),
    )
