"""Editing a process model step by step: each change is the next version, audited; refusals name the element.

Service tests call `workbench.processes.service` directly; page tests drive the forms of
/processes/<id>/edit with the test client, as a consultant's browser would (no JavaScript).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import Bounds, ProcessModel
from tests.workbench.conftest import PASSWORD
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.processes import service
from workbench.processes.models import ProcessRecord
from workbench.projects.service import create_project

# --- a small model, built in code ----------------------------------------------------------------


def _checkout() -> ProcessModel:
    """A cashier scans a loyalty card and the till awards points: two lanes, three steps, two flows."""
    model = ProcessModel("Начисление баллов", Variant.as_is)
    model.add_lane("Кассир", id="Lane_cashier", bounds=Bounds(0, 0, 600, 120))
    model.add_lane("Касса", LaneKind.system, id="Lane_till", bounds=Bounds(0, 120, 600, 120))
    model.add_node(
        NodeKind.start_event,
        "Покупатель у кассы",
        lane="Lane_cashier",
        id="Start",
        bounds=Bounds(50, 40, 36, 36),
    )
    model.add_node(
        NodeKind.user_task,
        "Сканировать карту",
        lane="Lane_cashier",
        id="Scan",
        bounds=Bounds(150, 20, 100, 80),
    )
    model.add_node(
        NodeKind.end_event, "Баллы начислены", lane="Lane_till", id="End", bounds=Bounds(350, 160, 36, 36)
    )
    model.add_flow("Start", "Scan", id="Flow_start_scan")
    model.add_flow("Scan", "End", id="Flow_scan_end")
    return model


def _store(app: Flask) -> int:
    """The DEMO project with the checkout model as its version 1; returns the model's id."""
    with app.app_context():
        project = create_project(db.session(), "DEMO", "Свежий рынок", actor="t")
        record = service.create_model(db.session(), project, _checkout(), actor="t", source="test")
        db.session.commit()
        return int(record.id)


@pytest.fixture
def model_id(app: Flask) -> int:
    return _store(app)


def _get(record_id: int) -> ProcessRecord:
    return service.get_record(db.session(), record_id)


def _versions(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(ProcessRecord)) or 0)


def _edits() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "process.edit").order_by(AuditEntry.id)
        )
    )


# --- service ------------------------------------------------------------------------------------


def test_create_model_stores_version_1_of_a_new_process_and_audits(app: Flask, model_id: int) -> None:
    with app.app_context():
        record = _get(model_id)
        assert (record.version, record.name, record.variant, record.created_by) == (
            1,
            "Начисление баллов",
            "as-is",
            "t",
        )
        assert {n.name for n in service.model_of(record).nodes()} == {
            "Покупатель у кассы",
            "Сканировать карту",
            "Баллы начислены",
        }
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "process.create"))
        assert entry is not None and entry.target_id == str(model_id)


def test_add_step_after_an_existing_one_is_the_next_version(app: Flask, model_id: int) -> None:
    with app.app_context():
        first = _get(model_id)
        new = service.add_step(
            db.session(),
            first,
            kind=NodeKind.user_task,
            name="  Спросить телефон ",
            lane="Lane_cashier",
            system="POS",
            after="Scan",
            actor="consultant",
        )
        db.session.commit()
        model = service.model_of(new)
        added = next(n for n in model.nodes() if n.name == "Спросить телефон")
        assert new.version == 2 and new.lineage == first.lineage
        assert added.id.startswith("Activity_") and (added.lane, added.system, added.bounds) == (
            "Lane_cashier",
            "POS",
            None,
        )
        assert [(f.source, f.target) for f in model.flows() if f.target == added.id] == [("Scan", added.id)]
        assert len(service.model_of(_get(model_id))) == 3  # version 1 is untouched
        assert new.change_note == "added step 'Спросить телефон' after 'Сканировать карту'"
        assert [(e.actor, e.target_id, e.details["version"]) for e in _edits()] == [
            ("consultant", str(new.id), 2)
        ]


