"""Requirements of a project: record them (typed in, from an interview finding, from a TO-BE
step), edit, classify fit/gap, link to process steps, list with filters, import rows.

Plain functions taking a session; each change is audited in the caller's transaction. Refusals
are `GapAnalysisError` naming the field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from gap_analysis.enums import Classification, ClassificationStatus, Priority, SourceKind
from gap_analysis.errors import GapAnalysisError
from gap_analysis.fields import checked_text
from gap_analysis.intake import IntakeProblem, RequirementRow
from loyalty_core.capabilities import get_capability
from workbench.audit import service as audit
from workbench.interviews.models import Finding, Interview
from workbench.processes import service as processes
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project
from workbench.requirements.models import Requirement, RequirementStep

TITLE_LIMIT = 300
TEXT_LIMIT = 20_000


@dataclass(frozen=True)
class RequirementFields:
    """What a person types about a requirement (the classification is set apart)."""

    title: str
    priority: Priority | str
    description: str = ""
    process_area: str = ""


@dataclass(frozen=True)
class ClassificationFields:
    """A fit/gap decision. `classification` None clears it (back to unclassified)."""

    classification: Classification | str | None
    capability: str = ""
    config_key: str = ""
    rationale: str = ""
    owner: str = ""
    status: ClassificationStatus | str = ClassificationStatus.proposed


# --- reading -------------------------------------------------------------------------------


def get_requirement(session: Session, project: Project, number: int) -> Requirement:
    requirement = session.scalar(
        select(Requirement).where(Requirement.project_id == project.id, Requirement.number == number)
    )
    if requirement is None:
        raise GapAnalysisError(
            gettext("no requirement REQ-%(number)s in %(key)s", number=number, key=project.key),
            field="number",
        )
    return requirement


def process_areas(session: Session, project: Project) -> list[str]:
    """The process areas the project's requirements use, plus the names of its processes."""
    used = set(
        session.scalars(
            select(Requirement.process_area).where(Requirement.project_id == project.id).distinct()
        )
    )
    names = set(
        session.scalars(select(ProcessRecord.name).where(ProcessRecord.project_id == project.id).distinct())
    )
    return sorted((used | names) - {""}, key=str.casefold)


# --- recording ------------------------------------------------------------------------------


def _next_number(session: Session, project: Project) -> int:
    highest = session.scalar(select(func.max(Requirement.number)).where(Requirement.project_id == project.id))
    return (highest or 0) + 1


def _apply_fields(requirement: Requirement, fields: RequirementFields) -> None:
    requirement.title = checked_text(fields.title, "title", TITLE_LIMIT, required=True)
    requirement.priority = Priority.of(fields.priority, field="priority").value
    requirement.description = checked_text(fields.description, "description", TEXT_LIMIT)
    requirement.process_area = checked_text(fields.process_area, "process_area", 120)


def create_requirement(
    session: Session,
    project: Project,
    fields: RequirementFields,
    *,
    actor: str,
    number: int | None = None,
    source_finding: Finding | None = None,
    source_step: tuple[str, str] | None = None,
) -> Requirement:
    """Record a requirement as REQ-<next number> (or `number`, when free): typed in, raised by an
    interview finding (its step, if it names one, is linked too), or by a TO-BE step."""
    if number is None:
        number = _next_number(session, project)
    elif number < 1:
        raise GapAnalysisError(gettext("number: must be 1 or more"), field="number")
    elif session.scalar(
        select(Requirement.id).where(Requirement.project_id == project.id, Requirement.number == number)
    ):
        raise GapAnalysisError(
            gettext("number: REQ-%(number)s already exists in %(key)s", number=number, key=project.key),
            field="number",
        )
    requirement = Requirement(
        project_id=project.id, number=number, created_by=actor, status=ClassificationStatus.open.value
    )
    _apply_fields(requirement, fields)
    if source_finding is not None:
        if source_finding.interview.project_id != project.id:
            raise GapAnalysisError(gettext("source: the finding belongs to another project"), field="source")
        requirement.source_kind = SourceKind.finding.value
        requirement.source_finding_id = source_finding.id
    elif source_step is not None:
        requirement.source_kind = SourceKind.step.value
    else:
        requirement.source_kind = SourceKind.typed.value
    session.add(requirement)
    session.flush()
    step = source_step or (
        (source_finding.process_lineage, source_finding.node_id)
        if source_finding is not None and source_finding.process_lineage and source_finding.node_id
        else None
    )
    if step is not None:
        _add_step(session, requirement, step[0], step[1])
    audit.record(
        session,
        actor,
        "requirement.create",
        "requirement",
        requirement.ref,
        {
            "project": project.key,
            "title": requirement.title,
            "priority": requirement.priority,
            "source": requirement.source_kind,
            "finding": requirement.source_finding_id,
        },
    )
    return requirement


