"""Projects: create, find, list. Changes are audited in the caller's transaction."""

from __future__ import annotations

import re

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.audit import service as audit
from workbench.projects.enums import Stage
from workbench.projects.models import Project

KEY_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")
DIRECTIONS = ("retail", "wholesale")


class ProjectError(Exception):
    """A refusal of the projects domain, naming the field."""


def create_project(
    session: Session,
    key: str,
    name: str,
    *,
    actor: str,
    client: str = "",
    directions: list[str] | None = None,
    stage: Stage = Stage.analysis,
    description: str = "",
) -> Project:
    key = key.strip().upper()
    if not KEY_PATTERN.match(key):
        raise ProjectError(
            gettext("key '%(key)s': 2-32 capital letters, digits or _, starting with a letter", key=key)
        )
    if not name.strip():
        raise ProjectError(gettext("name is required"))
    unknown = sorted(set(directions or []) - set(DIRECTIONS))
    if unknown:
        raise ProjectError(
            gettext(
                "directions: unknown %(join)s (use %(join2)s)",
                join=", ".join(unknown),
                join2=", ".join(DIRECTIONS),
            )
        )
    if session.scalar(select(Project.id).where(Project.key == key)) is not None:
        raise ProjectError(gettext("project %(key)s already exists", key=key))
    project = Project(
        key=key,
        name=name.strip(),
        client=client.strip(),
        directions=list(directions or []),
        stage=int(stage),
        description=description.strip(),
    )
    session.add(project)
    session.flush()
    audit.record(session, actor, "project.create", "project", key, {"name": project.name})
    return project


def get_project(session: Session, key: str) -> Project:
    project = session.scalar(select(Project).where(Project.key == key.strip().upper()))
    if project is None:
        raise ProjectError(gettext("no project '%(key)s'", key=key))
    return project


def list_projects(session: Session) -> list[Project]:
    return list(session.scalars(select(Project).order_by(Project.key)))
