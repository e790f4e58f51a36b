"""Read a project's requirements, modifications and scenario results into the plain records of
gap_analysis (one pass, a handful of queries whatever the size), and build the gap map's
figures, traceability and exports from them."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from docx.document import Document as DocxDocument
from flask_babel import format_decimal, gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from gap_analysis.candidates import RequirementCandidate
from gap_analysis.candidates import requirement_candidates as candidates_of
from gap_analysis.dependencies import Schedule
from gap_analysis.enums import Classification, ClassificationStatus, ModificationStatus, Priority, SourceKind
from gap_analysis.errors import GapAnalysisError
from gap_analysis.export import gap_map_docx
from gap_analysis.matrix import coverage
from gap_analysis.records import GapMapReport, ModificationRecord, RequirementRecord, StepLabel
from loyalty_core.db import utcnow
from process_models.enums import Variant
from process_models.model import ProcessModel
from workbench.acceptance.service import requirement_scenarios
from workbench.audit import service as audit
from workbench.documents import layout
from workbench.documents.layout import TitlePage
from workbench.documents.service import edition
from workbench.interviews.models import Finding
from workbench.modifications import service as modifications
from workbench.modifications.models import Modification, requirement_modifications
from workbench.processes import service as processes
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project
from workbench.requirements.models import Requirement, RequirementStep


def latest_models(session: Session, project: Project) -> dict[str, ProcessRecord]:
    """The latest version of each process of the project, by lineage."""
    return {record.lineage: record for record in processes.project_models(session, project)}


def _step_names(models: dict[str, ProcessRecord]) -> dict[str, dict[str, str]]:
    return {
        lineage: {node["id"]: node.get("name") or node["id"] for node in record.document.get("nodes", [])}
        for lineage, record in models.items()
    }


def requirement_records(
    session: Session, project: Project, *, number: int | None = None
) -> list[RequirementRecord]:
    """Every requirement of the project (or only REQ-`number`) as a record, by number, with its
    steps, modifications, source finding and tagged scenarios (with their latest results)."""
    # Plain column rows, not ORM objects: a 2,000-requirement gap map is read in a few queries
    # and never builds (or tracks) thousands of instances it does not change.
    chosen = Requirement.project_id == project.id
    if number is not None:
        chosen = chosen & (Requirement.number == number)
    columns = (
        Requirement.id,
        Requirement.number,
        Requirement.title,
        Requirement.priority,
        Requirement.description,
        Requirement.process_area,
        Requirement.source_kind,
        Requirement.source_finding_id,
        Requirement.classification,
        Requirement.capability,
        Requirement.config_key,
        Requirement.rationale,
        Requirement.owner,
        Requirement.status,
    )
    requirements = session.execute(select(*columns).where(chosen).order_by(Requirement.number)).all()
    steps: dict[int, list[tuple[str, str]]] = defaultdict(list)
    mods: dict[int, list[int]] = defaultdict(list)
    findings: dict[int, tuple[int, str]] = {}
    if requirements:
        for link in session.execute(
            select(RequirementStep.requirement_id, RequirementStep.process_lineage, RequirementStep.node_id)
            .join(Requirement)
            .where(chosen)
            .order_by(RequirementStep.id)
        ):
            steps[link.requirement_id].append((link.process_lineage, link.node_id))
        for row in session.execute(
            select(requirement_modifications.c.requirement_id, Modification.number)
            .join(Modification, Modification.id == requirement_modifications.c.modification_id)
            .join(Requirement, Requirement.id == requirement_modifications.c.requirement_id)
            .where(chosen)
            .order_by(Modification.number)
        ):
            mods[row.requirement_id].append(row.number)
        for row in session.execute(
            select(Finding.id, Finding.interview_id, Finding.text)
            .join(Requirement, Requirement.source_finding_id == Finding.id)
            .where(chosen)
            .distinct()
        ):
            findings[row.id] = (row.interview_id, row.text)
    models = latest_models(session, project)
    names = _step_names(models)
    tagged = requirement_scenarios(session, project)
    records = []
    for r in requirements:
        finding = findings.get(r.source_finding_id) if r.source_finding_id is not None else None
        labels = []
        for lineage, node_id in steps[r.id]:
            model = models.get(lineage)
            if model is None:
                continue
            step_names = names[lineage]
            labels.append(
                StepLabel(
                    process=model.name,
                    variant=model.variant,
                    step=step_names.get(node_id, node_id),
                    exists=node_id in step_names,
                    model_id=model.id,
                    node_id=node_id,
                )
            )
        records.append(
            RequirementRecord(
                number=r.number,
                title=r.title,
                priority=Priority(r.priority),
                description=r.description,
                process_area=r.process_area,
                source_kind=SourceKind(r.source_kind),
                source_text=finding[1] if finding else "",
                source_interview_id=finding[0] if finding else None,
                source_finding_id=r.source_finding_id if finding else None,
                classification=Classification(r.classification) if r.classification else None,
                capability=r.capability,
                config_key=r.config_key,
                rationale=r.rationale,
                owner=r.owner,
                status=ClassificationStatus(r.status),
                steps=tuple(labels),
                modifications=tuple(f"MOD-{n}" for n in mods[r.id]),
                scenarios=tuple(tagged.get(r.number, ())),
            )
        )
    return records


def requirement_record(session: Session, project: Project, number: int) -> RequirementRecord:
    """One requirement's record (GapAnalysisError when there is no REQ-`number`)."""
    found = requirement_records(session, project, number=number)
    if not found:
        raise GapAnalysisError(
            gettext("no requirement REQ-%(number)s in %(key)s", number=number, key=project.key),
            field="number",
        )
    return found[0]


