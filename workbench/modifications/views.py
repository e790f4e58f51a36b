"""Modification pages: the modifications list (total effort, critical path), one modification
(edit, dependencies, the gaps it closes), and a new modification (typed in or from a gap)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from gap_analysis.enums import ModificationStatus, Priority
from gap_analysis.errors import GapAnalysisError
from gap_analysis.filters import matching_modifications, total_days
from gap_analysis.intake import requirement_number
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.extensions import db
from workbench.forms import commit_change, flash_form_errors, select_choices
from workbench.gapmap import service as gapmap
from workbench.i18n.errors import error_message
from workbench.modifications import service
from workbench.modifications.forms import DependencyForm, LinkRequirementForm, ModificationForm
from workbench.modifications.models import Modification
from workbench.projects.models import Project
from workbench.projects.views import project_or_404
from workbench.requirements import service as requirements

bp = Blueprint("modifications", __name__)

# What a form post may be refused with: the domain's error, or a number that is not one.
REFUSALS = (GapAnalysisError, ValueError)


def _modification(project: Project, number: int) -> Modification:
    try:
        return service.get_modification(db.session(), project, number)
    except GapAnalysisError:
        abort(404)


def _fields(form: ModificationForm) -> service.ModificationFields:
    return service.ModificationFields(
        form.title.data or "",
        form.estimate_days.data or "",
        form.priority.data or "",
        form.status.data or "",
        form.description.data or "",
    )


@bp.get("/projects/<key>/modifications")
@any_role()
def index(key: str) -> str:
    project = project_or_404(key)
    status, priority = request.args.get("status", ""), request.args.get("priority", "")
    plan = service.project_schedule(db.session(), project)
    records = gapmap.modification_records(db.session(), project, plan)
    try:
        shown = matching_modifications(records, status=status, priority=priority)
    except ValueError as error:
        flash(gettext("filter: %(error)s", error=error), "error")
        shown = records
    return render_template(
        "modifications/index.html",
        project=project,
        records=shown,
        plan=plan,
        status=status,
        priority=priority,
        form=ModificationForm(),
        ModificationStatus=ModificationStatus,
        Priority=Priority,
        filtered_days=total_days(shown),
    )


@bp.post("/projects/<key>/modifications")
@roles_required(Role.consultant)
def create(key: str) -> WerkzeugResponse:
    project = project_or_404(key)
    form = ModificationForm()
    back = request.form.get("back") or ""
    # Only a path of this site: "//host/..." and "https://..." would send the user elsewhere.
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        back = url_for("modifications.index", key=project.key)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    try:
        closes = []
        if written := (form.requirement.data or "").strip():
            number = requirement_number(written)
            if number is None:
                raise GapAnalysisError(
                    gettext(
                        "requirement: '%(written)s' is not a requirement number (REQ-12 or 12)",
                        written=written,
                    )
                )
            closes = [requirements.get_requirement(db.session(), project, number)]
        modification = service.create_modification(
            db.session(), project, _fields(form), actor=current_user.username, requirements=closes
        )
        db.session.commit()
    except GapAnalysisError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(back)
    flash(gettext("%(ref)s added to the modifications list", ref=modification.ref), "info")
    return redirect(url_for("modifications.show", key=project.key, number=modification.number))


def _dependency_form(others: list[Modification]) -> DependencyForm:
    form = DependencyForm()
    form.depends_on.choices = select_choices((str(m.number), f"{m.ref} {m.title}") for m in others)
    return form


def _link_form(project: Project) -> LinkRequirementForm:
    form = LinkRequirementForm()
    form.requirement.choices = select_choices(
        (str(number), f"REQ-{number} {title}")
        for number, title in requirements.gap_titles(db.session(), project)
    )
    return form


@bp.get("/projects/<key>/modifications/<int:number>")
@any_role()
def show(key: str, number: int) -> str:
    project = project_or_404(key)
    modification = _modification(project, number)
    plan = service.project_schedule(db.session(), project)
    form = ModificationForm(obj=modification)
    form.estimate_days.data = str(modification.estimate_days)
    every = service.list_modifications(db.session(), project)
    dependants = [m for m in every if modification in m.depends_on]
    return render_template(
        "modifications/show.html",
        project=project,
        modification=modification,
        form=form,
        plan=plan,
        dependency_form=_dependency_form([m for m in every if m.id != modification.id]),
        link_form=_link_form(project),
        dependants=dependants,
        ModificationStatus=ModificationStatus,
        Priority=Priority,
    )


@bp.post("/projects/<key>/modifications/<int:number>")
@roles_required(Role.consultant)
def update(key: str, number: int) -> WerkzeugResponse:
    project = project_or_404(key)
    modification = _modification(project, number)
    form = ModificationForm()

    def change() -> str:
        service.update_modification(db.session(), modification, _fields(form), actor=current_user.username)
        return gettext("%(ref)s saved", ref=modification.ref)

    commit_change(change, refusals=REFUSALS, form=form)
    return redirect(url_for("modifications.show", key=project.key, number=number))


@bp.post("/projects/<key>/modifications/<int:number>/delete")
@roles_required(Role.consultant)
def delete(key: str, number: int) -> WerkzeugResponse:
    project = project_or_404(key)
    modification = _modification(project, number)
    ref = modification.ref
    service.delete_modification(db.session(), modification, actor=current_user.username)
    db.session.commit()
    flash(gettext("%(ref)s deleted", ref=ref), "info")
    return redirect(url_for("modifications.index", key=project.key))


@bp.post("/projects/<key>/modifications/<int:number>/dependencies")
@roles_required(Role.consultant)
def add_dependency(key: str, number: int) -> WerkzeugResponse:
    project = project_or_404(key)
    modification = _modification(project, number)
    form = _dependency_form(
        [m for m in service.list_modifications(db.session(), project) if m.id != modification.id]
    )

    def change() -> str:
        prerequisite = service.get_modification(db.session(), project, int(form.depends_on.data or 0))
        service.add_dependency(db.session(), modification, prerequisite, actor=current_user.username)
        return gettext("%(ref)s now depends on %(ref2)s", ref=modification.ref, ref2=prerequisite.ref)

    commit_change(change, refusals=REFUSALS, form=form)
    return redirect(url_for("modifications.show", key=project.key, number=number) + "#dependencies")


@bp.post("/projects/<key>/modifications/<int:number>/dependencies/<int:other>/delete")
@roles_required(Role.consultant)
def remove_dependency(key: str, number: int, other: int) -> WerkzeugResponse:
    project = project_or_404(key)
    modification = _modification(project, number)

    def change() -> str:
        prerequisite = service.get_modification(db.session(), project, other)
        service.remove_dependency(db.session(), modification, prerequisite, actor=current_user.username)
        return gettext("%(ref)s no longer depends on %(ref2)s", ref=modification.ref, ref2=prerequisite.ref)

    commit_change(change, refusals=REFUSALS)
    return redirect(url_for("modifications.show", key=project.key, number=number) + "#dependencies")


@bp.post("/projects/<key>/modifications/<int:number>/requirements")
@roles_required(Role.consultant)
def link_requirement(key: str, number: int) -> WerkzeugResponse:
    project = project_or_404(key)
    modification = _modification(project, number)
    form = _link_form(project)

    def change() -> str:
        requirement = requirements.get_requirement(db.session(), project, int(form.requirement.data or 0))
        service.link_requirement(db.session(), modification, requirement, actor=current_user.username)
        return gettext("%(ref)s closes %(ref2)s", ref=modification.ref, ref2=requirement.ref)

    commit_change(change, refusals=REFUSALS, form=form)
    return redirect(url_for("modifications.show", key=project.key, number=number) + "#requirements")


@bp.post("/projects/<key>/modifications/<int:number>/requirements/<int:requirement>/delete")
@roles_required(Role.consultant)
def unlink_requirement(key: str, number: int, requirement: int) -> WerkzeugResponse:
    project = project_or_404(key)
    modification = _modification(project, number)

    def change() -> str:
        found = requirements.get_requirement(db.session(), project, requirement)
        service.unlink_requirement(db.session(), modification, found, actor=current_user.username)
        return gettext("%(ref)s no longer closes %(ref2)s", ref=modification.ref, ref2=found.ref)

    commit_change(change, refusals=REFUSALS)
    return redirect(url_for("modifications.show", key=project.key, number=number) + "#requirements")
