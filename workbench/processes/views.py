"""Process model pages: import a BPMN file, see the diagram and its findings, export, compare."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from process_models.bpmn.safety import BpmnError
from process_models.svg import render_svg
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.extensions import db
from workbench.processes import service
from workbench.processes.forms import ImportForm
from workbench.projects.service import ProjectError, get_project

bp = Blueprint("processes", __name__, url_prefix="/processes")


def _record(model_id: int) -> service.ProcessRecord:
    try:
        return service.get_record(db.session(), model_id)
    except service.ProcessError:
        abort(404)


@bp.post("/import/<project_key>")
@roles_required(Role.consultant)
def import_file(project_key: str) -> WerkzeugResponse:
    form = ImportForm()
    target = url_for("projects.project", key=project_key)
    if not form.validate_on_submit():
        flash("choose a BPMN file and a variant", "error")
        return redirect(target)
    upload = form.upload.data
    try:
        project = get_project(db.session(), project_key)
        records, report = service.import_file(
            db.session(), project, upload.read(), variant=service.parse_variant(form.variant.data or ""),
            source=upload.filename or "upload.bpmn", actor=current_user.username,
        )
        db.session.commit()
    except (ProjectError, service.ProcessError, BpmnError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(target)
    flash(f"imported {len(records)} process model(s)", "info")
    for line in report.summary().splitlines()[1:]:
        flash(line.strip(), "problem")
    return redirect(url_for("processes.show", model_id=records[0].id) if records else target)


@bp.get("/<int:model_id>")
@any_role()
def show(model_id: int) -> str:
    record = _record(model_id)
    model = service.model_of(record)
    # render_svg escapes every text it writes, so the markup is safe to embed as it is.
    diagram = Markup(render_svg(model))
    return render_template(
        "processes/show.html",
        record=record,
        model=model,
        diagram=diagram,
        findings=service.findings(record),
        history=service.history(db.session(), record),
        others=[m for m in service.project_models(db.session(), record.project) if m.id != record.id],
    )


@bp.get("/<int:model_id>/export.bpmn")
@any_role()
def export(model_id: int) -> Response:
    record = _record(model_id)
    filename = f"{record.name}-v{record.version}.bpmn".replace("/", "-")
    return Response(
        service.export_file(record),
        mimetype="application/xml",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{_quote(filename)}"},
    )


@bp.get("/compare")
@any_role()
def compare() -> str:
    before = _record(request.args.get("before", type=int) or 0)
    after = _record(request.args.get("after", type=int) or 0)
    result = service.compare(before, after)
    diagram = Markup(render_svg(service.model_of(after), result))
    return render_template("processes/compare.html", before=before, after=after, diff=result, diagram=diagram)


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)
