"""Process model pages: import a BPMN file, see the diagram and its findings, export, compare,
and edit a model's steps, flows and lanes with plain forms (each change is the next version)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from process_models.changes import change_table, kind_counts
from process_models.diff import ChangeKind, ModelDiff
from process_models.diff_rows import ChangeRow, change_rows, kinds_of
from process_models.enums import LaneKind, NodeKind
from process_models.model import ProcessModel
from process_models.svg import render_svg
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.confirm import asking, confirmation_page
from workbench.extensions import db
from workbench.forms import commit_change
from workbench.i18n.labels import change_kind_label
from workbench.jobs import queue as jobs
from workbench.processes import comparison, service
from workbench.processes.forms import (
    ConnectForm,
    DeleteLinkForm,
    DeleteStepForm,
    DisconnectForm,
    DrawnForm,
    EditStepForm,
    ImportForm,
    LaneForm,
    LinkForm,
    StepForm,
    step_choices,
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
    findings = service.findings(record)
    # render_svg escapes every text it writes, so the markup is safe to embed as it is.
    diagram = Markup(render_svg(model))
    return render_template(
        "processes/show.html",
        record=record,
        model=model,
        diagram=diagram,
        findings=findings,
        findings_data=service.findings_data(findings),
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
    result = comparison.compare(db.session(), before, after)
    rows = change_table(result)
    kind = request.args.get("kind", "")
    kind = kind if kind in {k.value for k in ChangeKind} else ""
    before_model, after_model = service.model_of(before), service.model_of(after)
    form = LinkForm(formdata=None, before_id=before.id)
    form.fill(before_model, after_model)
    return render_template(
        "processes/compare.html",
        before=before,
        after=after,
        diff=result,
        diagram=Markup(render_svg(after_model, result)),  # render_svg escapes every text it writes
        rows=[row for row in rows if not kind or row.has(kind)],
        counts=kind_counts(rows),
        kind=kind,
        links=comparison.links_of(db.session(), after),
        names={**dict(step_choices(before_model)), **dict(step_choices(after_model))},
        form=form,
        delete_form=DeleteLinkForm(formdata=None, before_id=before.id),
    )


def _link_before(before_id: str | None) -> service.ProcessRecord | None:
    """The AS-IS the link form names (hidden field), when it exists and the user is its member."""
    try:
        before = service.get_record(db.session(), int(before_id or ""))
    except (ValueError, service.ProcessError):
        return None
    require_member(before.project)
    return before


def _no_before(after: service.ProcessRecord) -> WerkzeugResponse:
    flash(gettext("before_id: the AS-IS model of the comparison is missing"), "error")
    return redirect(url_for("processes.show", model_id=after.id))


@bp.post("/<int:model_id>/links")
@roles_required(Role.consultant)
def add_link(model_id: int) -> WerkzeugResponse:
    """Record that TO-BE steps replace AS-IS steps; back to the comparison either way."""
    after = _record(model_id)
    form = LinkForm()
    before = _link_before(form.before_id.data)
    if before is None:
        return _no_before(after)
    form.fill(service.model_of(before), service.model_of(after))

    def change() -> str:
        link = comparison.add_link(
            db.session(),
            before,
            after,
            before_steps=form.before_steps.data or [],
            after_steps=form.after_steps.data or [],
            note=form.note.data or "",
            actor=current_user.username,
        )
        return gettext("link %(link)s recorded", link=link.id)

    commit_change(change, refusals=(service.ProcessError,), form=form)
    return redirect(url_for("processes.compare", before=before.id, after=after.id))


@bp.post("/<int:model_id>/links/<int:link_id>/delete")
@roles_required(Role.consultant)
def delete_link(model_id: int, link_id: int) -> WerkzeugResponse:
    after = _record(model_id)
    form = DeleteLinkForm()
    before = _link_before(form.before_id.data)
    if before is None:
        return _no_before(after)

    def change() -> str:
        comparison.delete_link(db.session(), after, link_id, actor=current_user.username)
        return gettext("link %(link)s deleted", link=link_id)

    commit_change(change, refusals=(service.ProcessError,), form=form)
    return redirect(url_for("processes.compare", before=before.id, after=after.id))


def _compared() -> tuple[service.ProcessRecord, service.ProcessRecord]:
    before = _record(bounded_int_arg("before", 0, minimum=0))
    after = _record(bounded_int_arg("after", 0, minimum=0))
    for record in (before, after):  # named in the query string, so the route guard cannot see them
        require_member(record.project)
    return before, after


@bp.get("/compare/side-by-side")
@any_role()
def compare_side_by_side() -> str:
    """AS-IS left, TO-BE right on bpmn-js canvases (zoom and pan in step, matched steps lit
    together on hover); without JavaScript, the server's two diagrams."""
    before, after = _compared()
    result = comparison.compare(db.session(), before, after)
    rows = change_rows(result)
    return render_template(
        "processes/compare_side.html",
        before=before,
        after=after,
        rows=rows,
        data=_compare_data("side", before, after, result, rows),
        before_diagram=Markup(render_svg(service.model_of(before))),  # render_svg escapes its texts
        after_diagram=Markup(render_svg(service.model_of(after), result)),
    )


