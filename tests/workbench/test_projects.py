"""Implementation projects: one workbench, several clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.projects import service
from workbench.projects.enums import Stage


def test_a_project_is_created_and_audited(app: Flask) -> None:
    with app.app_context():
        project = service.create_project(
            db.session(),
            "demo",
            "Свежий рынок",
            actor="consultant",
            client="Свежий рынок",
            directions=["retail", "wholesale"],
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
def test_bad_projects_are_refused_naming_the_field(
    app: Flask, key: str, name: str, directions: list[str], message: str
) -> None:
    with app.app_context(), pytest.raises(service.ProjectError, match=message):
        service.create_project(db.session(), key, name, actor="t", directions=directions)


def test_a_key_is_unique(app: Flask) -> None:
    with app.app_context():
        service.create_project(db.session(), "ACME", "Acme", actor="t")
        with pytest.raises(service.ProjectError, match="already exists"):
            service.create_project(db.session(), "acme", "Acme again", actor="t")


def test_a_consultant_creates_a_project_in_the_browser(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("consultant")
    response = client.post(
        "/projects/",
        data={
            "key": "fresh",
            "name": "Свежий рынок",
            "client": "ООО «Свежий рынок»",
            "directions": ["retail", "wholesale"],
            "stage": "2",
            "description": "Внедрение СУЛ",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "project FRESH created" in page and "Внедрение СУЛ" in page and "retail, wholesale" in page
    refused = client.post(
        "/projects/", data={"key": "FRESH", "name": "again", "stage": "1"}, follow_redirects=True
    )
    assert "project FRESH already exists" in refused.get_data(as_text=True)


def test_only_consultants_create_projects(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    client = login_as("approver")
    assert client.post("/projects/", data={"key": "X1", "name": "x", "stage": "1"}).status_code == 403
    assert "New project" not in client.get("/projects/").get_data(as_text=True)
