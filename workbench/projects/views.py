"""Project pages: the list of a workbench's clients and one project's process models."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.auth.forms import ConfirmForm
from workbench.auth.models import User
from workbench.auth.service import list_users
from workbench.extensions import db
from workbench.forms import commit_change, select_choices
from workbench.i18n.errors import error_message
from workbench.processes import service as processes
from workbench.processes.forms import ImportForm
from workbench.projects import members, service
from workbench.projects.access import require_member
from workbench.projects.enums import ProjectRole, Stage
from workbench.projects.forms import MemberForm, ProjectForm

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("/")
@any_role()
def index() -> str:
    return render_template(
        "projects/index.html",
        projects=members.visible_projects(db.session(), current_user),
        Stage=Stage,
        form=ProjectForm(),
    )


@bp.post("/")
@roles_required(Role.consultant)
def create() -> WerkzeugResponse:
    form = ProjectForm()
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            flash(f"{field}: {'; '.join(errors)}", "error")
        return redirect(url_for("projects.index"))
    try:
        project = service.create_project(
            db.session(),
            form.key.data or "",
            form.name.data or "",
            actor=current_user.username,
            client=form.client.data or "",
            directions=list(form.directions.data or []),
            stage=Stage(int(form.stage.data or 1)),
            description=form.description.data or "",
        )
        if not current_user.has_role(Role.admin):  # the creator leads it (admins see every project anyway)
            members.add_member(
                db.session(), project, current_user, ProjectRole.lead, actor=current_user.username
            )
        db.session.commit()
    except service.ProjectError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("projects.index"))
    flash(gettext("project %(key)s created", key=project.key), "info")
    return redirect(url_for("projects.project", key=project.key))


@bp.get("/<key>")
@any_role()
def project(key: str) -> str:
    item = project_or_404(key)
    return render_template(
        "projects/project.html",
        project=item,
        Stage=Stage,
        models=processes.project_models(db.session(), item),
        form=ImportForm(),
        may_manage=members.may_manage(db.session(), item, current_user),
    )


def project_or_404(key: str) -> service.Project:
    """The project with `key`, or a 404 page (for the views of every project section).

    A project the signed-in user is not a member of is a 404 too (workbench.projects.access
    checks it before the view runs as well; this keeps each view safe on its own).
    """
    try:
        item = service.get_project(db.session(), key)
    except service.ProjectError:
        abort(404)
    require_member(item)
    return item


# --- members ---------------------------------------------------------------------------------


def _managed_project(key: str) -> service.Project:
    """The project, when the signed-in user may manage its members (admin or lead); else 403."""
    item = project_or_404(key)
    if not members.may_manage(db.session(), item, current_user):
        abort(403)
    return item


def _member_form(item: service.Project) -> MemberForm:
    form = MemberForm()
    form.username.choices = select_choices(
        (u.username, f"{u.username} ({u.role.replace('_', ' ')})")
        for u in list_users(db.session())
        if u.active
    )
    return form


@bp.route("/<key>/members", methods=["GET", "POST"])
@any_role()
def members_page(key: str) -> str | WerkzeugResponse:
    """The project's members; admins and the project's leads add, re-role and remove them."""
    item = _managed_project(key)
    form = _member_form(item)
    if request.method == "POST":

        def add() -> str:
            user = db.session.scalar(select(User).where(User.username == form.username.data))
            if user is None:
                raise service.ProjectError(_("user: no user %(name)s", name=form.username.data))
            members.add_member(db.session(), item, user, form.role.data or "", actor=current_user.username)
            return _(
                "%(user)s is a %(role)s of %(key)s", user=user.username, role=form.role.data, key=item.key
            )

        if commit_change(add, refusals=(service.ProjectError,), form=form):
            return redirect(url_for("projects.members_page", key=item.key))
    return render_template(
        "projects/members.html",
        project=item,
        members=members.members_of(db.session(), item),
        form=form,
        confirm=ConfirmForm(),
    )


@bp.post("/<key>/members/<int:user_id>/delete")
@any_role()
def remove_member(key: str, user_id: int) -> WerkzeugResponse:
    """Take a user off the project (admins and the project's leads)."""
    item = _managed_project(key)
    user = db.get_or_404(User, user_id)

    def remove() -> str:
        members.remove_member(db.session(), item, user, actor=current_user.username)
        return _("%(user)s removed from %(key)s", user=user.username, key=item.key)

    commit_change(remove, refusals=(service.ProjectError,), form=ConfirmForm())
    return redirect(url_for("projects.members_page", key=item.key))
