"""Acceptance pages: a project's features and runs, the feature editor (syntax-checked), a run
with its results (live while it runs), a scenario's history, the living documentation of a
requirement. Consultants write features and start runs; every role reads."""

from __future__ import annotations

import base64

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from loyalty_core.config import service as config_service
from loyalty_core.errors import LoyaltyError
from workbench.acceptance import gherkin, service
from workbench.acceptance.forms import EditFeatureForm, FeatureForm, ImportForm, RunForm
from workbench.acceptance.models import Feature, Run, Scenario
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.auth.forms import ConfirmForm
from workbench.extensions import db
from workbench.forms import commit_change, flash_form_errors, select_choices
from workbench.i18n.labels import status_label
from workbench.jobs import queue as jobs
from workbench.projects.views import project_or_404

bp = Blueprint("acceptance", __name__)


def _feature(feature_id: int) -> Feature:
    try:
        return service.get_feature(db.session(), feature_id)
    except service.AcceptanceError:
        abort(404)


def _run_form() -> RunForm:
    form = RunForm()
    form.version.choices = select_choices(
        (v.label, f"{v.label} ({status_label(v.status)})")
        for v in reversed(config_service.list_versions(db.session()))
    )
    return form


@bp.get("/projects/<key>/acceptance")
@any_role()
def index(key: str) -> str:
    project = project_or_404(key)
    session = db.session()
    versions = config_service.list_versions(session)
    runs = service.list_runs(session, project, limit=20)
    session.commit()  # runs that lost their process are now marked as errors
    return render_template(
        "acceptance/index.html",
        project=project,
        features=service.list_features(session, project),
        latest=service.latest_results(session, project),
        runs=runs,
        verdicts=list(zip(versions, service.verdicts(session, project, versions), strict=True)),
        run_form=_run_form(),
        import_form=ImportForm(),
    )


@bp.post("/projects/<key>/acceptance/import")
@roles_required(Role.consultant)
def import_files(key: str) -> WerkzeugResponse:
    """Hand the uploaded files to the job worker (checked and stored there, all or nothing) and
    show the job's page."""
    project = project_or_404(key)
    form = ImportForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("acceptance.index", key=project.key))
    uploads = [f for f in request.files.getlist("files") if f and f.filename]
    if len(uploads) > service.MAX_FILES:
        flash(_("at most %(count)d files at once", count=service.MAX_FILES), "error")
        return redirect(url_for("acceptance.index", key=project.key))
    files = [[f.filename or "", base64.b64encode(f.read()).decode("ascii")] for f in uploads]
    job_id = jobs.start(
        "acceptance.import",
        actor=current_user.username,
        title=_(
            "Import of %(count)d feature file(s) into %(project)s", count=len(files), project=project.key
        ),
        payload={"project": project.key, "files": files},
        link=url_for("acceptance.index", key=project.key),
        project_id=project.id,
    )
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.route("/projects/<key>/acceptance/features/new", methods=["GET", "POST"])
@roles_required(Role.consultant)
def new_feature(key: str) -> WerkzeugResponse | str:
    project = project_or_404(key)
    form = FeatureForm()
    error = None
    if form.validate_on_submit():
        try:
            feature = service.save_feature(
                db.session(),
                project,
                form.filename.data or "",
                form.source.data or "",
                actor=current_user.username,
            )
            db.session.commit()
            flash(gettext("%(filename)s saved", filename=feature.filename), "info")
            return redirect(url_for("acceptance.feature", feature_id=feature.id))
        except gherkin.GherkinError as problem:
            db.session.rollback()
            error = problem
    elif request.method == "POST":
        flash_form_errors(form)
    return render_template("acceptance/edit.html", project=project, form=form, feature=None, error=error)


@bp.get("/acceptance/features/<int:feature_id>")
@any_role()
def feature(feature_id: int) -> str:
    item = _feature(feature_id)
    form = EditFeatureForm(obj=item)
    try:
        background = gherkin.parse(item.source, item.filename).background
    except gherkin.GherkinError:
        background = ""
    return render_template(
        "acceptance/feature.html",
        feature=item,
        project=item.project,
        form=form,
        background=background,
        latest=service.latest_results(db.session(), item.project),
        error=None,
        delete_form=ConfirmForm(),
    )


