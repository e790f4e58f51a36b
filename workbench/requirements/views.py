"""Requirement pages: a project's requirements (filters, new, import), one requirement (edit,
classify with suggested capabilities, link steps, its modifications, scenarios and chain), a
finding made into a requirement, and requirement candidates from the AS-IS/TO-BE diff."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from gap_analysis.enums import Classification, ClassificationStatus, Priority
from gap_analysis.errors import GapAnalysisError
from gap_analysis.filters import RequirementFilter, matching
from gap_analysis.intake import MAX_FILE_BYTES
from gap_analysis.suggestions import suggest_capabilities
from gap_analysis.traceability import Hop, trace
from loyalty_core.capabilities import CONFIGURATION, STANDARD, catalogue, get_capability
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.confirm import asking, confirmation_page
from workbench.extensions import db
from workbench.forms import commit_change, flash_form_errors, grouped_choices, select_choices
from workbench.gapmap import service as gapmap
from workbench.gapmap.views import link_bases
from workbench.i18n import current_language
from workbench.i18n.errors import error_message
from workbench.jobs import queue as jobs
from workbench.modifications.forms import ModificationForm
from workbench.processes import service as processes
from workbench.processes.forms import step_choice_groups
from workbench.projects.models import Project
from workbench.projects.views import project_or_404
from workbench.requirements import service
from workbench.requirements.forms import (
    CandidateForm,
    ClassificationForm,
    FromFindingForm,
    ImportForm,
    RequirementForm,
    StepLinkForm,
)
from workbench.requirements.models import Requirement

bp = Blueprint("requirements", __name__)


def _requirement(project: Project, number: int) -> Requirement:
    try:
        return service.get_requirement(db.session(), project, number)
    except GapAnalysisError:
        abort(404)


def _filters() -> RequirementFilter:
    area = request.args.get("area")
    return RequirementFilter(
        priority=request.args.get("priority", ""),
        status=request.args.get("status", ""),
        classification=request.args.get("classification", ""),
        area=area if area is not None else None,
        text=request.args.get("q", ""),
    )


@bp.get("/projects/<key>/requirements")
@any_role()
def index(key: str) -> str:
    project = project_or_404(key)
    filters = _filters()
    try:
        records = matching(gapmap.requirement_records(db.session(), project), filters)
    except ValueError as error:
        flash(gettext("filter: %(error)s", error=error), "error")
        records = []
    return render_template(
        "requirements/index.html",
        project=project,
        records=records,
        filters=filters,
        form=RequirementForm(),
        import_form=ImportForm(),
        areas=service.process_areas(db.session(), project),
        Priority=Priority,
        Classification=Classification,
        ClassificationStatus=ClassificationStatus,
    )


@bp.post("/projects/<key>/requirements")
@roles_required(Role.consultant)
def create(key: str) -> WerkzeugResponse:
    project = project_or_404(key)
    form = RequirementForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("requirements.index", key=project.key))
    try:
        requirement = service.create_requirement(
            db.session(),
            project,
            service.RequirementFields(
                form.title.data or "",
                form.priority.data or "",
                form.description.data or "",
                form.process_area.data or "",
            ),
            actor=current_user.username,
        )
        db.session.commit()
    except GapAnalysisError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("requirements.index", key=project.key))
    flash(gettext("%(ref)s recorded", ref=requirement.ref), "info")
    return redirect(url_for("requirements.show", key=project.key, number=requirement.number))


@bp.post("/projects/<key>/requirements/import")
@roles_required(Role.consultant)
def import_file(key: str) -> WerkzeugResponse:
    """Hand the uploaded file to the job worker and show the job's page (its progress, then the
    import's outcome or every problem of the file): parsing never runs in a request."""
    project = project_or_404(key)
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("choose an XLSX or CSV file of requirements"), "error")
        return redirect(url_for("requirements.index", key=project.key))
    upload = form.upload.data
    name = upload.filename or "upload"
    job_id = jobs.start(
        "requirements.import",
        actor=current_user.username,
        title=_("Import of %(file)s into %(project)s", file=name, project=project.key),
        payload={"project": project.key},
        upload=upload.read(MAX_FILE_BYTES + 1),
        upload_name=name,
        link=url_for("requirements.index", key=project.key),
        project_id=project.id,
    )
    return redirect(url_for("jobs.show", job_id=job_id))