def test_renaming_keeps_the_position_but_a_new_lane_or_kind_drops_it(app: Flask, model_id: int) -> None:
    with app.app_context():
        renamed = service.update_step(
            db.session(),
            _get(model_id),
            "Scan",
            name="Считать карту",
            lane="Lane_cashier",
            kind=NodeKind.user_task,
            system="",
            description="Сканером или камерой",
            actor="consultant",
        )
        node = service.model_of(renamed).node("Scan")
        assert (node.name, node.description, node.bounds) == (
            "Считать карту",
            "Сканером или камерой",
            Bounds(150, 20, 100, 80),
        )
        assert (
            renamed.change_note == "renamed 'Сканировать карту' to 'Считать карту'; described 'Считать карту'"
        )

        moved = service.update_step(
            db.session(),
            renamed,
            "Scan",
            name="Считать карту",
            lane="Lane_till",
            kind=NodeKind.user_task,
            system="",
            description="Сканером или камерой",
            actor="consultant",
        )
        assert service.model_of(moved).node("Scan").lane == "Lane_till"
        assert service.model_of(moved).node("Scan").bounds is None
        assert moved.change_note == "moved 'Считать карту' to lane 'Касса'"

        retyped = service.update_step(
            db.session(),
            moved,
            "End",
            name="Баллы начислены",
            lane="Lane_till",
            kind=NodeKind.service_task,
            system="Loyalty",
            description="",
            actor="consultant",
        )
        end = service.model_of(retyped).node("End")
        assert (end.kind, end.system, end.bounds) == (NodeKind.service_task, "Loyalty", None)
        assert (renamed.version, moved.version, retyped.version) == (2, 3, 4)


def test_delete_step_removes_the_step_and_its_flows(app: Flask, model_id: int) -> None:
    with app.app_context():
        new = service.delete_step(db.session(), _get(model_id), "Scan", actor="consultant")
        model = service.model_of(new)
        assert {n.id for n in model.nodes()} == {"Start", "End"} and list(model.flows()) == []
        assert new.change_note == "deleted step 'Сканировать карту' and 2 flow(s)"


def test_connect_then_disconnect(app: Flask, model_id: int) -> None:
    with app.app_context():
        connected = service.connect(
            db.session(),
            _get(model_id),
            "Start",
            "End",
            name="нет карты",
            condition="card is None",
            actor="consultant",
        )
        flow = next(
            f for f in service.model_of(connected).flows() if f.source == "Start" and f.target == "End"
        )
        assert (flow.name, flow.condition, flow.id.startswith("Flow_")) == ("нет карты", "card is None", True)
        assert (
            connected.change_note == "connected 'Покупатель у кассы' to 'Баллы начислены' when 'card is None'"
        )

        disconnected = service.disconnect(db.session(), connected, flow.id, actor="consultant")
        assert {f.id for f in service.model_of(disconnected).flows()} == {"Flow_start_scan", "Flow_scan_end"}
        assert disconnected.version == 3


def test_add_lane(app: Flask, model_id: int) -> None:
    with app.app_context():
        new = service.add_lane(
            db.session(),
            _get(model_id),
            name="Программа лояльности",
            kind=LaneKind.system,
            actor="consultant",
        )
        lanes = service.model_of(new).lanes.values()
        assert [(lane.name, lane.kind) for lane in lanes][-1] == ("Программа лояльности", LaneKind.system)
        assert new.change_note == "added lane 'Программа лояльности'"


REFUSALS: list[tuple[str, Callable[[ProcessRecord], object], str]] = [
    (
        "unknown step",
        lambda r: service.delete_step(db.session(), r, "Nope", actor="c"),
        "no step 'Nope' in this model",
    ),
    (
        "unknown step to update",
        lambda r: service.update_step(
            db.session(),
            r,
            "Nope",
            name="x",
            lane=None,
            kind=NodeKind.task,
            system="",
            description="",
            actor="c",
        ),
        "no step 'Nope' in this model",
    ),
    (
        "unknown step after",
        lambda r: service.add_step(
            db.session(), r, kind=NodeKind.task, name="x", lane=None, after="Nope", actor="c"
        ),
        "after: no step 'Nope'",
    ),
    (
        "empty task name",
        lambda r: service.add_step(db.session(), r, kind=NodeKind.task, name="  ", lane=None, actor="c"),
        "name: required for a task",
    ),
    (
        "long name",
        lambda r: service.add_step(db.session(), r, kind=NodeKind.task, name="x" * 201, lane=None, actor="c"),
        "name: at most 200 characters",
    ),
    (
        "emptied task name",
        lambda r: service.update_step(
            db.session(),
            r,
            "Scan",
            name="",
            lane="Lane_cashier",
            kind=NodeKind.user_task,
            system="",
            description="",
            actor="c",
        ),
        "name: required for a user task",
    ),
    (
        "self-loop",
        lambda r: service.connect(db.session(), r, "Scan", "Scan", actor="c"),
        "flow from 'Сканировать карту' to 'Сканировать карту': a step cannot follow itself",
    ),
    (
        "duplicate flow",
        lambda r: service.connect(db.session(), r, "Scan", "End", actor="c"),
        "flow from 'Сканировать карту' to 'Баллы начислены' with no condition already exists",
    ),
    (
        "unknown flow",
        lambda r: service.disconnect(db.session(), r, "Flow_nope", actor="c"),
        "no flow 'Flow_nope'",
    ),
    (
        "unknown lane",
        lambda r: service.add_step(
            db.session(), r, kind=NodeKind.task, name="x", lane="Lane_nope", actor="c"
        ),
        "lane: no lane 'Lane_nope'",
    ),
    (
        "empty lane name",
        lambda r: service.add_lane(db.session(), r, name=" ", kind=LaneKind.role, actor="c"),
        "name: required for a lane",
    ),
    (
        "nothing changed",
        lambda r: service.update_step(
            db.session(),
            r,
            "Scan",
            name="Сканировать карту",
            lane="Lane_cashier",
            kind=NodeKind.user_task,
            system="",
            description="",
            actor="c",
        ),
        "step 'Сканировать карту': nothing changed",
    ),
]


