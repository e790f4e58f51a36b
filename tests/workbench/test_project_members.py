"""Project members: every project route opens for a member and answers 404 to a non-member.

The routes are read from the app's URL map, so a route added later is covered without touching
this file: a rule belongs to a project when its URL names the project (`<key>`,
`<project_key>`) or an object the project owns (workbench.projects.access.OWNED_OBJECTS).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from loyalty_core.config import service as config_service
from workbench.acceptance.models import Feature, Run, Scenario
from workbench.auth import service as auth
from workbench.auth.models import User
from workbench.demo.loader import HERE as DEMO_FILES
from workbench.demo.project import load_demo_project
from workbench.extensions import db
from workbench.interviews.models import Finding, Interview
from workbench.inventories.models import InventoryItem
from workbench.modifications.models import Modification
from workbench.processes.models import ProcessRecord
from workbench.projects import members
from workbench.projects.access import OWNED_OBJECTS, PROJECT_KEY_ARGUMENTS
from workbench.projects.models import Project
from workbench.projects.service import create_project
from workbench.requirements.models import RequirementStep

from .conftest import PASSWORD, make_app

OUTSIDER = "outsider"
# Routes that name their object in the query string too.
QUERIES = {"signoff.item": "?key=requirement:REQ-1"}


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The DEMO project with an object of every kind, and a consultant who is not a member."""
    app = make_app(tmp_path_factory.mktemp("members"))
    with app.app_context():
        from sqlalchemy import event

        from tests.workbench.conftest import _role_users_join

        event.listen(Project, "after_insert", _role_users_join)  # module scope: the autouse one is per test
        try:
            load_demo_project(db.session(), actor="t")
        finally:
            event.remove(Project, "after_insert", _role_users_join)
        project = db.session.scalars(select(Project).where(Project.key == "DEMO")).one()
        version = config_service.create_version(
            db.session(), "v1", (DEMO_FILES / "v1.yaml").read_text("utf-8"), created_by="t"
        )
        db.session.add(
            Run(project_id=project.id, config_version_id=version.id, config_label="v1", config_hash="x" * 64)
        )
        auth.create_user(db.session(), OUTSIDER, PASSWORD, "consultant", actor="t")
        _plan_and_package(project)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _plan_and_package(project: Project) -> None:
    """A rollout plan of DEMO (pilot R001, with a feedback item and its checklist) and a
    prototype package submitted to the approver: their routes belong to the project too."""
    import datetime as dt

    from loyalty_core.stores import service as store_service
    from rollout import readiness
    from rollout import service as rollout
    from workbench.signoff import service as signoff

    now = dt.datetime.now(dt.UTC)
    v1 = config_service.get_version(db.session(), "v1")
    config_service.approve(db.session(), v1, approved_by="t")
    config_service.create_version(db.session(), "v2", v1.source_text, created_by="t")
    store_service.add_store(db.session(), "R001", "retail", name="R001", city="Москва")
    plan = rollout.create_plan(db.session(), "DEMO", v1, ["R001"], actor="t", now=now)
    readiness.add_feedback(
        db.session(),
        plan,
        store_code="R001",
        reporter="t",
        severity="low",
        category="question",
        text="t",
        actor="t",
        now=now,
    )
    readiness.checklist(db.session(), plan.waves[0])
    signoff.submit(
        db.session(), project, approvers=["approver"], actor="consultant", rule="all", version_label="v2"
    )


def _first(model: Any, *where: Any) -> Any:
    return db.session.scalars(select(model).where(*where).order_by(model.id)).first()


def _values(rule: Rule) -> dict[str, Any]:
    """A real value for every variable of `rule`, taken from the DEMO project."""
    record = _first(ProcessRecord)
    modification = _first(Modification, Modification.requirements.any(), Modification.depends_on.any())
    link = _first(RequirementStep)
    from rollout.models import ChecklistItem, FeedbackItem, RolloutPlan
    from workbench.signoff.models import Package

    per_blueprint_number = {
        "modifications": modification.number,
        "requirements": link.requirement.number,
        "acceptance": link.requirement.number,
        "rollout": 1,
    }
    per_blueprint_kind = {"signoff": "sheet"}
    known = {
        "key": "DEMO",
        "project_key": "DEMO",
        "variant": "as-is",
        "kind": per_blueprint_kind.get(rule.endpoint.split(".")[0], "xlsx"),
        "plan_id": _first(RolloutPlan).id,
        "feedback_id": _first(FeedbackItem).id,
        "check_id": _first(ChecklistItem).id,
        "package_id": _first(Package).id,
        "section": "requirements",
        "stage": 1,
        "model_id": record.id,
        "node_id": record.document["nodes"][0]["id"],
        "flow_id": record.document["flows"][0]["id"],
        "interview_id": _first(Interview).id,
        "finding_id": _first(Finding).id,
        "item_id": _first(InventoryItem).id,
        "feature_id": _first(Feature).id,
        "scenario_id": _first(Scenario).id,
        "run_id": _first(Run).id,
        "number": per_blueprint_number.get(rule.endpoint.split(".")[0]),
        "link_id": link.id,
        "other": modification.depends_on[0].number,
        "requirement": modification.requirements[0].number,
        "user_id": db.session.scalars(select(User.id).where(User.username == "approver")).one(),
    }
    missing = set(rule.arguments) - {name for name, value in known.items() if value is not None}
    assert not missing, f"{rule.rule}: no test value for {missing}; add one above"
    return {name: known[name] for name in rule.arguments}


