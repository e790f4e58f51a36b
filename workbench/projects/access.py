"""The membership check of every project route, made in one place.

A route belongs to a project when its URL names the project (`/projects/<key>/...`,
`/processes/import/<project_key>`) or an object the project owns (`/processes/<model_id>`,
`/interviews/<interview_id>`, ...). Before such a view runs, a signed-in user who is not a
member (and not an admin) gets a 404: the same answer as for a project that does not exist, so
client names do not leak to people outside the project. New routes are covered by naming their
URL variables as below; tests/workbench/test_project_members.py walks every rule to prove it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from flask_login import current_user
from sqlalchemy import Select, select

from rollout.models import RolloutPlan
from workbench.acceptance.models import Feature, Run, Scenario
from workbench.extensions import db
from workbench.interviews.models import Finding, Interview
from workbench.inventories.models import InventoryItem
from workbench.processes.models import ProcessRecord
from workbench.projects.members import may_open
from workbench.projects.models import Project
from workbench.signoff.models import Package

PROJECT_KEY_ARGUMENTS = ("key", "project_key")

# URL variable -> the query of the owning project's id. The first named variable of a route
# decides, so a route's outermost object (a plan, a package) comes first.
OWNED_OBJECTS: dict[str, Any] = {
    "plan_id": lambda value: (
        select(Project.id)
        .join(RolloutPlan, RolloutPlan.project_key == Project.key)
        .where(RolloutPlan.id == value)
    ),
    "package_id": lambda value: select(Package.project_id).where(Package.id == value),
    "model_id": lambda value: select(ProcessRecord.project_id).where(ProcessRecord.id == value),
    "interview_id": lambda value: select(Interview.project_id).where(Interview.id == value),
    "finding_id": lambda value: (
        select(Interview.project_id)
        .join(Finding, Finding.interview_id == Interview.id)
        .where(Finding.id == value)
    ),
    "item_id": lambda value: select(InventoryItem.project_id).where(InventoryItem.id == value),
    "feature_id": lambda value: select(Feature.project_id).where(Feature.id == value),
    "scenario_id": lambda value: select(Scenario.project_id).where(Scenario.id == value),
    "run_id": lambda value: select(Run.project_id).where(Run.id == value),
}


def _owning_project(arguments: dict[str, Any]) -> Project | None:
    for name in PROJECT_KEY_ARGUMENTS:
        if isinstance(arguments.get(name), str):
            return db.session.scalar(select(Project).where(Project.key == arguments[name].strip().upper()))
    for name, query in OWNED_OBJECTS.items():
        if name in arguments:
            statement: Select[Any] = query(arguments[name])
            project_id = db.session.scalar(statement)
            return db.session.get(Project, project_id) if project_id is not None else None
    return None


def require_member(project: Project) -> None:
    """A 404 unless the signed-in user may open `project` (views call it for objects named in
    the query string, e.g. the two models of a comparison)."""
    if not current_user.is_authenticated or not may_open(db.session(), project, current_user):
        abort(404)


def require_owner_member(argument: str, value: Any) -> None:
    """A 404 unless the signed-in user may open the project that owns the object named in the
    query string as `argument` would name it in a URL (`require_owner_member("plan_id", 3)`):
    the check `guard_project_routes` makes for URL variables, for views that take the object
    from the query (e.g. `/analytics/pilot?plan=3`)."""
    project = _owning_project({argument: value})
    if project is not None:
        require_member(project)


def guard_project_routes() -> None:
    """Runs before every view: a non-member who names a project or its object gets a 404.

    Anonymous visitors pass on to the view, whose role check sends them to the sign-in page.
    A project or object that does not exist is left to the view's own 404.
    """
    if not request.view_args or not current_user.is_authenticated:
        return
    project = _owning_project(request.view_args)
    if project is not None:
        require_member(project)


def init_project_access(app: Flask) -> None:
    app.before_request(guard_project_routes)