@pytest.mark.parametrize(("case", "change", "message"), REFUSALS, ids=[case for case, _, _ in REFUSALS])
def test_refusals_name_the_element_and_store_nothing(
    app: Flask, model_id: int, case: str, change: Callable[[ProcessRecord], object], message: str
) -> None:
    with app.app_context():
        with pytest.raises(service.ProcessError, match="^" + re.escape(message)):
            change(_get(model_id))
        db.session.rollback()
    assert _versions(app) == 1


def test_an_older_version_is_not_edited(app: Flask, model_id: int) -> None:
    with app.app_context():
        service.add_lane(db.session(), _get(model_id), name="Менеджер", kind=LaneKind.role, actor="c")
        db.session.commit()
        with pytest.raises(service.ProcessError) as refused:
            service.delete_step(db.session(), _get(model_id), "Scan", actor="c")
        assert str(refused.value) == f"model {model_id} is version 1; edit the latest version (2)"
    assert _versions(app) == 2


# --- pages --------------------------------------------------------------------------------------


def _latest(app: Flask) -> ProcessRecord:
    with app.app_context():
        record = db.session.scalar(select(ProcessRecord).order_by(ProcessRecord.version.desc()).limit(1))
        assert record is not None
        db.session.expunge(record)
        return record


def _edit_id(location: str) -> int:
    """The model id of a redirect to /processes/<id>/edit."""
    assert location.endswith("/edit"), location
    return int(location.rstrip("/").split("/")[-2])


