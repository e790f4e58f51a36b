"""The rollout pages: who may do what, CSRF, and a rollout manager's day (register, plan, gate,
feedback, checklist, advance, rollback, documents), each change in the audit log."""

from __future__ import annotations

import io
from collections.abc import Callable

from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from rollout.models import RolloutPlan
from tests.workbench.conftest import PASSWORD, csrf_signed_in, download
from tests.workbench.rollout_support import seed_chain, seed_project
from workbench.audit.models import AuditEntry
from workbench.extensions import db

MORE = """Код,Название,Направление,Регион,Город,Часовой пояс,Формат,Дата открытия,Статус
R101,Новый 1,розница,Moscow,Москва,Europe/Moscow,у дома,2024-01-01,открыт
R102,Новый 2,розница,Moscow,Москва,Europe/Moscow,у дома,2024-01-01,открыт
"""


def _upload(client: FlaskClient, text: str, name: str = "register.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/rollout/stores/import",
        data={"register": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_every_page_checks_the_role(
    app: Flask, client: FlaskClient, login_as: Callable[[str], FlaskClient]
) -> None:
    seed_chain(app)
    seed_project(app)
    assert client.get("/rollout/").status_code == 302  # anonymous: to the sign-in page
    consultant = login_as("consultant")
    for page in ("/rollout/", "/rollout/stores"):
        assert consultant.get(page).status_code == 200
    assert (
        consultant.post(
            "/rollout/plans", data={"project": "DEMO", "version": "v2", "pilot": "R001"}
        ).status_code
        == 403
    )
    assert _upload(consultant, MORE).status_code == 403


def test_forms_need_the_csrf_token(csrf_app: Flask) -> None:
    seed_chain(csrf_app)
    seed_project(csrf_app)
    client, token = csrf_signed_in(csrf_app, "rollout_manager")
    refused = client.post("/rollout/plans", data={"project": "DEMO", "version": "v2", "pilot": "R001"})
    assert refused.status_code == 400
    done = client.post(
        "/rollout/plans", data={"project": "DEMO", "version": "v2", "pilot": "R001", "csrf_token": token}
    )
    assert done.status_code == 302 and "/rollout/plans/1" in done.headers["Location"]


def test_the_register_page_imports_filters_and_counts(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    seed_chain(app)
    seed_project(app)
    manager = login_as("rollout_manager")
    page = _upload(manager, MORE).get_data(as_text=True)
    assert "register.csv: 2 store(s) added, 0 updated" in page
    bad = _upload(manager, MORE.replace("Europe/Moscow", "Moscow/Europe", 1)).get_data(as_text=True)
    assert "line 2, Часовой пояс: unknown time zone &#39;Moscow/Europe&#39;" in bad
    counts = manager.get("/rollout/stores").get_data(as_text=True)
    assert "v1: 8" in counts and "-: 3" in counts  # R007 is closed, R101/R102 have no version yet
    wholesale = manager.get("/rollout/stores?direction=wholesale&version=v1").get_data(as_text=True)
    assert "W001" in wholesale and "R001" not in wholesale
    ural = manager.get("/rollout/stores?region=Ural").get_data(as_text=True)
    assert "R003" in ural and "R001" not in ural


def test_a_rollout_managers_day(
    app: Flask, client: FlaskClient, login_as: Callable[[str], FlaskClient]
) -> None:
    seed_chain(app)
    seed_project(app)
    manager = login_as("rollout_manager")
    six = {"project": "DEMO", "version": "v2", "pilot": "R001,R002,R003,R004,R005,R006"}
    refused = manager.post("/rollout/plans", data=six, follow_redirects=True).get_data(as_text=True)
    assert "at most 5 stores per direction" in refused
    made = manager.post("/rollout/plans", data={**six, "pilot": "R001,R002,R003,W001,W002"})
    assert made.headers["Location"].endswith("/rollout/plans/1")
    manager.post("/rollout/plans/1/advance")
    manager.post("/rollout/plans/1/waves", data={"stores": "R004,R005", "at": "2099-01-15 03:00"})

    plan = manager.get("/rollout/plans/1").get_data(as_text=True)
    assert 'id="gate-state">closed' in plan
    assert 'data-name="pilot_ran"' in plan and 'data-name="checklist_complete"' in plan

    manager.post(
        "/rollout/plans/1/feedback",
        data={
            "store": "R001",
            "reporter": "Cashier",
            "severity": "high",
            "category": "defect",
            "text": "No points printed",
        },
    )
    log = manager.get("/rollout/plans/1/feedback?status=open").get_data(as_text=True)
    assert "No points printed" in log
    manager.post("/rollout/plans/1/feedback/1/status", data={"status": "fixed"})
    assert "No points printed" not in manager.get("/rollout/plans/1/feedback?status=open").get_data(
        as_text=True
    )
    book = load_workbook(io.BytesIO(download(manager, "/rollout/plans/1/feedback.xlsx").data))
    assert [c.value for c in book.active[2]][1:4] == ["R001", "Cashier", "high"]

    manager.post("/rollout/plans/1/waves/2/checklist", data={})
    checklist = manager.get("/rollout/plans/1/waves/2/checklist").get_data(as_text=True)
    assert "8 of 8 done" in checklist

    blocked = manager.post("/rollout/plans/1/advance", follow_redirects=True).get_data(as_text=True)
    assert "the gate before wave 2 is closed" in blocked and "pilot_ran" in blocked
    client.post("/logout")
    approver = login_as("approver")
    overridden = approver.post(
        "/rollout/plans/1/advance", data={"override_reason": "board approved"}, follow_redirects=True
    )
    assert "wave 2 advanced: 2 store(s) scheduled" in overridden.get_data(as_text=True)
    docx = download(approver, "/rollout/plans/1/waves/2/go-no-go.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "override by approver" in text and "Override reason: board approved" in text
    cells = [c.text for t in Document(io.BytesIO(docx.data)).tables for row in t.rows for c in row.cells]
    assert "R004" in cells and "NOT met" in cells
    client.post("/logout")

    manager = login_as("rollout_manager")
    rolled = manager.post(
        "/rollout/plans/1/rollback",
        data={"scope": "store", "store": "R001", "reason": "tills"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "rolled back: R001" in rolled
    status = load_workbook(io.BytesIO(download(manager, "/rollout/plans/1/status.xlsx").data)).active
    rows = {r[0]: r for r in status.iter_rows(min_row=2, values_only=True)}
    assert rows["R001"][6] == "v1" and rows["R001"][10] == "rolled_back"
    assert rows["R002"][6] == "v2" and rows["R004"][9] == "2099-01-15 03:00"
    with app.app_context():
        actions = {e.action for e in db.session.scalars(select(AuditEntry))}
    assert {
        "rollout.plan_create",
        "rollout.advance",
        "rollout.wave_add",
        "rollout.feedback_add",
        "rollout.feedback_status",
        "rollout.checklist",
        "rollout.gate_override",
        "rollout.rollback",
    } <= actions


def _outsider_of(app: Flask, key: str) -> None:
    """A rollout manager `outsider` who is a member of project `key` only."""
    from workbench.auth import service as auth
    from workbench.projects import members
    from workbench.projects.enums import ProjectRole
    from workbench.projects.service import get_project

    with app.app_context():
        user = auth.create_user(db.session(), "outsider", PASSWORD, "rollout_manager", actor="test")
        members.add_member(db.session(), get_project(db.session(), key), user, ProjectRole.member, actor="t")
        db.session.commit()


def test_plans_are_listed_and_created_only_in_the_users_own_projects(
    app: Flask, client: FlaskClient, login_as: Callable[[str], FlaskClient]
) -> None:
    seed_chain(app)
    seed_project(app, "DEMO")
    seed_project(app, "OTHER")
    _outsider_of(app, "OTHER")  # after the role users joined both projects
    member = login_as("rollout_manager")  # a member of DEMO (and OTHER)
    created = member.post("/rollout/plans", data={"project": "DEMO", "version": "v2", "pilot": "R001"})
    assert created.headers["Location"].endswith("/rollout/plans/1")
    listed = member.get("/rollout/").get_data(as_text=True)
    assert 'href="/rollout/plans/1"' in listed and "<td>DEMO</td>" in listed
    client.post("/logout")

    outsider = client
    outsider.post("/login", data={"username": "outsider", "password": PASSWORD})
    index = outsider.get("/rollout/").get_data(as_text=True)
    assert 'href="/rollout/plans/1"' not in index and "<td>DEMO</td>" not in index
    assert '<option value="DEMO"' not in index and '<option value="OTHER"' in index
    assert outsider.get("/rollout/plans/1").status_code == 404  # the plan's own pages, as before
    for key in ("DEMO", "NOSUCH"):  # not a member / no such project: the same answer
        refused = outsider.post("/rollout/plans", data={"project": key, "version": "v2", "pilot": "R002"})
        assert refused.status_code == 404
    with app.app_context():
        assert [p.project_key for p in db.session.scalars(select(RolloutPlan))] == ["DEMO"]
    own = outsider.post("/rollout/plans", data={"project": "OTHER", "version": "v2", "pilot": "R002"})
    assert own.headers["Location"].endswith("/rollout/plans/2")
    assert 'href="/rollout/plans/2"' in outsider.get("/rollout/").get_data(as_text=True)


def test_the_checklist_is_written_when_stores_join_a_wave_and_its_page_only_reads(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    from sqlalchemy import event, func

    from rollout.models import ChecklistItem

    seed_chain(app)
    seed_project(app)
    manager = login_as("rollout_manager")
    manager.post("/rollout/plans", data={"project": "DEMO", "version": "v2", "pilot": "R001,W001"})
    manager.post("/rollout/plans/1/waves", data={"stores": "R004,R005,R006", "at": "2099-01-15 03:00"})
    with app.app_context():
        per_wave = dict(
            db.session.execute(
                select(ChecklistItem.wave_id, func.count()).group_by(ChecklistItem.wave_id)
            ).all()
        )
        assert per_wave == {1: 8, 2: 12}  # four open items per store, from the moment it joined
        writes: list[str] = []

        def spot_writes(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
            if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
                writes.append(statement)

        event.listen(db.engine, "before_cursor_execute", spot_writes)
    try:
        page = manager.get("/rollout/plans/1/waves/2/checklist").get_data(as_text=True)
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", spot_writes)
    assert "R004" in page and "R006" in page and "0 of 12 done" in page
    assert writes == []