@bp.get("/compare/overlay")
@any_role()
def compare_overlay() -> str:
    """The TO-BE with its changes coloured and the change table, filtered by `kind`."""
    before, after = _compared()
    result = comparison.compare(db.session(), before, after)
    rows = change_rows(result)
    chosen = _chosen_kind()
    return render_template(
        "processes/compare_overlay.html",
        before=before,
        after=after,
        rows=[row for row in rows if chosen is None or chosen in row.kinds],
        all_rows=rows,
        kinds=kinds_of(rows),
        counts={kind: sum(kind in row.kinds for row in rows) for kind in kinds_of(rows)},
        chosen=chosen,
        data=_compare_data("overlay", before, after, result, rows),
        diagram=Markup(render_svg(service.model_of(after), result)),  # render_svg escapes its texts
    )


def _chosen_kind() -> ChangeKind | None:
    text = request.args.get("kind", "")
    try:
        return ChangeKind(text) if text else None
    except ValueError:
        abort(400, description=gettext("kind: unknown kind of change '%(kind)s'", kind=text[:40]))


def _compare_data(
    mode: str,
    before: service.ProcessRecord,
    after: service.ProcessRecord,
    result: ModelDiff,
    rows: list[ChangeRow],
) -> dict[str, object]:
    """What the comparison script reads from the page (a JSON data block)."""
    return {
        "mode": mode,
        "before_url": url_for("processes.export", model_id=before.id),
        "after_url": url_for("processes.export", model_id=after.id),
        "pairs": {**result.node_pairs, **result.flow_pairs},
        "rows": [
            {**row.to_dict(), "labels": [change_kind_label(kind) for kind in row.kinds]} for row in rows
        ],
    }


# --- editing -----------------------------------------------------------------------------------


@bp.get("/<int:model_id>/edit")
@roles_required(Role.consultant)
def edit(model_id: int) -> str | WerkzeugResponse:
    record = _record(model_id)
    latest = service.latest_version(db.session(), record)
    if latest.id != record.id:
        # Only the latest version takes edits; send the consultant there rather than show forms that would be
        # refused.
        # Only the latest version takes edits; send the consultant there rather than show forms
        # that would be refused.
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
    findings = service.findings(record)
    # ?forms=1: the form editor alone, without the modeller (also linked for large models).
    forms_only = request.args.get("forms") == "1"
    return render_template(
        "processes/edit.html",
        record=record,
        model=model,
        drawn=DrawnForm(),
        findings=findings,
        findings_data=service.findings_data(findings),
        modeller=not forms_only,
        forms_inline=forms_only or len(model) <= FORM_GRID_MAX,
        **_form_grid(model, inline=forms_only or len(model) <= FORM_GRID_MAX),
    )


# The form editor (a row of fields per step, selects of every step and lane) grows with the
# square of the model: 2 MiB and seconds for 500 steps. Past this size the modeller's page links
# to it (?forms=1) instead of carrying it as its no-JavaScript fallback.
FORM_GRID_MAX = 150


def _form_grid(model: ProcessModel, *, inline: bool) -> dict[str, object]:
    """The form editor's diagram and forms (none when it is not shown)."""
    if not inline:
        return {"steps": [], "flows": [], "diagram": "", "step_count": len(model)}
    add, connect, lane = StepForm(), ConnectForm(), LaneForm()
    add.fill(model)
    connect.fill(model)
    return {
        "diagram": Markup(render_svg(model)),  # render_svg escapes every text it writes
        "steps": [
            (node, EditStepForm.of(model, node), DeleteStepForm(formdata=None, node_id=node.id))
            for node in model.nodes()
        ],
        "flows": [
            (
                flow,
                model.node(flow.source),
                model.node(flow.target),
                DisconnectForm(formdata=None, flow_id=flow.id),
            )
            for flow in model.flows()
        ],
        "add": add,
        "connect": connect,
        "lane": lane,
        "step_label": step_label,
        "step_count": len(model),
    }


@bp.post("/<int:model_id>/drawn")
@roles_required(Role.consultant)
def save_drawn(model_id: int) -> WerkzeugResponse:
    """The modeller's save: the diagram's BPMN goes to the job worker, which imports, validates
    and stores it as the next version like an upload; its page opens on the new version."""
    record = _record(model_id)
    form = DrawnForm()
    if not form.validate_on_submit():
        return _refuse(record, gettext("the modeller sent no diagram; save again"))
    job_id = jobs.start(
        "processes.save_drawn",
        actor=current_user.username,
        title=_("Saving %(name)s from the modeller", name=record.name),
        payload={"model": record.id, "forward": True},
        upload=form.bpmn.data.read(),
        upload_name=f"{record.name}.bpmn",
        link=url_for("processes.edit", model_id=record.id),
        project_id=record.project_id,
    )
    return redirect(url_for("jobs.show", job_id=job_id))


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


BUILD_MARK = Path(__file__).resolve().parents[1] / "static" / "build" / "modeller.js"


@bp.context_processor
def bpmn_assets() -> dict[str, bool]:
    """Whether the bpmn-js bundle was built (`make install`); a plain `pip install .` without
    Node.js has none, and the pages then show the server's SVG only."""
    return {"bpmn_built": BUILD_MARK.is_file()}