def _project_rules(app: Flask) -> list[tuple[Rule, str]]:
    owned = set(PROJECT_KEY_ARGUMENTS) | set(OWNED_OBJECTS)
    rules = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.arguments & owned
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]
    # Deleting routes last, the deepest first (a dependency before its modification), so the
    # objects every other route names still exist when it runs.
    return sorted(
        rules, key=lambda pair: ("delete" in pair[0].rule, -pair[0].rule.count("/"), pair[0].rule, pair[1])
    )


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def _walk(client: FlaskClient, app: Flask) -> list[tuple[str, str, int]]:
    """(method, url, status) of every project route; the URLs are all built before the first call."""
    calls = []
    with app.test_request_context():
        for rule, method in _project_rules(app):
            url = rule.build(_values(rule), append_unknown=False)[1]  # type: ignore[index]
            calls.append((method, url + QUERIES.get(rule.endpoint, "")))
        db.session.remove()
    return [(method, url, client.open(url, method=method, data={}).status_code) for method, url in calls]


def test_every_project_route_is_covered(demo_app: Flask) -> None:
    endpoints = {rule.endpoint for rule, _ in _project_rules(demo_app)}
    # A sample of what the walk must include: sections, objects, uploads, exports, members.
    assert {
        "projects.project",
        "projects.members_page",
        "requirements.import_file",
        "processes.import_file",
        "processes.show",
        "interviews.show",
        "inventories.edit",
        "acceptance.run",
        "acceptance.feature",
        "documents.description",
        "gapmap.export",
        "interviews.delete_finding",
        "requirements.from_finding",
    } <= endpoints
    assert len(_project_rules(demo_app)) >= 60


def test_a_non_member_gets_404_on_every_project_route(demo_app: Flask) -> None:
    outsider = _client(demo_app, OUTSIDER)
    answers = _walk(outsider, demo_app)
    assert [a for a in answers if a[2] != 404] == []
    assert "DEMO" not in outsider.get("/projects/").get_data(as_text=True)


def test_a_member_opens_every_project_route(demo_app: Flask) -> None:
    # Runs after the non-member walk (same module app): nothing has been changed by that one.
    # Members of every role walk: membership never answers 404, and each route opens (no 403)
    # for the role it is for (a consultant's pages, a rollout manager's, an approver's).
    # The consultant walks last: its walk ends by deleting what the other walks name.
    walks = {
        role: _walk(_client(demo_app, role), demo_app)
        for role in ("approver", "rollout_manager", "consultant")
    }
    for role, answers in walks.items():
        assert [a for a in answers if a[2] == 404 or a[2] >= 500] == [], role
    by_route = zip(*walks.values(), strict=True)
    assert [calls[0][:2] for calls in by_route if all(status == 403 for _, _, status in calls)] == []
    assert "DEMO" in _client(demo_app, "consultant").get("/projects/").get_data(as_text=True)


def test_admin_sees_every_project_without_being_a_member(app: Flask, login_as: Any) -> None:
    with app.app_context():
        create_project(db.session(), "ACME", "Acme", actor="t")
        db.session.commit()
        project = db.session.scalars(select(Project)).one()
        for username in ("admin", "approver"):
            user = auth.get_user(db.session(), username)
            assert user is not None
            members.remove_member(db.session(), project, user, actor="t")
        db.session.commit()
    client = login_as("admin")
    assert client.get("/projects/ACME").status_code == 200
    assert "ACME" in client.get("/projects/").get_data(as_text=True)
    client.post("/logout")
    approver = login_as("approver")
    assert approver.get("/projects/ACME").status_code == 404


def test_a_new_project_is_led_by_its_creator_who_manages_members(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        olga = auth.create_user(db.session(), "olga", PASSWORD, "consultant", actor="t")
        auth.create_user(db.session(), "ivan", PASSWORD, "consultant", actor="t")
        db.session.commit()
        olga_id = olga.id
    olga_client = _client(app, "olga")
    created = olga_client.post("/projects/", data={"key": "FRESH", "name": "Fresh", "stage": "1"})
    assert created.status_code == 302
    ivan = _client(app, "ivan")
    assert ivan.get("/projects/FRESH").status_code == 404
    page = olga_client.get("/projects/FRESH/members")
    assert page.status_code == 200 and "olga" in page.get_data(as_text=True)
    added = olga_client.post("/projects/FRESH/members", data={"username": "ivan", "role": "member"})
    assert added.status_code == 302
    assert ivan.get("/projects/FRESH").status_code == 200
    # A plain member may not manage the members.
    assert ivan.get("/projects/FRESH/members").status_code == 403
    assert ivan.post(f"/projects/FRESH/members/{olga_id}/delete").status_code == 403
    with app.app_context():
        ivan_id = auth.get_user(db.session(), "ivan").id  # type: ignore[union-attr]
    assert olga_client.post(f"/projects/FRESH/members/{ivan_id}/delete").status_code == 302
    assert ivan.get("/projects/FRESH").status_code == 404
    with app.app_context():
        from workbench.audit.models import AuditEntry

        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == "FRESH")).all()
        assert {"project.create", "project.member_add", "project.member_remove"} <= set(actions)


def test_a_lead_must_be_a_consultant(app: Flask, login_as: Any) -> None:
    with app.app_context():
        create_project(db.session(), "ACME", "Acme", actor="t")
        db.session.commit()
    admin = login_as("admin")
    response = admin.post(
        "/projects/ACME/members", data={"username": "approver", "role": "lead"}, follow_redirects=True
    )
    assert "a lead must be a consultant" in response.get_data(as_text=True)
