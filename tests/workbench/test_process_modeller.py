"""The modeller's server side, with the test client: a diagram saved from the browser (BPMN XML
posted as a file) goes through the upload's safe import on the job runner and becomes the next
version, validated; refusals name the problem and store nothing. The process pages carry the
bpmn-js canvases when the bundle is built and fall back to the server's SVG when not; the two
comparison views list the changes by kind."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from process_models.bpmn import export_bpmn
from tests.workbench.conftest import PASSWORD, csrf_signed_in
from workbench.audit.models import AuditEntry
from workbench.demo.analysis import demo_processes
from workbench.extensions import db
from workbench.processes import service, views
from workbench.processes.models import ProcessRecord
from workbench.projects.service import create_project

RENAMED = "Оформить возврат в приложении"


def _store(app: Flask, *keys: str) -> list[int]:
    """The demo's processes of `keys` (AS-IS, TO-BE) in the DEMO project; their record ids."""
    with app.app_context():
        project = create_project(db.session(), "DEMO", "Свежий рынок", actor="t")
        ids = [
            service.create_model(db.session(), project, model, actor="t", source="demo").id
            for key, model in demo_processes()
            if key in keys
        ]
        db.session.commit()
    return ids


def _renamed_export(app: Flask, model_id: int) -> tuple[bytes, str]:
    """The model's BPMN with its first named task renamed, as bpmn-js would save it; that task's id."""
    with app.app_context():
        model = service.model_of(service.get_record(db.session(), model_id))
    task = next(n for n in model.nodes() if n.kind.is_activity and n.name)
    model.update_node(task.id, name=RENAMED)
    return export_bpmn(model), task.id


def _post(client: FlaskClient, model_id: int, data: bytes, token: str | None = None) -> str:
    form: dict[str, object] = {"bpmn": (io.BytesIO(data), "diagram.bpmn")}
    if token:
        form["csrf_token"] = token
    response = client.post(
        f"/processes/{model_id}/drawn", data=form, content_type="multipart/form-data", follow_redirects=True
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _versions(app: Flask, model_id: int) -> list[ProcessRecord]:
    with app.app_context():
        record = service.get_record(db.session(), model_id)
        return service.history(db.session(), record)


def test_a_saved_diagram_becomes_the_next_version_validated_and_audited(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    [model_id] = _store(app, "returns")[1:]
    data, task_id = _renamed_export(app, model_id)
    page = _post(login_as("consultant"), model_id, data)
    versions = _versions(app, model_id)
    assert [v.version for v in versions] == [1, 2]
    with app.app_context():
        new = service.get_record(db.session(), versions[1].id)
        assert service.model_of(new).node(task_id).name == RENAMED
        assert new.variant == "to-be" and new.created_by == "consultant"
        assert new.change_note.startswith("saved from the modeller")
        assert db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "process.edit", AuditEntry.target_id == str(new.id))
        ).one()
    # The job forwards to the new version's modeller page, which says the validation result.
    assert "saved version 2" in page and "Version 2" in page
    assert 'id="findings"' in page


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"this is not XML", "not XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><d>&x;</d>',
            "DTD",
        ),
    ],
)
def test_a_refused_diagram_stores_nothing_and_says_why(
    app: Flask, login_as: Callable[[str], FlaskClient], data: bytes, says: str
) -> None:
    [model_id] = _store(app, "returns")[1:]
    page = _post(login_as("consultant"), model_id, data)
    assert says in page
    assert [v.version for v in _versions(app, model_id)] == [1]