def requirement_areas(session: Session, project: Project) -> list[str]:
    """The process areas the project's requirements already use: the rows of its gap map."""
    query = select(Requirement.process_area).where(Requirement.project_id == project.id).distinct()
    return sorted(set(session.scalars(query)) - {""}, key=str.casefold)


def suggested_areas(session: Session, findings: Sequence[Finding]) -> dict[int, str]:
    """For each finding on a process, the area most requirements on that process already use
    (the row its requirement most likely belongs to); findings with no such area are left out."""
    lineages = {f.process_lineage for f in findings if f.process_lineage}
    if not lineages:
        return {}
    # A requirement is on a process through a linked step or through the finding it came from.
    by_step = select(RequirementStep.process_lineage.label("lineage"), Requirement.process_area).join(
        Requirement, Requirement.id == RequirementStep.requirement_id
    )
    by_finding = select(Finding.process_lineage.label("lineage"), Requirement.process_area).join(
        Requirement, Requirement.source_finding_id == Finding.id
    )
    tally: dict[str, Counter[str]] = {}
    for query in (by_step, by_finding):
        for lineage, area in session.execute(query.where(Requirement.process_area != "")):
            if lineage in lineages:
                tally.setdefault(lineage, Counter())[area] += 1
    best = {lineage: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for lineage, c in tally.items()}
    return {f.id: best[f.process_lineage] for f in findings if f.process_lineage in best}


def requirement_from_finding(
    session: Session,
    finding: Finding,
    *,
    actor: str,
    title: str = "",
    priority: Priority | str = Priority.should,
    process_area: str = "",
) -> Requirement:
    """Turn an interview finding into a requirement: the finding's text is the description, its
    step (if any) the first linked step, and the title defaults to the finding's first sentence."""
    project = finding.interview.project
    area = process_area
    if not area and finding.process_lineage:
        process = processes.latest_of(session, finding.process_lineage)
        area = process.name if process is not None else ""
    return create_requirement(
        session,
        project,
        RequirementFields(
            title=title.strip() or _first_sentence(finding.text),
            priority=priority,
            description=finding.text,
            process_area=area,
        ),
        actor=actor,
        source_finding=finding,
    )


def _first_sentence(text: str) -> str:
    sentence = text.strip().split(". ")[0].rstrip(".")
    return sentence if len(sentence) <= TITLE_LIMIT else sentence[: TITLE_LIMIT - 1] + "…"


def update_requirement(
    session: Session, requirement: Requirement, fields: RequirementFields, *, actor: str
) -> Requirement:
    """Change a requirement's title, priority, description and process area."""
    before = {"title": requirement.title, "priority": requirement.priority, "area": requirement.process_area}
    _apply_fields(requirement, fields)
    session.flush()
    after = {"title": requirement.title, "priority": requirement.priority, "area": requirement.process_area}
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    audit.record(
        session,
        actor,
        "requirement.update",
        "requirement",
        requirement.ref,
        {"project": requirement.project.key, "changed": changed},
    )
    return requirement