@dataclass(frozen=True)
class CandidateGroup:
    """The requirement candidates of one TO-BE process, against its AS-IS counterpart."""

    to_be: ProcessRecord
    as_is: ProcessRecord | None
    candidates: list[RequirementCandidate]
    taken: set[str]  # node ids of the TO-BE process some requirement is already linked to


def _base_name(name: str) -> str:
    """A process's name without its "(AS-IS)" / "(TO-BE)" suffix, to pair the two variants."""
    return re.sub(r"\s*\((as[- ]is|to[- ]be)\)\s*$", "", name.strip(), flags=re.IGNORECASE).casefold()


def requirement_candidates(session: Session, project: Project) -> list[CandidateGroup]:
    """For each TO-BE process, the candidates from its diff with the AS-IS process of the same
    name (every step is new when there is none)."""
    models = list(latest_models(session, project).values())
    as_is = {_base_name(m.name): m for m in models if m.variant == Variant.as_is.value}
    linked = {
        (link.process_lineage, link.node_id)
        for link in session.scalars(
            select(RequirementStep).join(Requirement).where(Requirement.project_id == project.id)
        )
    }
    groups = []
    for to_be in sorted(
        (m for m in models if m.variant == Variant.to_be.value), key=lambda m: m.name.casefold()
    ):
        before = as_is.get(_base_name(to_be.name))
        before_model = (
            processes.model_of(before)
            if before is not None
            else ProcessModel(name=to_be.name, variant=Variant.as_is)
        )
        found = candidates_of(before_model, processes.model_of(to_be))
        taken = {c.node_id for c in found if (to_be.lineage, c.node_id) in linked}
        groups.append(CandidateGroup(to_be, before, found, taken))
    return groups


def modification_records(
    session: Session, project: Project, plan: Schedule | None = None
) -> list[ModificationRecord]:
    """Every modification of the project as a record, with its requirements, dependencies and
    whether it is on the critical path."""
    plan = plan or modifications.project_schedule(session, project)
    on_path = set(plan.critical_path)
    return [
        ModificationRecord(
            number=m.number,
            title=m.title,
            estimate_days=m.estimate_days,
            priority=Priority(m.priority),
            status=ModificationStatus(m.status),
            description=m.description,
            requirements=tuple(r.ref for r in m.requirements),
            depends_on=tuple(d.ref for d in m.depends_on),
            on_critical_path=m.ref in on_path,
        )
        for m in modifications.list_modifications(session, project)
    ]


def gap_map_report(
    session: Session, project: Project, *, timezone: str = "UTC", now: dt.datetime | None = None
) -> GapMapReport:
    """Everything the DOCX and XLSX exports show."""
    requirements = requirement_records(session, project)
    plan = modifications.project_schedule(session, project)
    return GapMapReport(
        project_key=project.key,
        project_name=project.name,
        client=project.client,
        generated_at=now or utcnow(),
        requirements=tuple(requirements),
        modifications=tuple(modification_records(session, project, plan)),
        coverage=coverage(requirements),
        total_effort_days=plan.total_days,
        critical_path=plan.critical_path,
        critical_path_days=plan.critical_days,
        timezone=timezone,
    )


def export_gap_map(
    session: Session,
    project: Project,
    render: Callable[[GapMapReport], bytes],
    *,
    kind: str,
    actor: str,
    timezone: str = "UTC",
) -> bytes:
    """Render the project's gap map with `render` (DOCX or XLSX) and audit the export; the
    count of earlier exports gives the document's edition (its title page's version)."""
    report = gap_map_report(session, project, timezone=timezone)
    report = replace(
        report,
        extra={**report.extra, EDITION: str(edition(session, "gapmap.export", project.key, format=kind))},
    )
    data = render(report)
    audit.record(
        session,
        actor,
        "gapmap.export",
        "project",
        project.key,
        {
            "format": kind,
            "requirements": len(report.requirements),
            "modifications": len(report.modifications),
        },
    )
    return data


EDITION = "edition"


def gap_map_document(report: GapMapReport) -> bytes:
    """The gap map DOCX at client grade, in the current language: gap_analysis writes the body,
    the workbench's shared layout the title page, contents and page numbers."""

    def finish(document: DocxDocument, title: str) -> bytes:
        page = TitlePage(
            client=report.client,
            project=report.project_name,
            title=title,
            version=report.extra.get(EDITION, "1"),
            date=report.generated_at.astimezone(_zone(report.timezone)).date(),
            status=gettext("Draft"),
        )
        return layout.finish(document, page)

    return gap_map_docx(report, translate=gettext, finish=finish, days_text=format_decimal)


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC
