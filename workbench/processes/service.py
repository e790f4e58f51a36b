"""Process models in the workbench: import from BPMN, store as versions, export, validate, diff.

The graph work is `process_models`' (no Flask); this module stores and finds the models of a
project, and audits what changes, in the caller's transaction.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from dataclasses import asdict

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from process_models.bpmn import export_bpmn, import_bpmn
from process_models.bpmn.report import ImportReport
from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ModelError, Node, ProcessModel
from process_models.validation import Finding, validate
from workbench.audit import service as audit
from workbench.i18n.markers import N_
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project


class ProcessError(Exception):
    """A refusal of the processes domain (unknown model, bad variant), with a message for people."""


def parse_variant(text: str) -> Variant:
    try:
        return Variant(text.strip().lower())
    except ValueError:
        raise ProcessError(gettext("variant '%(text)s': use as-is or to-be", text=text)) from None


def import_file(
    session: Session, project: Project, data: bytes, *, variant: Variant, source: str, actor: str
) -> tuple[list[ProcessRecord], ImportReport]:
    """Import every process of a BPMN file into the project as new models (version 1 each).

    Raises process_models.bpmn.safety.BpmnError for a file that is refused (nothing stored).
    """
    result = import_bpmn(data, source=source)
    records = []
    report_items = [asdict(item) for item in result.report.items]
    for model in result.models:
        model.variant = variant
        record = ProcessRecord(
            project_id=project.id,
            lineage=uuid.uuid4().hex,
            version=1,
            name=model.name or model.id,
            variant=variant.value,
            document=model.to_dict(),
            source_name=source,
            import_report=[i for i in report_items if i.get("process") in ("", model.id)],
            created_by=actor,
        )
        session.add(record)
        records.append(record)
    session.flush()
    audit.record(
        session,
        actor,
        "process.import",
        "project",
        project.key,
        {"source": source, "models": [r.id for r in records], "not_kept": len(result.report.not_kept)},
    )
    return records, result.report


def get_record(session: Session, record_id: int) -> ProcessRecord:
    record = session.get(ProcessRecord, record_id)
    if record is None:
        raise ProcessError(gettext("no process model %(record_id)s", record_id=record_id))
    return record


def model_of(record: ProcessRecord) -> ProcessModel:
    return ProcessModel.from_dict(record.document)


def save_version(
    session: Session, record: ProcessRecord, model: ProcessModel, *, actor: str, note: str = ""
) -> ProcessRecord:
    """Store an edited model as the next version of the record's lineage."""
    latest = (
        session.scalar(select(func.max(ProcessRecord.version)).where(ProcessRecord.lineage == record.lineage))
        or 0
    )
    new = ProcessRecord(
        project_id=record.project_id,
        lineage=record.lineage,
        version=latest + 1,
        name=model.name or record.name,
        variant=model.variant.value,
        document=model.to_dict(),
        source_name=record.source_name,
        change_note=note,
        created_by=actor,
    )
    session.add(new)
    session.flush()
    audit.record(
        session, actor, "process.edit", "process_model", str(new.id), {"version": new.version, "note": note}
    )
    return new


def history(session: Session, record: ProcessRecord) -> list[ProcessRecord]:
    return list(
        session.scalars(
            select(ProcessRecord)
            .where(ProcessRecord.lineage == record.lineage)
            .order_by(ProcessRecord.version)
        )
    )


def project_models(session: Session, project: Project) -> list[ProcessRecord]:
    """The latest version of every process of a project."""
    latest = (
        select(ProcessRecord.lineage, func.max(ProcessRecord.version).label("version"))
        .where(ProcessRecord.project_id == project.id)
        .group_by(ProcessRecord.lineage)
        .subquery()
    )
    return list(
        session.scalars(
            select(ProcessRecord)
            .join(
                latest,
                (ProcessRecord.lineage == latest.c.lineage) & (ProcessRecord.version == latest.c.version),
            )
            .order_by(ProcessRecord.variant, ProcessRecord.name)
        )
    )


