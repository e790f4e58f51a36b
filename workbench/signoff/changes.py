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

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from workbench.acceptance.models import Feature, Scenario, ScenarioRequirement
from workbench.interviews.models import Finding, Interview
from workbench.inventories.models import InventoryItem
from workbench.modifications.models import Modification
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project
from workbench.requirements.models import Requirement, RequirementStep

_WITH_PROJECT = (Requirement, Modification, ProcessRecord, Feature, Scenario, ScenarioRequirement, InventoryItem, Interview)


def _project_of(instance: Any) -> int | None:
    if isinstance(instance, _WITH_PROJECT):
        return instance.project_id
    if isinstance(instance, RequirementStep):
        return instance.requirement.project_id if instance.requirement is not None else None
    if isinstance(instance, Finding):
        return instance.interview.project_id if instance.interview is not None else None
    return None


@event.listens_for(Session, "after_flush")
def _bump(session: Session, _context: Any) -> None:
    touched = {_project_of(i) for i in (*session.new, *session.dirty, *session.deleted)}
    touched.discard(None)
    if touched:
        session.connection().execute(
            update(Project).where(Project.id.in_(touched)).values(content_version=Project.content_version + 1)
        )