def _classification_form(requirement: Requirement | None = None) -> ClassificationForm:
    form = ClassificationForm(obj=requirement)
    capabilities = catalogue()
    groups = [("", [("", gettext("— none —"))])]
    russian = current_language() == "ru"  # the catalogue names each capability in both languages
    for kind, title in ((STANDARD, gettext("Out of the box")), (CONFIGURATION, gettext("By configuration"))):
        groups.append(
            (
                title,
                [
                    (c.code, f"{c.code} — {c.title_ru if russian and c.title_ru else c.title}")
                    for c in capabilities
                    if c.kind == kind
                ],
            )
        )
    form.capability.choices = grouped_choices(groups)
    keys = sorted({key for c in capabilities for key in c.config_keys})
    form.config_key.choices = select_choices([("", gettext("— none —")), *((k, k) for k in keys)])
    return form


def _prefill_capability(form: ClassificationForm, code: str) -> None:
    """A suggestion's "use" link: the form comes back with that capability (and its first key)
    chosen, as a fit by configuration or as standard; the consultant still saves it."""
    try:
        capability = get_capability(code) if code else None
    except KeyError:
        capability = None
    if capability is None:
        return
    form.capability.data = capability.code
    if capability.config_keys:
        form.classification.data = Classification.fit_configuration.value
        form.config_key.data = capability.config_keys[0]
    else:
        form.classification.data = Classification.fit_standard.value
        form.config_key.data = ""


def _step_form(project: Project) -> StepLinkForm:
    form = StepLinkForm()
    form.step.choices = grouped_choices(step_choice_groups(processes.project_models(db.session(), project)))
    return form


@bp.get("/projects/<key>/requirements/<int:number>")
@any_role()
def show(key: str, number: int) -> str:
    project = project_or_404(key)
    requirement = _requirement(project, number)
    record = gapmap.requirement_record(db.session(), project, number)
    modification_form = ModificationForm(title=requirement.title, requirement=str(requirement.number))
    models = gapmap.latest_models(db.session(), project)
    labels = {(label.model_id, label.node_id): label for label in record.steps}
    step_rows = [
        (
            link,
            labels.get(
                (models[link.process_lineage].id if link.process_lineage in models else None, link.node_id)
            ),
        )
        for link in requirement.steps
    ]
    classification_form = _classification_form(requirement)
    _prefill_capability(classification_form, request.args.get("use", ""))
    return render_template(
        "requirements/show.html",
        project=project,
        requirement=requirement,
        record=record,
        row=trace(record),
        Hop=Hop,
        step_rows=step_rows,
        links=link_bases(project),
        form=RequirementForm(obj=requirement),
        classification_form=classification_form,
        step_form=_step_form(project),
        modification_form=modification_form,
        suggestions=suggest_capabilities(f"{requirement.title}. {requirement.description}"),
        Priority=Priority,
        Classification=Classification,
        ClassificationStatus=ClassificationStatus,
    )


@bp.post("/projects/<key>/requirements/<int:number>")
@roles_required(Role.consultant)
def update(key: str, number: int) -> WerkzeugResponse:
    project = project_or_404(key)
    requirement = _requirement(project, number)
    form = RequirementForm()

    def change() -> str:
        service.update_requirement(
            db.session(),
            requirement,
            service.RequirementFields(
                form.title.data or "",
                form.priority.data or "",
                form.description.data or "",
                form.process_area.data or "",
            ),
            actor=current_user.username,
        )
        return gettext("%(ref)s saved", ref=requirement.ref)

    commit_change(change, refusals=(GapAnalysisError,), form=form)
    return redirect(url_for("requirements.show", key=project.key, number=number))


@bp.post("/projects/<key>/requirements/<int:number>/classification")
@roles_required(Role.consultant)
def classify(key: str, number: int) -> WerkzeugResponse:
    project = project_or_404(key)
    requirement = _requirement(project, number)
    form = _classification_form()

    def change() -> str:
        service.classify(
            db.session(),
            requirement,
            service.ClassificationFields(
                form.classification.data or None,
                form.capability.data or "",
                form.config_key.data or "",
                form.rationale.data or "",
                form.owner.data or "",
                form.status.data or "",
            ),
            actor=current_user.username,
        )
        shown = (
            gettext(Classification(requirement.classification).label)
            if requirement.classification
            else gettext("not classified")
        )
        return gettext("%(ref)s classified: %(shown)s", ref=requirement.ref, shown=shown)

    commit_change(change, refusals=(GapAnalysisError,), form=form)
    return redirect(url_for("requirements.show", key=project.key, number=number) + "#classification")