def test_a_diagram_of_two_processes_is_refused(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    as_is, to_be = _store(app, "returns")
    with app.app_context():
        models = [service.model_of(service.get_record(db.session(), i)) for i in (as_is, to_be)]
    page = _post(login_as("consultant"), to_be, export_bpmn(models))
    assert "the diagram holds 2 processes" in page
    assert [v.version for v in _versions(app, to_be)] == [1]


def test_only_the_latest_version_takes_a_diagram(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    [model_id] = _store(app, "returns")[1:]
    data, _ = _renamed_export(app, model_id)
    client = login_as("consultant")
    _post(client, model_id, data)
    page = _post(client, model_id, data)  # version 1 again
    assert "edit the latest version" in page
    assert [v.version for v in _versions(app, model_id)] == [1, 2]


def test_only_a_consultant_saves(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    [model_id] = _store(app, "returns")[1:]
    data, _ = _renamed_export(app, model_id)
    response = login_as("approver").post(
        f"/processes/{model_id}/drawn",
        data={"bpmn": (io.BytesIO(data), "d.bpmn")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert [v.version for v in _versions(app, model_id)] == [1]


def test_the_save_needs_its_csrf_token(csrf_app: Flask) -> None:
    [model_id] = _store(csrf_app, "returns")[1:]
    data, _ = _renamed_export(csrf_app, model_id)
    client, token = csrf_signed_in(csrf_app, "consultant")
    response = client.post(
        f"/processes/{model_id}/drawn",
        data={"bpmn": (io.BytesIO(data), "d.bpmn")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert [v.version for v in _versions(csrf_app, model_id)] == [1]
    assert "saved version 2" in _post(client, model_id, data, token)


def test_pages_carry_the_canvases_and_fall_back_to_the_svg_without_the_build(
    app: Flask, login_as: Callable[[str], FlaskClient], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    [model_id] = _store(app, "returns")[1:]
    client = login_as("consultant")
    monkeypatch.setattr(views, "BUILD_MARK", tmp_path / "built.js")
    (tmp_path / "built.js").write_text("")
    show = client.get(f"/processes/{model_id}").get_data(as_text=True)
    assert 'src="/static/build/viewer.js"' in show and "data-bpmn-viewer" in show
    assert "<svg" in show  # the server's diagram stays as the fallback
    findings = json.loads(re.search(r'id="findings-data">(.*?)</script>', show, re.S).group(1))  # type: ignore[union-attr]
    with app.app_context():
        expected = service.findings(service.get_record(db.session(), model_id))
    assert [f["element"] for f in findings] == [f.sub_process_id or f.element_id or "" for f in expected]
    edit = client.get(f"/processes/{model_id}/edit").get_data(as_text=True)
    assert 'src="/static/build/modeller.js"' in edit and 'id="modeller-save"' in edit
    assert 'id="add-step"' in edit  # the form editor, the fallback without JavaScript
    forms = client.get(f"/processes/{model_id}/edit?forms=1").get_data(as_text=True)
    assert "modeller.js" not in forms and 'id="add-step"' in forms
    # A plain `pip install .` has no build: no script, the SVG only.
    monkeypatch.setattr(views, "BUILD_MARK", tmp_path / "missing.js")
    show = client.get(f"/processes/{model_id}").get_data(as_text=True)
    assert "/static/build/" not in show and "<svg" in show


def test_the_comparison_views_list_changes_by_kind(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    [model_id] = _store(app, "returns")[1:]
    data, task_id = _renamed_export(app, model_id)
    client = login_as("consultant")
    _post(client, model_id, data)
    new_id = _versions(app, model_id)[1].id
    query = f"before={model_id}&after={new_id}"
    side = client.get(f"/processes/compare/side-by-side?{query}").get_data(as_text=True)
    row = re.search(
        rf'<tr class="change" data-kinds="([^"]*)" data-before="{task_id}" data-after="{task_id}">', side
    )
    assert row is not None and row.group(1) == "renamed"
    assert side.count('<tr class="change"') == 1  # nothing added or removed
    page_data = json.loads(re.search(r'id="compare-data">(.*?)</script>', side, re.S).group(1))  # type: ignore[union-attr]
    assert page_data["pairs"][task_id] == task_id and page_data["rows"][0]["labels"] == ["renamed"]
    overlay = client.get(f"/processes/compare/overlay?{query}&kind=renamed").get_data(as_text=True)
    assert 'data-kinds="renamed"' in overlay
    # In Russian the kind and the changed field read in Russian; the data attribute stays a value.
    russian = client.get(
        f"/processes/compare/overlay?{query}", headers={"Accept-Language": "ru-RU,ru;q=0.9"}
    ).get_data(as_text=True)
    assert 'data-kinds="renamed"' in russian and "переименован" in russian and "название:" in russian
    assert (
        client.get(f"/processes/compare/overlay?{query}&kind=added")
        .get_data(as_text=True)
        .count('<tr class="change"')
        == 0
    )
    assert client.get(f"/processes/compare/overlay?{query}&kind=nonsense").status_code == 400
    # The existing compare page links both views.
    compare = client.get(f"/processes/compare?{query}").get_data(as_text=True)
    assert f"/processes/compare/side-by-side?before={model_id}&amp;after={new_id}" in compare


def test_the_comparison_views_are_for_members_only(app: Flask) -> None:
    as_is, to_be = _store(app, "returns")
    with app.app_context():
        from workbench.auth import service as auth

        auth.create_user(db.session(), "outsider", PASSWORD, "consultant", actor="t")  # after the project
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "outsider", "password": PASSWORD}).status_code == 302
    for view in ("side-by-side", "overlay"):
        assert client.get(f"/processes/compare/{view}?before={as_is}&after={to_be}").status_code == 404
    assert client.get(f"/processes/{to_be}/export.bpmn").status_code == 404