def export_file(record: ProcessRecord) -> bytes:
    """The record's BPMN 2.0 XML. A stored version never changes (an edit is a new row), so the
    export is kept per version: the viewer and the modeller fetch it on every page (0.5-1 s for
    500 steps)."""
    # Keyed by lineage (a random id) and version: one key never names two documents, even
    # across databases.
    key = (record.lineage, record.version)
    with _EXPORTS_LOCK:
        if key in _EXPORTS:
            _EXPORTS.move_to_end(key)
            return _EXPORTS[key]
    data = export_bpmn(model_of(record))
    with _EXPORTS_LOCK:
        _EXPORTS[key] = data
        while len(_EXPORTS) > EXPORTS_KEPT:
            _EXPORTS.popitem(last=False)
    return data


EXPORTS_KEPT = 32  # at most ~15 MB for models of 500 steps
_EXPORTS: OrderedDict[tuple[str, int], bytes] = OrderedDict()
_EXPORTS_LOCK = threading.Lock()


def findings(record: ProcessRecord) -> list[Finding]:
    return validate(model_of(record))


# --- models built in code, and step-by-step editing --------------------------------------------
#
# Each edit below loads the record's model, applies one change to that copy and stores it with
# save_version: the edited row is never touched, so the history stays the rows.

NAME_MAX = 200
SYSTEM_MAX = 200
DESCRIPTION_MAX = 5000
CONDITION_MAX = 500
NOTE_MAX = 500  # ProcessRecord.change_note's column width


KIND_LABELS: dict[NodeKind, str] = {kind: kind.label for kind in NodeKind}
"""What people call each kind of step (forms and messages)."""

LANE_KIND_LABELS: dict[LaneKind, str] = {LaneKind.role: N_("Role"), LaneKind.system: N_("System")}  # msgids


def create_model(
    session: Session, project: Project, model: ProcessModel, *, actor: str, source: str = ""
) -> ProcessRecord:
    """Store a model built in code (demo data, tests) as version 1 of a new process of the project."""
    record = ProcessRecord(
        project_id=project.id,
        lineage=uuid.uuid4().hex,
        version=1,
        name=model.name or model.id,
        variant=model.variant.value,
        document=model.to_dict(),
        source_name=source,
        created_by=actor,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        "process.create",
        "process_model",
        str(record.id),
        {"project": project.key, "name": record.name, "source": source},
    )
    return record


def add_step(
    session: Session,
    record: ProcessRecord,
    *,
    kind: NodeKind,
    name: str,
    lane: str | None,
    system: str = "",
    description: str = "",
    after: str | None = None,
    actor: str,
) -> ProcessRecord:
    """Add a step (in `lane`, or in no lane); with `after` (a step id), also a flow from that step to it."""
    model = _editable(session, record)
    if kind is NodeKind.boundary_event:
        # A boundary event sits on a host activity, which a form cannot point at.
        raise ProcessError(gettext("kind: a boundary event needs a host activity; add it in a BPMN modeler"))
    name = _checked_name(kind, name)
    system, description = _checked_details(system, description)
    _check_lane(model, lane)
    previous = _step(model, after, field="after") if after else None
    try:
        node = model.add_node(kind, name, lane=lane or None, system=system, description=description)
        if previous is not None:
            model.add_flow(previous.id, node.id)
    except ModelError as error:
        raise ProcessError(
            gettext("step '%(value)s': %(error)s", value=name or kind.value, error=error)
        ) from None
    note = f"added step {_shown(node)!r}" + (f" after {_shown(previous)!r}" if previous is not None else "")
    return _save(session, record, model, actor=actor, note=note)


def update_step(
    session: Session,
    record: ProcessRecord,
    node_id: str,
    *,
    name: str,
    lane: str | None,
    kind: NodeKind,
    system: str,
    description: str,
    actor: str,
) -> ProcessRecord:
    """Rename a step, move it to another lane, retype or describe it (its id and flows stay).

    A step that changes lane or kind loses its position, so the automatic layout places it (in
    its new lane, at its new size); the diagram is then laid out afresh as a whole.
    """
    model = _editable(session, record)
    node = _step(model, node_id)
    if kind is NodeKind.boundary_event and node.kind is not NodeKind.boundary_event:
        raise ProcessError(
            gettext(
                "step '%(value)s': kind: a boundary event needs a host activity; change it in a BPMN modeler",
                value=_shown(node),
            )
        )
    name = _checked_name(kind, name)
    system, description = _checked_details(system, description)
    lane = lane or None
    _check_lane(model, lane)
    changes: dict[str, object] = {}
    notes: list[str] = []
    if name != node.name:
        changes["name"] = name
        notes.append(
            f"renamed {_shown(node)!r} to {name!r}" if name else f"cleared the name of {_shown(node)!r}"
        )
    shown = name or node.id
    if lane != node.lane:
        changes["lane"] = lane
        changes["bounds"] = None
        notes.append(
            f"moved {shown!r} to lane {model.lanes[lane].name!r}"
            if lane
            else f"moved {shown!r} out of its lane"
        )
    if kind is not node.kind:
        changes["kind"] = kind
        changes["bounds"] = None
        if node.kind is NodeKind.boundary_event:
            # Only a boundary event has a host; the retyped step would otherwise be drawn on it.
            changes["extra"] = {
                k: v for k, v in node.extra.items() if k not in ("attachedToRef", "cancelActivity")
            }
        notes.append(f"changed {shown!r} to {KIND_LABELS[kind].lower()}")
    if system != node.system:
        changes["system"] = system
        notes.append(
            f"set the system of {shown!r} to {system!r}" if system else f"cleared the system of {shown!r}"
        )
    if description != node.description:
        changes["description"] = description
        notes.append(f"described {shown!r}")
    if not changes:
        raise ProcessError(gettext("step '%(value)s': nothing changed", value=_shown(node)))
    try:
        model.update_node(node_id, **changes)
    except ModelError as error:
        raise ProcessError(gettext("step '%(value)s': %(error)s", value=_shown(node), error=error)) from None
    return _save(session, record, model, actor=actor, note="; ".join(notes))


def delete_step(session: Session, record: ProcessRecord, node_id: str, *, actor: str) -> ProcessRecord:
    """Remove a step, every flow touching it and the boundary events sitting on it."""
    model = _editable(session, record)
    node = _step(model, node_id)
    # A boundary event cannot exist without its host (bpmn.io deletes them together too).
    attached = [
        n.id
        for n in model.nodes()
        if n.kind is NodeKind.boundary_event and n.extra.get("attachedToRef") == node_id
    ]
    removed = [node_id, *attached]
    gone_flows = {f.id for f in model.flows() if f.source in removed or f.target in removed}
    for step_id in removed:
        model.remove_node(step_id)
    _forget_defaults(model, gone_flows)
    note = f"deleted step {_shown(node)!r}"
    if attached:
        note += f" with {len(attached)} boundary event(s)"
    if gone_flows:
        note += f" and {len(gone_flows)} flow(s)"
    return _save(session, record, model, actor=actor, note=note)


