"""Process model pages: import a BPMN file, see the diagram and its findings, export, compare,
and edit a model's steps, flows and lanes with plain forms (each change is the next version)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from process_models.enums import LaneKind, NodeKind
from process_models.svg import render_svg
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.confirm import asking, confirmation_page
from workbench.extensions import db
from workbench.jobs import queue as jobs
from workbench.processes import service
from workbench.processes.forms import (
    ConnectForm,
    DeleteStepForm,
    DisconnectForm,
    EditStepForm,
    ImportForm,
    LaneForm,
    StepForm,
    step_label,
)
from workbench.projects.access import require_member
from workbench.projects.service import ProjectError, get_project
from workbench.query_params import bounded_int_arg

bp = Blueprint("processes", __name__, url_prefix="/processes")


def _record(model_id: int) -> service.ProcessRecord:
    try:
        return service.get_record(db.session(), model_id)
    except service.ProcessError:
        abort(404)


@bp.post("/import/<project_key>")
@roles_required(Role.consultant)
def import_file(project_key: str) -> WerkzeugResponse:
    """Hand the BPMN file to the job worker; its page forwards to the first imported model (or
    back to the project with the refusal) when the import is done."""
    form = ImportForm()
    target = url_for("projects.project", key=project_key)
    if not form.validate_on_submit():
        flash(_("choose a BPMN file and a variant"), "error")
        return redirect(target)
    try:
        project = get_project(db.session(), project_key)
    except ProjectError as error:
        flash(str(error), "error")
        return redirect(target)
    upload = form.upload.data
    name = upload.filename or "upload.bpmn"
    job_id = jobs.start(
        "processes.import",
        actor=current_user.username,
        title=_("Import of %(file)s into %(project)s", file=name, project=project.key),
        payload={"project": project.key, "variant": form.variant.data or "", "forward": True},
        upload=upload.read(),
        upload_name=name,
        link=target,
        project_id=project.id,
    )
    return redirect(url_for("jobs.show", job_id=job_id))


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
    before = _record(bounded_int_arg("before", 0, minimum=0))
    after = _record(bounded_int_arg("after", 0, minimum=0))
    for record in (before, after):  # named in the query string, so the route guard cannot see them
        require_member(record.project)
    result = service.compare(before, after)
    diagram = Markup(render_svg(service.model_of(after), result))
    return render_template("processes/compare.html", before=before, after=after, diff=result, diagram=diagram)


# --- editing -----------------------------------------------------------------------------------


@bp.get("/<int:model_id>/edit")
@roles_required(Role.consultant)
def edit(model_id: int) -> str | WerkzeugResponse:
    record = _record(model_id)
    latest = service.latest_version(db.session(), record)
    if latest.id != record.id:
        # Only the latest version takes edits; send the consultant there rather than show forms that would be refused.
        flash(
            gettext(
                "version %(version)s is not the latest: this is version %(version2)s",
                version=record.version,
                version2=latest.version,
            ),
            "info",
        )
        return redirect(url_for("processes.edit", model_id=latest.id))
    model = service.model_of(record)
    add, connect, lane = StepForm(), ConnectForm(), LaneForm()
    add.fill(model)
    connect.fill(model)
    nodes = list(model.nodes())
    return render_template(
        "processes/edit.html",
        record=record,
        model=model,
        diagram=Markup(render_svg(model)),  # render_svg escapes every text it writes
        steps=[
            (node, EditStepForm.of(model, node), DeleteStepForm(formdata=None, node_id=node.id))
            for node in nodes
        ],
        flows=[
            (
                flow,
                model.node(flow.source),
                model.node(flow.target),
                DisconnectForm(formdata=None, flow_id=flow.id),
            )
            for flow in model.flows()
        ],
        add=add,
        connect=connect,
        lane=lane,
        step_label=step_label,
    )


@bp.post("/<int:model_id>/steps")
@roles_required(Role.consultant)
def add_step(model_id: int) -> WerkzeugResponse:
    record = _record(model_id)
    form = StepForm()
    form.fill(service.model_of(record))
    return _apply(
        record,
        form,
        lambda: service.add_step(
            db.session(),
            record,
            kind=NodeKind(form.kind.data),
            name=form.name.data or "",
            lane=form.lane.data or None,
            system=form.system.data or "",
            description=form.description.data or "",
            after=form.after.data or None,
            actor=current_user.username,
        ),
    )


@bp.post("/<int:model_id>/steps/<node_id>")
@roles_required(Role.consultant)
def update_step(model_id: int, node_id: str) -> WerkzeugResponse:
    record = _record(model_id)
    model = service.model_of(record)
    if node_id not in model.graph:
        return _refuse(record, gettext("no step '%(node_id)s' in this model", node_id=node_id))
    form = EditStepForm()
    form.fill(model, model.node(node_id))
    if form.node_id.data and form.node_id.data != node_id:
        return _refuse(
            record,
            gettext(
                "the form is for step '%(form_step)s', not '%(node_id)s'",
                form_step=form.node_id.data,
                node_id=node_id,
            ),
        )
    return _apply(
        record,
        form,
        lambda: service.update_step(
            db.session(),
            record,
            node_id,
            kind=NodeKind(form.kind.data),
            name=form.name.data or "",
            lane=form.lane.data or None,
            system=form.system.data or "",
            description=form.description.data or "",
            actor=current_user.username,
        ),
    )


@bp.route("/<int:model_id>/steps/<node_id>/delete", methods=["GET", "POST"])
@roles_required(Role.consultant)
def delete_step(model_id: int, node_id: str) -> str | WerkzeugResponse:
    record = _record(model_id)
    if asking():
        model = service.model_of(record)
        if node_id not in model.graph:
            abort(404)
        return confirmation_page(
            gettext("Delete the step %(step)s and its flows?", step=model.node(node_id).name or node_id),
            url_for("processes.edit", model_id=model_id),
        )
    form = DeleteStepForm(node_id=node_id)  # the URL names the step; a confirmation posts no field
    if form.node_id.data and form.node_id.data != node_id:
        return _refuse(
            record,
            gettext(
                "the form is for step '%(form_step)s', not '%(node_id)s'",
                form_step=form.node_id.data,
                node_id=node_id,
            ),
        )
    return _apply(
        record, form, lambda: service.delete_step(db.session(), record, node_id, actor=current_user.username)
    )


@bp.post("/<int:model_id>/flows")
@roles_required(Role.consultant)
def connect(model_id: int) -> WerkzeugResponse:
    record = _record(model_id)
    form = ConnectForm()
    form.fill(service.model_of(record))
    return _apply(
        record,
        form,
        lambda: service.connect(
            db.session(),
            record,
            form.source.data or "",
            form.target.data or "",
            name=form.name.data or "",
            condition=form.condition.data or "",
            actor=current_user.username,
        ),
    )


@bp.post("/<int:model_id>/flows/<flow_id>/delete")
@roles_required(Role.consultant)
def disconnect(model_id: int, flow_id: str) -> WerkzeugResponse:
    record = _record(model_id)
    form = DisconnectForm()
    if form.flow_id.data and form.flow_id.data != flow_id:
        return _refuse(
            record,
            gettext(
                "the form is for flow '%(form_flow)s', not '%(flow_id)s'",
                form_flow=form.flow_id.data,
                flow_id=flow_id,
            ),
        )
    return _apply(
        record, form, lambda: service.disconnect(db.session(), record, flow_id, actor=current_user.username)
    )


@bp.post("/<int:model_id>/lanes")
@roles_required(Role.consultant)
def add_lane(model_id: int) -> WerkzeugResponse:
    record = _record(model_id)
    form = LaneForm()
    return _apply(
        record,
        form,
        lambda: service.add_lane(
            db.session(),
            record,
            name=form.name.data or "",
            kind=LaneKind(form.kind.data),
            actor=current_user.username,
        ),
    )


def _apply(
    record: service.ProcessRecord, form: FlaskForm, change: Callable[[], service.ProcessRecord]
) -> WerkzeugResponse:
    """Validate the form, make the change as the next version and commit; go to the new version's
    edit page, or back to this one with the refusal."""
    if not form.validate_on_submit():
        for field, errors in form.errors.items():
            flash(f"{field}: {'; '.join(str(e) for e in errors)}", "error")
        return redirect(url_for("processes.edit", model_id=record.id))
    try:
        new = change()
        db.session.commit()
    except service.ProcessError as error:
        db.session.rollback()
        return _refuse(record, str(error))
    flash(
        gettext(
            "saved version %(version)s: %(change_note)s", version=new.version, change_note=new.change_note
        ),
        "info",
    )
    return redirect(url_for("processes.edit", model_id=new.id))


def _refuse(record: service.ProcessRecord, message: str) -> WerkzeugResponse:
    flash(message, "error")
    return redirect(url_for("processes.edit", model_id=record.id))


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)