@bp.post("/acceptance/features/<int:feature_id>")
@roles_required(Role.consultant)
def save(feature_id: int) -> WerkzeugResponse | str:
    item = _feature(feature_id)
    form = EditFeatureForm()
    error = None
    if form.validate_on_submit():
        try:
            service.save_feature(
                db.session(), item.project, item.filename, form.source.data or "", actor=current_user.username
            )
            db.session.commit()
            flash(gettext("%(filename)s saved", filename=item.filename), "info")
            return redirect(url_for("acceptance.feature", feature_id=item.id))
        except gherkin.GherkinError as problem:
            db.session.rollback()
            error = problem
    else:
        flash_form_errors(form)
    # Not saved: the editor again, with the typed text and why.
    return render_template("acceptance/edit.html", project=item.project, form=form, feature=item, error=error)


@bp.post("/acceptance/features/<int:feature_id>/delete")
@roles_required(Role.consultant)
def delete(feature_id: int) -> WerkzeugResponse:
    item = _feature(feature_id)
    key = item.project.key
    if not ConfirmForm().validate_on_submit():
        abort(400)
    service.delete_feature(db.session(), item, actor=current_user.username)
    db.session.commit()
    flash(gettext("%(filename)s deleted", filename=item.filename), "info")
    return redirect(url_for("acceptance.index", key=key))


@bp.post("/projects/<key>/acceptance/runs")
@roles_required(Role.consultant)
def start_run(key: str) -> WerkzeugResponse:
    project = project_or_404(key)
    form = _run_form()
    started: list[Run] = []

    def change() -> str:
        version = config_service.get_version(db.session(), form.version.data or "")
        started.append(service.create_run(db.session(), project, version, actor=current_user.username))
        return gettext("run %(id)s started", id=started[0].id)

    # A LoyaltyError's str() is its detail (what the page shows).
    if not commit_change(change, refusals=(service.AcceptanceError, LoyaltyError), form=form):
        return redirect(url_for("acceptance.index", key=project.key))
    run = started[0]
    # behave runs on the job worker; the run's page shows its progress from the run's own row.
    jobs.start(
        "acceptance.run",
        actor=current_user.username,
        title=_(
            "Acceptance run %(run)d of %(project)s against %(version)s",
            run=run.id,
            project=project.key,
            version=run.config_label,
        ),
        payload={"run_id": run.id},
        link=url_for("acceptance.run", run_id=run.id),
        project_id=project.id,
    )
    return redirect(url_for("acceptance.run", run_id=run.id))


@bp.get("/acceptance/runs/<int:run_id>")
@any_role()
def run(run_id: int) -> str:
    try:
        item = service.get_run(db.session(), run_id)
    except service.AcceptanceError:
        abort(404)
    if service.interrupt_stale_runs(db.session(), item.project):  # else its page would refresh for ever
        db.session.commit()
    by_feature: dict[str, list[object]] = {}
    for result in item.results:
        by_feature.setdefault(result.feature_name, []).append(result)
    return render_template(
        "acceptance/run.html",
        run=item,
        project=item.project,
        by_feature=by_feature,
        verdict=service.verdict(db.session(), item.project, item.config_version),
    )


@bp.get("/acceptance/scenarios/<int:scenario_id>")
@any_role()
def scenario(scenario_id: int) -> str:
    try:
        item: Scenario = service.get_scenario(db.session(), scenario_id)
    except service.AcceptanceError:
        abort(404)
    try:
        background = gherkin.parse(item.feature.source, item.feature.filename).background
    except gherkin.GherkinError:
        background = ""
    history = service.scenario_history(db.session(), item)
    return render_template(
        "acceptance/scenario.html",
        scenario=item,
        project=item.feature.project,
        history=history,
        latest=history[0] if history else None,
        background=background,
    )


@bp.get("/projects/<key>/acceptance/requirements")
@any_role()
def requirements(key: str) -> str:
    project = project_or_404(key)
    tagged = service.requirement_scenarios(db.session(), project)
    return render_template(
        "acceptance/requirements.html",
        project=project,
        tagged=tagged,
        titles=service.requirement_titles(db.session(), project),
    )


@bp.get("/projects/<key>/acceptance/requirements/<int:number>")
@any_role()
def requirement(key: str, number: int) -> str:
    project = project_or_404(key)
    found, scenarios = service.results_by_requirement(db.session(), project, number)
    return render_template(
        "acceptance/requirement.html",
        project=project,
        number=number,
        requirement=found,
        scenarios=scenarios,
    )