def test_a_consultant_edits_the_steps_with_forms(
    app: Flask, model_id: int, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("consultant")
    shown = client.get(f"/processes/{model_id}").get_data(as_text=True)
    assert f'href="/processes/{model_id}/edit"' in shown and "Edit steps" in shown
    page = client.get(f"/processes/{model_id}/edit").get_data(as_text=True)
    assert "<svg" in page and 'id="add-step"' in page and 'id="connect"' in page and 'id="add-lane"' in page
    assert 'id="edit-Scan"' in page and "Покупатель у кассы → Сканировать карту" in page

    # Add a step after scanning the card.
    added = client.post(
        f"/processes/{model_id}/steps",
        data={
            "kind": "userTask",
            "name": "Спросить телефон",
            "lane": "Lane_cashier",
            "system": "",
            "description": "",
            "after": "Scan",
        },
    )
    v2 = _edit_id(added.headers["Location"])
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert "saved version 2: added step" in page and "Сканировать карту → Спросить телефон" in page
    step = next(n for n in service.model_of(_latest(app)).nodes() if n.name == "Спросить телефон")

    # Rename it, then move it to the till's lane.
    fields = {"node_id": step.id, "kind": "userTask", "lane": "Lane_cashier", "system": "", "description": ""}
    renamed = client.post(
        f"/processes/{v2}/steps/{step.id}", data={**fields, "name": "Спросить номер телефона"}
    )
    v3 = _edit_id(renamed.headers["Location"])
    moved = client.post(
        f"/processes/{v3}/steps/{step.id}",
        data={**fields, "name": "Спросить номер телефона", "lane": "Lane_till"},
        follow_redirects=True,
    )
    assert "moved &#39;Спросить номер телефона&#39; to lane &#39;Касса&#39;" in moved.get_data(as_text=True)
    latest = _latest(app)
    assert latest.version == 4 and service.model_of(latest).node(step.id).lane == "Lane_till"

    # Connect it to the end, then take that flow away again.
    connected = client.post(
        f"/processes/{latest.id}/flows",
        data={"source": step.id, "target": "End", "name": "", "condition": ""},
        follow_redirects=True,
    )
    assert "Спросить номер телефона → Баллы начислены" in connected.get_data(as_text=True)
    latest = _latest(app)
    flow = next(f for f in service.model_of(latest).flows() if f.source == step.id)
    disconnected = client.post(
        f"/processes/{latest.id}/flows/{flow.id}/delete", data={"flow_id": flow.id}, follow_redirects=True
    )
    assert "Спросить номер телефона → Баллы начислены" not in disconnected.get_data(as_text=True)

    # Add a lane and delete the step.
    latest = _latest(app)
    client.post(f"/processes/{latest.id}/lanes", data={"name": "Менеджер", "kind": "role"})
    latest = _latest(app)
    deleted = client.post(
        f"/processes/{latest.id}/steps/{step.id}/delete", data={"node_id": step.id}, follow_redirects=True
    )
    page = deleted.get_data(as_text=True)
    assert "deleted step &#39;Спросить номер телефона&#39;" in page and f'id="edit-{step.id}"' not in page
    final = _latest(app)
    assert final.version == 8 and "Менеджер" in [lane.name for lane in service.model_of(final).lanes.values()]
    history = client.get(f"/processes/{final.id}").get_data(as_text=True)
    assert "version 8" in history and "added lane &#39;Менеджер&#39;" in history


def test_a_refused_change_is_flashed_and_nothing_is_stored(
    app: Flask, model_id: int, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("consultant")
    response = client.post(
        f"/processes/{model_id}/steps",
        data={"kind": "task", "name": " ", "lane": "", "system": "", "description": "", "after": ""},
    )
    assert response.headers["Location"].endswith(f"/processes/{model_id}/edit")
    assert "name: required for a task" in client.get(response.headers["Location"]).get_data(as_text=True)
    looped = client.post(
        f"/processes/{model_id}/flows", data={"source": "Scan", "target": "Scan"}, follow_redirects=True
    )
    assert "a step cannot follow itself" in looped.get_data(as_text=True)
    assert _versions(app) == 1


def test_an_older_version_refuses_edits_on_the_page(
    app: Flask, model_id: int, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("consultant")
    client.post(f"/processes/{model_id}/lanes", data={"name": "Менеджер", "kind": "role"})
    page = client.post(
        f"/processes/{model_id}/steps/Scan/delete", data={"node_id": "Scan"}, follow_redirects=True
    )
    assert f"model {model_id} is version 1; edit the latest version (2)" in page.get_data(as_text=True)
    assert _versions(app) == 2
    assert "Сканировать карту" in [n.name for n in service.model_of(_latest(app)).nodes()]


def test_an_approver_may_look_but_not_edit(
    app: Flask, model_id: int, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("approver")
    assert "Edit steps" not in client.get(f"/processes/{model_id}").get_data(as_text=True)
    assert client.get(f"/processes/{model_id}/edit").status_code == 403
    posts = {
        f"/processes/{model_id}/steps": {"kind": "task", "name": "x", "lane": "", "after": ""},
        f"/processes/{model_id}/steps/Scan": {"node_id": "Scan", "kind": "task", "name": "x", "lane": ""},
        f"/processes/{model_id}/steps/Scan/delete": {"node_id": "Scan"},
        f"/processes/{model_id}/flows": {"source": "Start", "target": "End"},
        f"/processes/{model_id}/flows/Flow_scan_end/delete": {"flow_id": "Flow_scan_end"},
        f"/processes/{model_id}/lanes": {"name": "Менеджер", "kind": "role"},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert _versions(app) == 1


def test_a_post_without_a_csrf_token_is_refused(csrf_app: Flask) -> None:
    model_id = _store(csrf_app)
    client = csrf_app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = login.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert (
        client.post(
            "/login", data={"username": "consultant", "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )

    refused = client.post(f"/processes/{model_id}/lanes", data={"name": "Менеджер", "kind": "role"})
    assert refused.status_code == 400
    assert _versions(csrf_app) == 1

    # The page's own form carries the token, and with it the same change goes through.
    page = client.get(f"/processes/{model_id}/edit").get_data(as_text=True)
    form = page.split('id="add-lane"')[1]
    token = form.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    accepted = client.post(
        f"/processes/{model_id}/lanes", data={"name": "Менеджер", "kind": "role", "csrf_token": token}
    )
    assert accepted.status_code == 302 and _versions(csrf_app) == 2