def classify(
    session: Session, requirement: Requirement, fields: ClassificationFields, *, actor: str
) -> Requirement:
    """Record the fit/gap decision. Fit by configuration names a capability of the core's
    catalogue and one of its configuration keys; fit as standard names a standard capability;
    gaps get their modifications on the modifications list; a workaround says in the rationale
    what changes in the process."""
    classification = (
        Classification.of(fields.classification, field="classification") if fields.classification else None
    )
    status = ClassificationStatus.of(fields.status, field="status")
    capability = (fields.capability or "").strip()
    config_key = (fields.config_key or "").strip()
    rationale = checked_text(fields.rationale, "rationale", TEXT_LIMIT)
    _check_capability(classification, capability, config_key, rationale)
    requirement.classification = classification.value if classification else None
    requirement.capability = capability if classification and classification.is_fit else ""
    requirement.config_key = config_key if classification is Classification.fit_configuration else ""
    requirement.rationale = rationale
    requirement.owner = checked_text(fields.owner, "owner", 120)
    requirement.status = ClassificationStatus.open.value if classification is None else status.value
    session.flush()
    audit.record(
        session,
        actor,
        "requirement.classify",
        "requirement",
        requirement.ref,
        {
            "project": requirement.project.key,
            "classification": requirement.classification,
            "capability": requirement.capability,
            "config_key": requirement.config_key,
            "status": requirement.status,
        },
    )
    return requirement


def _check_capability(
    classification: Classification | None, capability: str, config_key: str, rationale: str
) -> None:
    if classification is None:
        return
    if classification.is_fit:
        if not capability:
            raise GapAnalysisError(
                gettext("capability: %(label)s names the core's capability", label=classification.label),
                field="capability",
            )
        try:
            found = get_capability(capability)
        except KeyError:
            raise GapAnalysisError(
                gettext("capability: the core has no capability '%(capability)s'", capability=capability),
                field="capability",
            ) from None
        if classification is Classification.fit_configuration:
            if not found.config_keys:
                raise GapAnalysisError(
                    gettext(
                        "capability: %(capability)s works out of the box (no configuration key): classify it "
                        "as fit — standard",
                        capability=capability,
                    ),
                    field="capability",
                )
            if config_key not in found.config_keys:
                keys = ", ".join(found.config_keys)
                raise GapAnalysisError(
                    gettext(
                        "config_key: %(value)s does not switch %(capability)s on; use %(keys)s",
                        value=config_key or "(none)",
                        capability=capability,
                        keys=keys,
                    ),
                    field="config_key",
                )
    if classification is Classification.workaround and not rationale:
        raise GapAnalysisError(
            gettext("rationale: a workaround says what changes in the process"), field="rationale"
        )


def delete_requirement(session: Session, requirement: Requirement, *, actor: str) -> None:
    """Remove a requirement (its step links and modification links go with it; the
    modifications stay on the list)."""
    ref, project = requirement.ref, requirement.project.key
    session.delete(requirement)
    session.flush()
    audit.record(session, actor, "requirement.delete", "requirement", ref, {"project": project})


# --- steps ----------------------------------------------------------------------------------


def _add_step(session: Session, requirement: Requirement, lineage: str, node_id: str) -> RequirementStep:
    record = processes.latest_of(session, lineage)
    if record is None or record.project_id != requirement.project_id:
        raise GapAnalysisError(
            gettext("step: no process '%(lineage)s' in this project", lineage=lineage), field="step"
        )
    if node_id not in {node["id"] for node in record.document.get("nodes", [])}:
        raise GapAnalysisError(
            gettext("step: %(name)s has no step '%(node_id)s'", name=record.name, node_id=node_id),
            field="step",
        )
    if any(s.process_lineage == lineage and s.node_id == node_id for s in requirement.steps):
        raise GapAnalysisError(
            gettext("step: %(ref)s is already linked to that step", ref=requirement.ref), field="step"
        )
    link = RequirementStep(process_lineage=lineage, node_id=node_id)
    requirement.steps.append(link)
    session.flush()
    return link


def link_step(
    session: Session, requirement: Requirement, lineage: str, node_id: str, *, actor: str
) -> RequirementStep:
    """Link a requirement to a step of one of its project's process models (AS-IS or TO-BE)."""
    link = _add_step(session, requirement, lineage, node_id)
    audit.record(
        session,
        actor,
        "requirement.step.link",
        "requirement",
        requirement.ref,
        {"project": requirement.project.key, "process": lineage, "step": node_id},
    )
    return link


