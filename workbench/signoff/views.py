"""Sign-off pages (thin: parse, call the service, render). Consultants submit; approvers comment,
approve and reject; every signed-in role (rollout managers too) reads."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from process_models.svg import render_svg
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.exports.views import start_export
from workbench.extensions import db
from workbench.forms import commit_change
from workbench.notifications import service as notifications
from workbench.projects.views import project_or_404
from workbench.signoff import exports, service
from workbench.signoff.documents import SECTION_TITLES
from workbench.signoff.forms import CommentForm, DecisionForm, SubmitForm
from workbench.signoff.rules_text import rules_both
from workbench.signoff.snapshot import PACKAGE_SECTIONS, item_title, process_model

bp = Blueprint("signoff", __name__, url_prefix="/signoff")


def _package_or_404(package_id: int) -> service.Package:
    try:
        return service.get_package(db.session(), package_id)
    except service.SignoffError:
        abort(404)


def _names(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def _after(committed: bool) -> None:
    if committed:
        notifications.deliver_quietly(db.session(), current_app.config)


@bp.get("/")
@any_role()
def index() -> str:
    """What waits for me (approvers), and every project's package."""
    waiting = service.waiting_for(db.session(), current_user.username)
    packages = service.all_packages(db.session())
    return render_template("signoff/index.html", waiting=waiting, packages=packages)


@bp.get("/projects/<key>")
@any_role()
def project(key: str) -> str:
    item = project_or_404(key)
    package = service.open_package(db.session(), item) or service.latest_package(db.session(), item)
    form = SubmitForm()
    if package is not None and package.status == "open":
        form.approvers.data = form.approvers.data or ", ".join(package.approvers)
        form.required.data = form.required.data or ", ".join(package.required)
        form.rule.data = "all" if package.rule_count is None else str(package.rule_count)
        form.version.data = package.config_version.label
    return render_template("signoff/project.html", project=item, package=package, form=form)


@bp.post("/projects/<key>/submit")
@roles_required(Role.consultant)
def submit(key: str) -> WerkzeugResponse:
    item = project_or_404(key)
    form = SubmitForm()

    def change() -> str:
        revision = service.submit(
            db.session(),
            item,
            approvers=_names(form.approvers.data),
            actor=current_user.username,
            rule=form.rule.data,
            required=_names(form.required.data),
            version_label=(form.version.data or "").strip() or None,
        )
        return _(
            "Submitted revision %(number)s (sha256 %(hash)s) for sign-off",
            number=revision.number,
            hash=revision.content_hash[:12],
        )

    committed = commit_change(change, refusals=(service.SignoffError,), form=form)
    _after(committed)
    package = service.open_package(db.session(), item)
    if committed and package is not None:
        return redirect(url_for("signoff.package", package_id=package.id))
    return redirect(url_for("signoff.project", key=item.key))


@bp.get("/<int:package_id>")
@any_role()
def package(package_id: int) -> str:
    found = _package_or_404(package_id)
    status = service.package_status(db.session(), found)
    db.session.commit()  # a change since the last look is stored as the next revision
    snapshot = service.snapshot_of(status.revision)
    since = service.changes_since_review(db.session(), found, status.revision, current_user.username)
    titles = {c.key: _title(snapshot, since[0], c.key) for c in since[1]} if since else {}
    return render_template(
        "signoff/package.html",
        package=found,
        status=status,
        snapshot=snapshot,
        sections=PACKAGE_SECTIONS,
        section_titles=SECTION_TITLES,
        since=since,
        titles=titles,
        form=DecisionForm(revision=status.revision.id),
        may_decide=current_user.username in found.approvers
        and current_user.username in status.missing
        and found.status == "open",
        comment_count=len(service.comments(db.session(), found)),
    )


def _title(snapshot: service.snap.Snapshot, old_revision: service.Revision, key: str) -> str:
    found = service.item_of(snapshot, key) or service.item_of(service.snapshot_of(old_revision), key)
    return item_title(key, found[1]) if found else key


