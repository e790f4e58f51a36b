"""Interview pages: a project's interviews, one interview with its findings; consultants edit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.confirm import asking, confirmation_page
from workbench.extensions import db
from workbench.forms import grouped_choices
from workbench.i18n.errors import error_message
from workbench.interviews import service
from workbench.interviews.enums import FindingKind
from workbench.interviews.forms import FindingForm, InterviewForm
from workbench.interviews.models import Interview
from workbench.processes import service as processes
from workbench.processes.forms import step_choice_groups
from workbench.projects.models import Project
from workbench.projects.service import ProjectError, get_project
from workbench.requirements import service as requirements
from workbench.requirements.forms import FromFindingForm

bp = Blueprint("interviews", __name__)


def _project(key: str) -> Project:
    try:
        return get_project(db.session(), key)
    except ProjectError:
        abort(404)


def _interview(interview_id: int) -> Interview:
    try:
        return service.get_interview(db.session(), interview_id)
    except service.InterviewError:
        abort(404)


def _finding_form(project: Project) -> FindingForm:
    form = FindingForm()
    groups: list[tuple[str, list[tuple[str, str]]]] = [("", [("", gettext("— no process —"))])]
    groups += step_choice_groups(
        processes.project_models(db.session(), project), whole_process=gettext("— the whole process —")
    )
    form.step.choices = grouped_choices(groups)
    return form


@bp.get("/projects/<key>/interviews")
@any_role()
def index(key: str) -> str:
    project = _project(key)
    return render_template(
        "interviews/index.html",
        project=project,
        interviews=service.list_interviews(db.session(), project),
        form=InterviewForm(),
    )


@bp.post("/projects/<key>/interviews")
@roles_required(Role.consultant)
def create(key: str) -> WerkzeugResponse | str:
    project = _project(key)
    form = InterviewForm()
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            flash(f"{field}: {'; '.join(errors)}", "error")
        return redirect(url_for("interviews.index", key=project.key))
    try:
        interview = service.record_interview(
            db.session(),
            project,
            stakeholder=form.stakeholder.data or "",
            held_on=form.held_on.data,
            position=form.position.data or "",
            department=form.department.data or "",
            participants=form.participant_list(),
            notes=form.notes.data or "",
            actor=current_user.username,
        )
        db.session.commit()
    except service.InterviewError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("interviews.index", key=project.key))
    flash(gettext("interview with %(stakeholder)s recorded", stakeholder=interview.stakeholder), "info")
    return redirect(url_for("interviews.show", interview_id=interview.id))


@bp.get("/interviews/<int:interview_id>")
@any_role()
def show(interview_id: int) -> str:
    interview = _interview(interview_id)
    form = InterviewForm(obj=interview)
    form.participants.data = ", ".join(interview.participants)
    return render_template(
        "interviews/show.html",
        interview=interview,
        refs=service.step_refs(db.session(), interview.findings),
        requirements=requirements.by_source_finding(db.session(), [f.id for f in interview.findings]),
        areas=requirements.requirement_areas(db.session(), interview.project),
        suggested_areas=requirements.suggested_areas(db.session(), interview.findings),
        requirement_form=FromFindingForm(),
        form=form,
        finding_form=_finding_form(interview.project),
        FindingKind=FindingKind,
    )


@bp.post("/interviews/<int:interview_id>")
@roles_required(Role.consultant)
def update(interview_id: int) -> WerkzeugResponse:
    interview = _interview(interview_id)
    form = InterviewForm()
    if form.validate_on_submit():
        try:
            service.update_interview(
                db.session(),
                interview,
                stakeholder=form.stakeholder.data or "",
                held_on=form.held_on.data,
                position=form.position.data or "",
                department=form.department.data or "",
                participants=form.participant_list(),
                notes=form.notes.data or "",
                actor=current_user.username,
            )
            db.session.commit()
            flash(gettext("interview saved"), "info")
        except service.InterviewError as error:
            db.session.rollback()
            flash(error_message(error), "error")
    else:
        for field, errors in form.errors.items():
            flash(f"{field}: {'; '.join(errors)}", "error")
    return redirect(url_for("interviews.show", interview_id=interview_id))


@bp.post("/interviews/<int:interview_id>/findings")
@roles_required(Role.consultant)
def add_finding(interview_id: int) -> WerkzeugResponse:
    interview = _interview(interview_id)
    form = _finding_form(interview.project)
    if form.validate_on_submit():
        lineage, _, node_id = (form.step.data or "").partition("|")
        try:
            service.add_finding(
                db.session(),
                interview,
                text=form.text.data or "",
                kind=form.kind.data or "",
                process_lineage=lineage or None,
                node_id=node_id or None,
                actor=current_user.username,
            )
            db.session.commit()
            flash(gettext("finding added"), "info")
        except service.InterviewError as error:
            db.session.rollback()
            flash(error_message(error), "error")
    else:
        for field, errors in form.errors.items():
            flash(f"{field}: {'; '.join(errors)}", "error")
    return redirect(url_for("interviews.show", interview_id=interview_id) + "#findings")


def truncated(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@bp.route("/findings/<int:finding_id>/delete", methods=["GET", "POST"])
@roles_required(Role.consultant)
def delete_finding(finding_id: int) -> str | WerkzeugResponse:
    if asking():
        try:
            finding = service.get_finding(db.session(), finding_id)
        except service.InterviewError:
            abort(404)
        return confirmation_page(
            gettext("Delete the finding “%(text)s”?", text=truncated(finding.text)),
            url_for("interviews.show", interview_id=finding.interview_id) + "#findings",
        )
    try:
        interview = service.delete_finding(db.session(), finding_id, actor=current_user.username)
        db.session.commit()
    except service.InterviewError:
        db.session.rollback()
        abort(404)
    flash(gettext("finding deleted"), "info")
    return redirect(url_for("interviews.show", interview_id=interview.id) + "#findings")