def unlink_step(session: Session, requirement: Requirement, link_id: int, *, actor: str) -> None:
    link = next((s for s in requirement.steps if s.id == link_id), None)
    if link is None:
        raise GapAnalysisError(
            gettext("step: %(ref)s has no step link %(link_id)s", ref=requirement.ref, link_id=link_id),
            field="step",
        )
    requirement.steps.remove(link)
    session.flush()
    audit.record(
        session,
        actor,
        "requirement.step.unlink",
        "requirement",
        requirement.ref,
        {"project": requirement.project.key, "process": link.process_lineage, "step": link.node_id},
    )


# --- import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    created: list[str]
    updated: list[str]


def import_rows(
    session: Session, project: Project, rows: Sequence[RequirementRow], *, actor: str, source: str
) -> ImportSummary:
    """Store imported rows: a row whose ID names an existing requirement updates it, any other
    row is a new requirement (with that number when given). Every problem is collected, each
    with its line and column; if there is any, GapAnalysisError lists them all and the caller
    rolls back, so nothing is half-imported."""
    created: list[str] = []
    updated: list[str] = []
    problems: list[IntakeProblem] = []
    for row in rows:
        fields = RequirementFields(row.title, row.priority, row.description, row.process_area)
        decision = ClassificationFields(
            row.classification, row.capability, row.config_key, row.rationale, row.owner, row.status
        )
        # No savepoint per row: a refused row raises before it writes anything, and any problem
        # makes the caller roll the whole import back.
        try:
            existing = (
                session.scalar(
                    select(Requirement).where(
                        Requirement.project_id == project.id, Requirement.number == row.number
                    )
                )
                if row.number is not None
                else None
            )
            if existing is not None:
                requirement = update_requirement(session, existing, fields, actor=actor)
                updated.append(requirement.ref)
            else:
                requirement = create_requirement(session, project, fields, actor=actor, number=row.number)
                created.append(requirement.ref)
            # An empty Classification cell leaves an existing requirement's decision as it is.
            if row.classification is not None or existing is None:
                classify(session, requirement, decision, actor=actor)
        except GapAnalysisError as error:
            # The domain's messages start with their field ("config_key: ..."); the file's
            # problems name the column instead, as the intake's own do.
            message = str(error).removeprefix(f"{error.field}: ") if error.field else str(error)
            problems.append(
                row.problem(error.field, message) if error.field else IntakeProblem(row.line, "", message)
            )
    if problems:
        raise GapAnalysisError(
            f"{source}: {len(problems)} problem(s), nothing imported:\n"
            + "\n".join(str(p) for p in problems),
            field="file",
        )
    audit.record(
        session,
        actor,
        "requirement.import",
        "project",
        project.key,
        {"source": source, "created": len(created), "updated": len(updated)},
    )
    return ImportSummary(created, updated)


def finding_of(session: Session, finding_id: int) -> Finding:
    finding = session.scalar(
        select(Finding)
        .where(Finding.id == finding_id)
        .options(selectinload(Finding.interview).selectinload(Interview.project))
    )
    if finding is None:
        raise GapAnalysisError(gettext("no finding %(finding_id)s", finding_id=finding_id), field="finding")
    return finding


def by_source_finding(session: Session, finding_ids: Iterable[int]) -> dict[int, list[Requirement]]:
    """The requirements raised by each of the findings (by finding id), by number."""
    wanted = list(finding_ids)
    found: dict[int, list[Requirement]] = {}
    if not wanted:
        return found
    for requirement in session.scalars(
        select(Requirement).where(Requirement.source_finding_id.in_(wanted)).order_by(Requirement.number)
    ):
        found.setdefault(requirement.source_finding_id or 0, []).append(requirement)
    return found


def gap_titles(session: Session, project: Project) -> list[tuple[int, str]]:
    """(number, title) of every requirement classified as a gap, by number: what a modification can close."""
    gaps = [c.value for c in Classification if c.is_gap]
    rows = session.execute(
        select(Requirement.number, Requirement.title)
        .where(Requirement.project_id == project.id, Requirement.classification.in_(gaps))
        .order_by(Requirement.number)
    )
    return [(row.number, row.title) for row in rows]