def connect(
    session: Session,
    record: ProcessRecord,
    source: str,
    target: str,
    *,
    name: str = "",
    condition: str = "",
    actor: str,
) -> ProcessRecord:
    """Add a flow from step `source` to step `target` (once per condition; never to itself)."""
    model = _editable(session, record)
    start = _step(model, source, field="source")
    end = _step(model, target, field="target")
    label = f"flow from {_shown(start)!r} to {_shown(end)!r}"
    if source == target:
        raise ProcessError(gettext("%(label)s: a step cannot follow itself", label=label))
    name, condition = name.strip(), condition.strip()
    if len(name) > NAME_MAX:
        raise ProcessError(
            gettext(
                "name: at most %(NAME_MAX)s characters (%(count)s given)", NAME_MAX=NAME_MAX, count=len(name)
            )
        )
    if len(condition) > CONDITION_MAX:
        raise ProcessError(
            gettext(
                "condition: at most %(CONDITION_MAX)s characters (%(count)s given)",
                CONDITION_MAX=CONDITION_MAX,
                count=len(condition),
            )
        )
    for flow in model.flows():
        if flow.source == source and flow.target == target and flow.condition.strip() == condition:
            when = f"condition {condition!r}" if condition else "no condition"
            raise ProcessError(gettext("%(label)s with %(when)s already exists", label=label, when=when))
    try:
        model.add_flow(source, target, name=name, condition=condition)
    except ModelError as error:
        raise ProcessError(f"{label}: {error}") from None
    note = f"connected {_shown(start)!r} to {_shown(end)!r}" + (f" when {condition!r}" if condition else "")
    return _save(session, record, model, actor=actor, note=note)


def disconnect(session: Session, record: ProcessRecord, flow_id: str, *, actor: str) -> ProcessRecord:
    """Remove one flow."""
    model = _editable(session, record)
    try:
        flow = model.flow(flow_id)
        model.remove_flow(flow_id)
    except ModelError:
        raise ProcessError(gettext("no flow '%(flow_id)s' in this model", flow_id=flow_id)) from None
    _forget_defaults(model, {flow_id})
    note = f"removed the flow from {_shown(model.node(flow.source))!r} to {_shown(model.node(flow.target))!r}"
    return _save(session, record, model, actor=actor, note=note)


def add_lane(
    session: Session, record: ProcessRecord, *, name: str, kind: LaneKind, actor: str
) -> ProcessRecord:
    """Add a lane (a role or a system) below the existing ones."""
    model = _editable(session, record)
    name = name.strip()
    if not name:
        raise ProcessError(gettext("name: required for a lane"))
    if len(name) > NAME_MAX:
        raise ProcessError(
            gettext(
                "name: at most %(NAME_MAX)s characters (%(count)s given)", NAME_MAX=NAME_MAX, count=len(name)
            )
        )
    if any(lane.name.strip().casefold() == name.casefold() for lane in model.lanes.values()):
        raise ProcessError(gettext("lane '%(name)s' already exists", name=name))
    try:
        model.add_lane(name, kind)
    except ModelError as error:
        raise ProcessError(gettext("lane '%(name)s': %(error)s", name=name, error=error)) from None
    # The new lane has no bounds, so the diagram and the export lay the model out afresh.
    return _save(session, record, model, actor=actor, note=f"added lane {name!r}")


def latest_of(session: Session, lineage: str) -> ProcessRecord | None:
    """The newest version of the process with `lineage` (None when there is none): what links to
    a process (findings, requirements) read their step names from."""
    return session.scalar(
        select(ProcessRecord)
        .where(ProcessRecord.lineage == lineage)
        .order_by(ProcessRecord.version.desc())
        .limit(1)
    )


def latest_version(session: Session, record: ProcessRecord) -> ProcessRecord:
    """The newest version of the record's process (the one edits apply to)."""
    return latest_of(session, record.lineage) or record


def _editable(session: Session, record: ProcessRecord) -> ProcessModel:
    # Editing an older version would fork the history: the next version would silently drop
    # every change made after the one being edited.
    latest = latest_version(session, record)
    if latest.version != record.version:
        raise ProcessError(
            gettext(
                "model %(id)s is version %(version)s; edit the latest version (%(version2)s)",
                id=record.id,
                version=record.version,
                version2=latest.version,
            )
        )
    return model_of(record)