@bp.get("/<int:package_id>/sections/<section>")
@any_role()
def section(package_id: int, section: str) -> str:
    found = _package_or_404(package_id)
    if section not in PACKAGE_SECTIONS:
        abort(404)
    status = service.package_status(db.session(), found)
    db.session.commit()
    snapshot = service.snapshot_of(status.revision)
    items = snapshot.sections.get(section, {})
    diagrams = {}
    if section == "to_be_models":
        # render_svg escapes every text it writes, so the markup is safe to embed as it is.
        diagrams = {key: Markup(render_svg(process_model(item))) for key, item in items.items()}
    rules = rules_both(snapshot.meta.get("configuration") or {}) if section == "configuration" else {}
    counts = service.comment_counts(db.session(), found)
    return render_template(
        "signoff/section.html",
        package=found,
        status=status,
        section=section,
        title=SECTION_TITLES[section],
        items=items,
        diagrams=diagrams,
        rules=rules,
        counts=counts,
        item_title=item_title,
        requirements=snapshot.sections.get("requirements", {}),
    )


@bp.get("/<int:package_id>/item")
@any_role()
def item(package_id: int) -> str:
    found = _package_or_404(package_id)
    key = request.args.get("key", "")
    status = service.package_status(db.session(), found)
    db.session.commit()
    located = service.item_of(service.snapshot_of(status.revision), key)
    if located is None:
        abort(404)
    section_name, content = located
    return render_template(
        "signoff/item.html",
        package=found,
        status=status,
        key=key,
        section=section_name,
        content=content,
        title=item_title(key, content),
        notes=service.comments(db.session(), found, key),
        form=CommentForm(item_key=key),
        may_comment=current_user.username in found.approvers or current_user.username == found.submitted_by,
    )


@bp.post("/<int:package_id>/comment")
@roles_required(Role.approver, Role.consultant)
def comment(package_id: int) -> WerkzeugResponse:
    found = _package_or_404(package_id)
    form = CommentForm()

    def change() -> str:
        service.comment(
            db.session(), found, form.item_key.data or "", form.text.data or "", actor=current_user.username
        )
        return _("Comment added")

    commit_change(change, refusals=(service.SignoffError,), form=form)
    return redirect(url_for("signoff.item", package_id=found.id, key=form.item_key.data or ""))


@bp.post("/<int:package_id>/approve")
@roles_required(Role.approver)
def approve(package_id: int) -> WerkzeugResponse:
    found = _package_or_404(package_id)
    form = DecisionForm()

    def change() -> str:
        service.approve(db.session(), form.revision.data or "", actor=current_user.username)
        return (
            _("You approved the package (signed)")
            if found.status == "signed"
            else _("You approved the package")
        )

    _after(commit_change(change, refusals=(service.SignoffError,), form=form))
    return redirect(url_for("signoff.package", package_id=found.id))


@bp.post("/<int:package_id>/reject")
@roles_required(Role.approver)
def reject(package_id: int) -> WerkzeugResponse:
    found = _package_or_404(package_id)
    form = DecisionForm()

    def change() -> str:
        service.reject(
            db.session(), form.revision.data or "", actor=current_user.username, reason=form.reason.data or ""
        )
        return _("You rejected the package")

    _after(commit_change(change, refusals=(service.SignoffError,), form=form))
    return redirect(url_for("signoff.package", package_id=found.id))


@bp.get("/<int:package_id>/<kind>.docx")
@any_role()
def document(package_id: int, kind: str) -> WerkzeugResponse:
    found = _package_or_404(package_id)
    lang = request.args.get("lang", "ru")
    if kind not in exports.KINDS or lang not in ("ru", "en"):
        abort(404)
    # Built on the job runner (and audited there); the job page offers the download.
    name = f"{found.project.key}-{'approval-sheet' if kind == 'sheet' else 'prototype-package'}-{lang}.docx"
    params = {"package": found.id, "kind": kind, "lang": lang}
    return start_export("signoff", name, params, found.project.key)