@bp.post("/projects/<key>/requirements/<int:number>/steps")
@roles_required(Role.consultant)
def link_step(key: str, number: int) -> WerkzeugResponse:
    project = project_or_404(key)
    requirement = _requirement(project, number)
    form = _step_form(project)

    def change() -> str:
        lineage, _, node_id = (form.step.data or "").partition("|")
        service.link_step(db.session(), requirement, lineage, node_id, actor=current_user.username)
        return gettext("step linked")

    commit_change(change, refusals=(GapAnalysisError,), form=form)
    return redirect(url_for("requirements.show", key=project.key, number=number) + "#steps")


@bp.post("/projects/<key>/requirements/<int:number>/steps/<int:link_id>/delete")
@roles_required(Role.consultant)
def unlink_step(key: str, number: int, link_id: int) -> WerkzeugResponse:
    project = project_or_404(key)
    requirement = _requirement(project, number)

    def change() -> str:
        service.unlink_step(db.session(), requirement, link_id, actor=current_user.username)
        return gettext("step unlinked")

    commit_change(change, refusals=(GapAnalysisError,))
    return redirect(url_for("requirements.show", key=project.key, number=number) + "#steps")


@bp.route("/projects/<key>/requirements/<int:number>/delete", methods=["GET", "POST"])
@roles_required(Role.consultant)
def delete(key: str, number: int) -> str | WerkzeugResponse:
    project = project_or_404(key)
    requirement = _requirement(project, number)
    if asking():
        return confirmation_page(
            gettext("Delete %(ref)s “%(title)s”?", ref=requirement.ref, title=requirement.title),
            url_for("requirements.show", key=project.key, number=number),
        )
    ref = requirement.ref
    service.delete_requirement(db.session(), requirement, actor=current_user.username)
    db.session.commit()
    flash(gettext("%(ref)s deleted", ref=ref), "info")
    return redirect(url_for("requirements.index", key=project.key))


@bp.post("/findings/<int:finding_id>/requirement")
@roles_required(Role.consultant)
def from_finding(finding_id: int) -> WerkzeugResponse:
    """Make a requirement of an interview finding, then open it to classify."""
    form = FromFindingForm()
    try:
        finding = service.finding_of(db.session(), finding_id)
    except GapAnalysisError:
        abort(404)
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("interviews.show", interview_id=finding.interview_id))
    try:
        requirement = service.requirement_from_finding(
            db.session(),
            finding,
            actor=current_user.username,
            priority=form.priority.data or "should",
            process_area=form.chosen_area,
        )
        db.session.commit()
    except GapAnalysisError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("interviews.show", interview_id=finding.interview_id))
    flash(gettext("%(ref)s recorded from the finding", ref=requirement.ref), "info")
    return redirect(url_for("requirements.show", key=requirement.project.key, number=requirement.number))


@bp.get("/projects/<key>/requirements/candidates")
@any_role()
def candidates(key: str) -> str:
    project = project_or_404(key)
    return render_template(
        "requirements/candidates.html",
        project=project,
        groups=gapmap.requirement_candidates(db.session(), project),
        form=CandidateForm(),
    )


@bp.post("/projects/<key>/requirements/candidates")
@roles_required(Role.consultant)
def create_from_candidate(key: str) -> WerkzeugResponse:
    project = project_or_404(key)
    form = CandidateForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("requirements.candidates", key=project.key))
    try:
        requirement = service.create_requirement(
            db.session(),
            project,
            service.RequirementFields(
                form.title.data or "", form.priority.data or "", "", form.process_area.data or ""
            ),
            actor=current_user.username,
            source_step=(form.lineage.data or "", form.node_id.data or ""),
        )
        db.session.commit()
    except GapAnalysisError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("requirements.candidates", key=project.key))
    flash(gettext("%(ref)s recorded from the TO-BE step", ref=requirement.ref), "info")
    return redirect(url_for("requirements.show", key=project.key, number=requirement.number))
