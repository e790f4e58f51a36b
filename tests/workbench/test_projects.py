"""Implementation projects: one workbench, several clients."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.projects import service
from workbench.projects.enums import Stage


def test_a_project_is_created_and_audited(app: Flask) -> None:
    with app.app_context():
        project = service.create_project(
            db.session(), "demo", "Свежий рынок", actor="consultant", client="Свежий рынок", directions=["retail", "wholesale"]
        )
        db.session.commit()
        assert project.key == "DEMO" and Stage(project.stage) is Stage.analysis
        assert service.get_project(db.session(), "demo").id == project.id
        actions = [(e.action, e.target_id) for e in db.session.scalars(select(AuditEntry))]
        assert ("project.create", "DEMO") in actions


@pytest.mark.parametrize(
    ("key", "name", "directions", "message"),
    [
        ("1ABC", "x", [], "capital letters"),
        ("DEMO2", " ", [], "name is required"),
        ("DEMO3", "x", ["online"], "directions: unknown online"),
    ],
    ids=["key starting with a digit", "blank name", "unknown direction"],
)
def test_bad_projects_are_refused_naming_the_field(app: Flask, key: str, name: str, directions: list[str], message: str) -> None:
    with app.app_context():
        with pytest.raises(service.ProjectError, match=message):
            service.create_project(db.session(), key, name, actor="t", directions=directions)


def test_a_key_is_unique(app: Flask) -> None:
    with app.app_context():
        service.create_project(db.session(), "ACME", "Acme", actor="t")
        with pytest.raises(service.ProjectError, match="already exists"):
            service.create_project(db.session(), "acme", "Acme again", actor="t")
