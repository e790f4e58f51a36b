"""The modifications list (список доработок): record a modification (from a gap or typed in),
edit it, link it to the requirements it closes, and keep the dependencies between modifications
a DAG (a dependency that would close a cycle is refused, naming the cycle).

Plain functions taking a session; each change is audited in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import networkx as nx
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from gap_analysis.dependencies import Schedule, check_new_dependency, dependency_graph, schedule
from gap_analysis.enums import Classification, ModificationStatus, Priority
from gap_analysis.errors import GapAnalysisError
from gap_analysis.fields import checked_text
from workbench.audit import service as audit
from workbench.modifications.models import Modification, modification_dependencies
from workbench.projects.models import Project
from workbench.requirements.models import Requirement

MAX_ESTIMATE = Decimal("9999.9")


@dataclass(frozen=True)
class ModificationFields:
    title: str
    estimate_days: Decimal | str
    priority: Priority | str
    status: ModificationStatus | str = ModificationStatus.proposed
    description: str = ""


def _estimate(value: Decimal | str) -> Decimal:
    try:
        days = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise GapAnalysisError(
            gettext("estimate_days: '%(value)s' is not a number of person-days", value=value),
            field="estimate_days",
        ) from None
    if not days.is_finite() or days < 0 or days > MAX_ESTIMATE:
        raise GapAnalysisError(
            gettext("estimate_days: between 0 and %(MAX_ESTIMATE)s person-days", MAX_ESTIMATE=MAX_ESTIMATE),
            field="estimate_days",
        )
    if days != days.quantize(Decimal("0.1")):
        raise GapAnalysisError(
            gettext("estimate_days: to a tenth of a day at most (e.g. 2.5)"), field="estimate_days"
        )
    return days.quantize(Decimal("0.1"))


def _apply(modification: Modification, fields: ModificationFields) -> None:
    title = checked_text(fields.title, "title", 300, required=True)
    priority = Priority.of(fields.priority, field="priority")
    status = ModificationStatus.of(fields.status, field="status")
    description = checked_text(fields.description, "description", 20_000)
    modification.title = title
    modification.estimate_days = _estimate(fields.estimate_days)
    modification.priority = priority.value
    modification.status = status.value
    modification.description = description


def create_modification(
    session: Session,
    project: Project,
    fields: ModificationFields,
    *,
    actor: str,
    requirements: list[Requirement] | None = None,
) -> Modification:
    """Add MOD-<next number> to the project's list, closing the given (gap) requirements."""
    highest = session.scalar(
        select(func.max(Modification.number)).where(Modification.project_id == project.id)
    )
    modification = Modification(project_id=project.id, number=(highest or 0) + 1, created_by=actor)
    _apply(modification, fields)
    session.add(modification)
    session.flush()
    for requirement in requirements or []:
        _link(modification, requirement)
    session.flush()
    audit.record(
        session,
        actor,
        "modification.create",
        "modification",
        modification.ref,
        {
            "project": project.key,
            "title": modification.title,
            "estimate_days": str(modification.estimate_days),
            "requirements": [r.ref for r in modification.requirements],
        },
    )
    return modification


def update_modification(
    session: Session, modification: Modification, fields: ModificationFields, *, actor: str
) -> Modification:
    _apply(modification, fields)
    session.flush()
    audit.record(
        session,
        actor,
        "modification.update",
        "modification",
        modification.ref,
        {
            "project": modification.project.key,
            "title": modification.title,
            "estimate_days": str(modification.estimate_days),
            "status": modification.status,
        },
    )
    return modification


def delete_modification(session: Session, modification: Modification, *, actor: str) -> None:
    """Remove a modification; its requirement links and dependencies (both ways) go with it."""
    ref, project = modification.ref, modification.project.key
    session.execute(
        modification_dependencies.delete().where(modification_dependencies.c.depends_on_id == modification.id)
    )
    session.delete(modification)
    session.flush()
    audit.record(session, actor, "modification.delete", "modification", ref, {"project": project})


def _link(modification: Modification, requirement: Requirement) -> None:
    if requirement.project_id != modification.project_id:
        raise GapAnalysisError(
            gettext("requirements: %(ref)s belongs to another project", ref=requirement.ref),
            field="requirements",
        )
    classification = Classification(requirement.classification) if requirement.classification else None
    if classification is None or not classification.is_gap:
        shown = classification.label if classification else "not classified"
        raise GapAnalysisError(
            gettext(
                "requirements: %(ref)s is %(shown)s; only a gap needs a modification",
                ref=requirement.ref,
                shown=shown,
            ),
            field="requirements",
        )
    if requirement not in modification.requirements:
        modification.requirements.append(requirement)