def _save(
    session: Session, record: ProcessRecord, model: ProcessModel, *, actor: str, note: str
) -> ProcessRecord:
    if len(note) > NOTE_MAX:
        note = note[: NOTE_MAX - 1] + "…"
    return save_version(session, record, model, actor=actor, note=note)


def _step(model: ProcessModel, node_id: str, *, field: str = "") -> Node:
    try:
        return model.node(node_id)
    except ModelError:
        prefix = f"{field}: " if field else ""
        raise ProcessError(
            gettext("%(prefix)sno step '%(node_id)s' in this model", prefix=prefix, node_id=node_id)
        ) from None


def _check_lane(model: ProcessModel, lane: str | None) -> None:
    if lane and lane not in model.lanes:
        raise ProcessError(gettext("lane: no lane '%(lane)s' in this model", lane=lane))


def _checked_name(kind: NodeKind, name: str) -> str:
    name = name.strip()
    # Events and gateways may go unnamed (a plain start, a merge); an activity without a name
    # says nothing about the work.
    if kind.is_activity and not name:
        raise ProcessError(gettext("name: required for a %(lower)s", lower=KIND_LABELS[kind].lower()))
    if len(name) > NAME_MAX:
        raise ProcessError(
            gettext(
                "name: at most %(NAME_MAX)s characters (%(count)s given)", NAME_MAX=NAME_MAX, count=len(name)
            )
        )
    return name


def _checked_details(system: str, description: str) -> tuple[str, str]:
    system, description = system.strip(), description.strip()
    if len(system) > SYSTEM_MAX:
        raise ProcessError(
            gettext(
                "system: at most %(SYSTEM_MAX)s characters (%(count)s given)",
                SYSTEM_MAX=SYSTEM_MAX,
                count=len(system),
            )
        )
    if len(description) > DESCRIPTION_MAX:
        raise ProcessError(
            gettext(
                "description: at most %(DESCRIPTION_MAX)s characters (%(count)s given)",
                DESCRIPTION_MAX=DESCRIPTION_MAX,
                count=len(description),
            )
        )
    return system, description


def _forget_defaults(model: ProcessModel, flow_ids: set[str]) -> None:
    # A gateway naming a removed flow as its default would export a dangling reference.
    for node in list(model.nodes()):
        if node.extra.get("default") in flow_ids:
            model.update_node(node.id, extra={k: v for k, v in node.extra.items() if k != "default"})


def _shown(node: Node) -> str:
    return node.name or node.id


# --- the browser modeller ----------------------------------------------------------------------


def save_drawn(session: Session, record: ProcessRecord, data: bytes, *, actor: str) -> ProcessRecord:
    """Store BPMN XML saved by the browser modeller as the next version of the record's process.

    The XML goes through the upload's safe import (size, depth, no DTD or entities, BPMN only),
    and must hold this one process; its variant stays the record's. Raises BpmnError for a file
    the import refuses and ProcessError for one that is not this process (nothing is stored).
    """
    _editable(session, record)
    result = import_bpmn(data, source=gettext("the modeller's diagram"))
    if len(result.models) != 1:
        raise ProcessError(
            gettext(
                "the diagram holds %(count)s processes; the modeller saves one process (one pool)",
                count=len(result.models),
            )
        )
    model = result.models[0]
    model.variant = Variant(record.variant)
    if not model.name:
        model.name = record.name
    note = f"saved from the modeller: {len(model)} steps"
    new = _save(session, record, model, actor=actor, note=note)
    new.import_report = [asdict(item) for item in result.report.items]
    return new


def findings_data(findings: list[Finding]) -> list[dict[str, str]]:
    """The findings as the canvas draws them: one badge per element (JSON for the page)."""
    return [
        {
            "element": f.sub_process_id or f.element_id or "",
            "rule": f.rule,
            "severity": str(f.severity),
            "message": f.message,
        }
        for f in findings
    ]
