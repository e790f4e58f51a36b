"""Counting changes to a project's deliverables, so a look at an open package can skip
rebuilding a snapshot when nothing changed.

Every flush that adds, changes or deletes a row of the package's content (requirements and
their step links, modifications and their links, process model versions, scenarios, inventory
items) bumps `projects.content_version` in the same transaction. A page compares the counter
(and the configuration version's hash) with what the package last saw; decisions never trust the
counter and always rebuild (a change the counter missed can never be approved unseen).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from workbench.acceptance.models import Feature, Scenario, ScenarioRequirement
from workbench.interviews.models import Finding, Interview
from workbench.inventories.models import InventoryItem
from workbench.modifications.models import Modification
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project
from workbench.requirements.models import Requirement, RequirementStep

_WITH_PROJECT = (
    Requirement,
    Modification,
    ProcessRecord,
    Feature,
    Scenario,
    ScenarioRequirement,
    InventoryItem,
    Interview,
)


@event.listens_for(Session, "after_flush")
def _bump(session: Session, _context: Any) -> None:
    projects: set[int] = set()
    requirements: set[int] = set()
    interviews: set[int] = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, _WITH_PROJECT):
            projects.add(instance.project_id)
        elif isinstance(instance, RequirementStep):  # its project through its requirement's id (no lazy load)
            requirements.add(instance.requirement_id)
        elif isinstance(instance, Finding):
            interviews.add(instance.interview_id)
    if not (projects or requirements or interviews):
        return
    chosen = or_(
        Project.id.in_(projects),
        Project.id.in_(select(Requirement.project_id).where(Requirement.id.in_(requirements))),
        Project.id.in_(select(Interview.project_id).where(Interview.id.in_(interviews))),
    )
    session.connection().execute(
        update(Project).where(chosen).values(content_version=Project.content_version + 1)
    )