def link_requirement(
    session: Session, modification: Modification, requirement: Requirement, *, actor: str
) -> None:
    """Say that `modification` closes the gap of `requirement`."""
    _link(modification, requirement)
    session.flush()
    audit.record(
        session,
        actor,
        "modification.requirement.link",
        "modification",
        modification.ref,
        {"project": modification.project.key, "requirement": requirement.ref},
    )


def unlink_requirement(
    session: Session, modification: Modification, requirement: Requirement, *, actor: str
) -> None:
    if requirement not in modification.requirements:
        raise GapAnalysisError(
            gettext(
                "requirements: %(ref)s does not close %(ref2)s", ref=modification.ref, ref2=requirement.ref
            ),
            field="requirements",
        )
    modification.requirements.remove(requirement)
    session.flush()
    audit.record(
        session,
        actor,
        "modification.requirement.unlink",
        "modification",
        modification.ref,
        {"project": modification.project.key, "requirement": requirement.ref},
    )


def project_graph(session: Session, project: Project) -> nx.DiGraph:
    """The dependency DAG of a project's modifications (refs, estimates), in two queries."""
    rows = session.execute(
        select(Modification.id, Modification.number, Modification.estimate_days).where(
            Modification.project_id == project.id
        )
    ).all()
    refs = {row.id: f"MOD-{row.number}" for row in rows}
    depends: dict[str, list[str]] = {}
    if refs:
        for edge in session.execute(
            select(modification_dependencies).where(modification_dependencies.c.modification_id.in_(refs))
        ):
            depends.setdefault(refs[edge.modification_id], []).append(refs[edge.depends_on_id])
    return dependency_graph({refs[row.id]: row.estimate_days for row in rows}, depends)


def add_dependency(
    session: Session, modification: Modification, prerequisite: Modification, *, actor: str
) -> None:
    """Record that `modification` cannot start before `prerequisite` is done; refused when it
    would make a cycle."""
    if prerequisite.project_id != modification.project_id:
        raise GapAnalysisError(
            gettext("depends_on: %(ref)s belongs to another project", ref=prerequisite.ref),
            field="depends_on",
        )
    if prerequisite in modification.depends_on:
        raise GapAnalysisError(
            gettext(
                "depends_on: %(ref)s already depends on %(ref2)s", ref=modification.ref, ref2=prerequisite.ref
            ),
            field="depends_on",
        )
    check_new_dependency(project_graph(session, modification.project), modification.ref, prerequisite.ref)
    modification.depends_on.append(prerequisite)
    session.flush()
    audit.record(
        session,
        actor,
        "modification.dependency.add",
        "modification",
        modification.ref,
        {"project": modification.project.key, "depends_on": prerequisite.ref},
    )


def remove_dependency(
    session: Session, modification: Modification, prerequisite: Modification, *, actor: str
) -> None:
    if prerequisite not in modification.depends_on:
        raise GapAnalysisError(
            gettext(
                "depends_on: %(ref)s does not depend on %(ref2)s", ref=modification.ref, ref2=prerequisite.ref
            ),
            field="depends_on",
        )
    modification.depends_on.remove(prerequisite)
    session.flush()
    audit.record(
        session,
        actor,
        "modification.dependency.remove",
        "modification",
        modification.ref,
        {"project": modification.project.key, "depends_on": prerequisite.ref},
    )


def get_modification(session: Session, project: Project, number: int) -> Modification:
    modification = session.scalar(
        select(Modification).where(Modification.project_id == project.id, Modification.number == number)
    )
    if modification is None:
        raise GapAnalysisError(
            gettext("no modification MOD-%(number)s in %(key)s", number=number, key=project.key),
            field="number",
        )
    return modification


def list_modifications(session: Session, project: Project) -> list[Modification]:
    """A project's modifications by number, with what they close and depend on loaded."""
    return list(
        session.scalars(
            select(Modification)
            .where(Modification.project_id == project.id)
            .options(selectinload(Modification.requirements), selectinload(Modification.depends_on))
            .order_by(Modification.number)
        )
    )


def project_schedule(session: Session, project: Project) -> Schedule:
    """Total effort and critical path of the project's modifications list."""
    return schedule(project_graph(session, project))
