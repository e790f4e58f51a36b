"""Gathers a project's description from the database (the data `description.py` writes)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from process_models.enums import Variant
from workbench.audit import service as audit
from workbench.audit.models import AuditEntry
from workbench.documents.changes import changes_for_whom
from workbench.documents.description import (
    ChangesForWhom,
    DescriptionData,
    FindingLine,
    InterviewEntry,
    InventoryLine,
    ProcessEntry,
    build_description,
)
from workbench.interviews import service as interviews
from workbench.interviews.enums import FindingKind
from workbench.interviews.models import Finding
from workbench.inventories import service as inventories
from workbench.processes import service as processes
from workbench.processes.models import ProcessRecord
from workbench.projects.enums import Stage
from workbench.projects.models import Project


def description_data(
    session: Session, project: Project, variant: Variant, *, timezone: str = "UTC"
) -> DescriptionData:
    """What the AS-IS or TO-BE description of `project` holds, read in one pass."""
    records = [r for r in processes.project_models(session, project) if r.variant == variant.value]
    held = interviews.list_interviews(session, project)
    all_findings = [f for i in held for f in i.findings]
    refs = interviews.step_refs(session, all_findings)

    def line(finding: Finding, where: str) -> FindingLine:
        return FindingLine(
            FindingKind(finding.kind).label, finding.text, finding.interview.stakeholder, where
        )

    # In an interview a finding names its process and step; under a process, only the step.
    in_interviews: dict[int, str] = {}
    by_process: dict[str, list[FindingLine]] = defaultdict(list)
    for finding in all_findings:
        ref = refs.get(finding.id)
        if ref is None:
            continue
        in_interviews[finding.id] = (
            f"{ref.process_name} › {ref.step_name}" if ref.node_id else ref.process_name
        )
        by_process[ref.lineage].append(line(finding, ref.step_name if ref.node_id else "(the whole process)"))
    grouped = inventories.list_items(session, project, variant)
    return DescriptionData(
        project_name=project.name,
        client=project.client,
        directions=list(project.directions),
        stage=f"{project.stage}. {Stage(project.stage).label}",
        variant=variant,
        generated_at=dt.datetime.now(zoneinfo.ZoneInfo(timezone)),
        # The interviews are the analysis behind the AS-IS; the TO-BE cites them per process.
        interviews=[
            InterviewEntry(
                i.stakeholder,
                i.position,
                i.department,
                i.held_on,
                list(i.participants),
                i.notes,
                [line(f, in_interviews.get(f.id, "")) for f in i.findings],
            )
            for i in sorted(held, key=lambda i: (i.held_on, i.id))
        ]
        if variant is Variant.as_is
        else [],
        processes=[
            ProcessEntry(processes.model_of(r), r.version, by_process.get(r.lineage, [])) for r in records
        ],
        inventories=[
            (
                category.label,
                [
                    InventoryLine(
                        i.name, i.description, i.owner, i.source, i.target, i.transport, i.frequency
                    )
                    for i in items
                ],
            )
            for category, items in grouped.items()
        ],
        landscape_svg=inventories.landscape_svg(inventories.landscape(session, project, variant)),
        changes=_changes(session, project, records) if variant is Variant.to_be else None,
    )


def _changes(session: Session, project: Project, to_be: list[ProcessRecord]) -> ChangesForWhom | None:
    as_is = [r for r in processes.project_models(session, project) if r.variant == Variant.as_is.value]
    return changes_for_whom(session, to_be, as_is)


def export_description(
    session: Session, project: Project, variant: Variant, *, actor: str, timezone: str = "UTC"
) -> bytes:
    """The description as .docx bytes, in the current language; the export is audited
    (documents leave the workbench), and its count is the title page's edition."""
    name = f"{variant.value} description"
    data = description_data(session, project, variant, timezone=timezone)
    data = replace(data, version=str(edition(session, "document.export", project.key, document=name)))
    document = build_description(data)
    audit.record(session, actor, "document.export", "project", project.key, {"document": name})
    return document


def edition(session: Session, action: str, target_id: str, **details: str) -> int:
    """The edition number of a document about to be exported: one more than the exports of the
    same document recorded in the audit log (its title page's version)."""
    rows = session.scalars(
        select(AuditEntry.details).where(AuditEntry.action == action, AuditEntry.target_id == target_id)
    )
    return 1 + sum(1 for row in rows if all((row or {}).get(k) == v for k, v in details.items()))
