"""Process models in the workbench: import from BPMN, store as versions, export, validate, diff.

The graph work is `process_models`' (no Flask); this module stores and finds the models of a
project, and audits what changes, in the caller's transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from process_models.bpmn import export_bpmn, import_bpmn
from process_models.bpmn.report import ImportReport
from process_models.diff import ModelDiff, diff
from process_models.enums import Variant
from process_models.model import ProcessModel
from process_models.validation import Finding, validate
from workbench.audit import service as audit
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project


class ProcessError(Exception):
    """A refusal of the processes domain (unknown model, bad variant), with a message for people."""


def parse_variant(text: str) -> Variant:
    try:
        return Variant(text.strip().lower())
    except ValueError:
        raise ProcessError(f"variant {text!r}: use as-is or to-be") from None


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
        session, actor, "process.import", "project", project.key,
        {"source": source, "models": [r.id for r in records], "not_kept": len(result.report.not_kept)},
    )
    return records, result.report


def get_record(session: Session, record_id: int) -> ProcessRecord:
    record = session.get(ProcessRecord, record_id)
    if record is None:
        raise ProcessError(f"no process model {record_id}")
    return record


def model_of(record: ProcessRecord) -> ProcessModel:
    return ProcessModel.from_dict(record.document)


def save_version(session: Session, record: ProcessRecord, model: ProcessModel, *, actor: str, note: str = "") -> ProcessRecord:
    """Store an edited model as the next version of the record's lineage."""
    latest = session.scalar(select(func.max(ProcessRecord.version)).where(ProcessRecord.lineage == record.lineage)) or 0
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
    audit.record(session, actor, "process.edit", "process_model", str(new.id), {"version": new.version, "note": note})
    return new


def history(session: Session, record: ProcessRecord) -> list[ProcessRecord]:
    return list(
        session.scalars(
            select(ProcessRecord).where(ProcessRecord.lineage == record.lineage).order_by(ProcessRecord.version)
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
            .join(latest, (ProcessRecord.lineage == latest.c.lineage) & (ProcessRecord.version == latest.c.version))
            .order_by(ProcessRecord.variant, ProcessRecord.name)
        )
    )


def export_file(record: ProcessRecord) -> bytes:
    return export_bpmn(model_of(record))


def findings(record: ProcessRecord) -> list[Finding]:
    return validate(model_of(record))


def compare(before: ProcessRecord, after: ProcessRecord) -> ModelDiff:
    return diff(model_of(before), model_of(after))
