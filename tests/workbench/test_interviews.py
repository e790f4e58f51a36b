"""Interviews: a consultant records who was asked what; findings point at process steps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ProcessModel
from tests.workbench.conftest import csrf_signed_in
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.interviews import service
from workbench.interviews.models import Finding, Interview
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project
from workbench.projects.service import create_project


def _enrolment() -> ProcessModel:
    model = ProcessModel("Регистрация участника", Variant.as_is, id="Process_enrolment")
    cashier = model.add_lane("Кассир", LaneKind.role, id="Lane_cashier")
    model.add_node(NodeKind.start_event, "Покупатель у кассы", lane=cashier.id, id="start")
    model.add_node(NodeKind.user_task, "Выдать анкету", lane=cashier.id, id="give_form")
    model.add_node(NodeKind.end_event, "Карта выдана", lane=cashier.id, id="end")
    model.add_flow("start", "give_form", id="f1")
    model.add_flow("give_form", "end", id="f2")
    return model


def _store(
    project: Project, model: ProcessModel, lineage: str = "enrolment-lineage", version: int = 1
) -> ProcessRecord:
    record = ProcessRecord(
        project_id=project.id,
        lineage=lineage,
        version=version,
        name=model.name,
        variant=model.variant.value,
        document=model.to_dict(),
        created_by="t",
    )
    db.session.add(record)
    db.session.flush()
    return record


@pytest.fixture
def project(app: Flask) -> Iterator[Project]:
    with app.app_context():
        project = create_project(db.session(), "DEMO", "Свежий рынок", actor="t")
        _store(project, _enrolment())
        db.session.commit()
        yield project


def _interview(project: Project, **overrides: object) -> Interview:
    fields: dict[str, object] = {
        "stakeholder": "Ирина Соколова",
        "held_on": dt.date(2026, 9, 14),
        "actor": "consultant",
        "position": "Директор по маркетингу",
        "department": "Маркетинг",
        "participants": ["А. Орлова"],
        "notes": "Программа лояльности нужна к весне.",
    }
    fields.update(overrides)
    return service.record_interview(db.session(), project, **fields)  # type: ignore[arg-type]


def test_an_interview_is_recorded_with_its_findings_and_audited(project: Project) -> None:
    interview = _interview(project)
    finding = service.add_finding(
        db.session(),
        interview,
        text="Анкеты теряются",
        kind="pain_point",
        actor="consultant",
        process_lineage="enrolment-lineage",
        node_id="give_form",
    )
    db.session.commit()
    stored = service.list_interviews(db.session(), project)
    assert [i.stakeholder for i in stored] == ["Ирина Соколова"]
    assert [f.text for f in stored[0].findings] == ["Анкеты теряются"]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["interview.create", "interview.finding.add"]
    ref = service.step_refs(db.session(), [finding])[finding.id]
    assert (ref.process_name, ref.step_name, ref.exists) == ("Регистрация участника", "Выдать анкету", True)


def test_a_finding_follows_its_step_into_later_versions(project: Project) -> None:
    interview = _interview(project)
    finding = service.add_finding(
        db.session(),
        interview,
        text="t",
        kind="need",
        actor="c",
        process_lineage="enrolment-lineage",
        node_id="give_form",
    )
    renamed = _enrolment()
    renamed.update_node("give_form", name="Заполнить анкету на планшете")
    _store(project, renamed, version=2)
    assert service.step_refs(db.session(), [finding])[finding.id].step_name == "Заполнить анкету на планшете"
    gone = _enrolment()
    gone.remove_node("give_form")
    _store(project, gone, version=3)
    ref = service.step_refs(db.session(), [finding])[finding.id]
    assert ref.exists is False and ref.step_name == "give_form"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"stakeholder": "  "}, "stakeholder: required"),
        ({"stakeholder": "x" * 201}, "stakeholder: at most 200 characters"),
        ({"participants": ["p"] * 51}, "participants: at most 50"),
        ({"notes": "x" * 100_001}, "notes: at most 100000 characters"),
    ],
)
def test_a_bad_interview_is_refused_naming_the_field(
    project: Project, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(service.InterviewError, match=message):
        _interview(project, **overrides)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": ""}, "text: required"),
        ({"kind": "gossip"}, "kind: 'gossip' is not one of"),
        ({"node_id": "give_form"}, "step: name the process"),
        ({"process_lineage": "nope"}, "process: no process 'nope'"),
        (
            {"process_lineage": "enrolment-lineage", "node_id": "nope"},
            "step: Регистрация участника has no step 'nope'",
        ),
    ],
)
def test_a_bad_finding_is_refused_and_nothing_is_stored(
    project: Project, fields: dict[str, str], message: str
) -> None:
    interview = _interview(project)
    arguments: dict[str, str] = {"text": "Анкеты теряются", "kind": "fact", **fields}
    with pytest.raises(service.InterviewError, match=message):
        service.add_finding(db.session(), interview, actor="c", **arguments)  # type: ignore[arg-type]
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def test_a_finding_cannot_point_at_another_projects_process(project: Project) -> None:
    other = create_project(db.session(), "OTHER", "Другой клиент", actor="t")
    _store(other, _enrolment(), lineage="other-lineage")
    interview = _interview(project)
    with pytest.raises(service.InterviewError, match="no process 'other-lineage' in this project"):
        service.add_finding(
            db.session(), interview, text="t", kind="fact", actor="c", process_lineage="other-lineage"
        )


# --- pages -----------------------------------------------------------------------------------


def test_a_consultant_records_an_interview_and_links_a_finding_to_a_step(
    project: Project, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("consultant")
    response = client.post(
        "/projects/DEMO/interviews",
        data={
            "stakeholder": "Олег Кузнецов",
            "position": "ИТ-директор",
            "department": "ИТ",
            "held_on": "2026-09-20",
            "participants": "А. Орлова, Б. Кривцов",
            "notes": "Кассы обмениваются с ERP ночью.",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Олег Кузнецов" in page and "А. Орлова, Б. Кривцов" in page
    assert 'value="enrolment-lineage|give_form"' in page  # the step picker offers the model's steps
    interview_url = response.headers["Location"]
    added = client.post(
        f"{interview_url}/findings",
        data={
            "text": "Нужна онлайн-регистрация",
            "kind": "need",
            "step": "enrolment-lineage|give_form",
        },
        follow_redirects=True,
    )
    page = added.get_data(as_text=True)
    assert "Нужна онлайн-регистрация" in page and "Выдать анкету" in page and "finding added" in page
    listing = client.get("/projects/DEMO/interviews").get_data(as_text=True)
    assert "Олег Кузнецов" in listing


def test_a_bad_step_on_the_page_is_refused_with_its_message(
    project: Project, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("consultant")
    client.post("/projects/DEMO/interviews", data={"stakeholder": "X", "held_on": "2026-09-20"})
    interview_id = db.session.scalar(select(Interview.id))
    page = client.post(
        f"/interviews/{interview_id}/findings",
        data={
            "text": "t",
            "kind": "fact",
            "step": "enrolment-lineage|ghost",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "has no step" in page and "ghost" in page
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def test_a_consultant_edits_the_interview_and_deletes_a_finding(
    project: Project, login_as: Callable[[str], FlaskClient]
) -> None:
    interview = _interview(project)
    finding = service.add_finding(db.session(), interview, text="Лишнее", kind="fact", actor="c")
    db.session.commit()
    client = login_as("consultant")
    client.post(
        f"/interviews/{interview.id}",
        data={
            "stakeholder": "Ирина Соколова-Петрова",
            "held_on": "2026-09-15",
            "participants": "",
            "notes": "Новые заметки",
        },
    )
    client.post(f"/findings/{finding.id}/delete")
    db.session.expire_all()
    stored = db.session.get(Interview, interview.id)
    assert stored is not None and stored.stakeholder == "Ирина Соколова-Петрова" and stored.findings == []
    assert stored.held_on == dt.date(2026, 9, 15)


def test_approvers_read_interviews_but_do_not_change_them(
    project: Project, login_as: Callable[[str], FlaskClient]
) -> None:
    interview = _interview(project)
    finding = service.add_finding(db.session(), interview, text="Факт", kind="fact", actor="c")
    db.session.commit()
    client = login_as("approver")
    assert client.get(f"/interviews/{interview.id}").status_code == 200
    assert "Add a finding" not in client.get(f"/interviews/{interview.id}").get_data(as_text=True)
    assert (
        client.post(
            "/projects/DEMO/interviews", data={"stakeholder": "X", "held_on": "2026-09-20"}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/interviews/{interview.id}/findings", data={"text": "t", "kind": "fact"}).status_code
        == 403
    )
    assert client.post(f"/findings/{finding.id}/delete").status_code == 403
    assert (
        client.post(
            f"/interviews/{interview.id}", data={"stakeholder": "X", "held_on": "2026-09-20"}
        ).status_code
        == 403
    )


def test_interview_forms_need_a_csrf_token(csrf_app: Flask) -> None:
    with csrf_app.app_context():
        create_project(db.session(), "DEMO", "Свежий рынок", actor="t")
        db.session.commit()
        client, token = csrf_signed_in(csrf_app, "consultant")
        form = {"stakeholder": "X", "held_on": "2026-09-20"}
        assert client.post("/projects/DEMO/interviews", data=form).status_code == 400
        assert db.session.scalar(select(func.count()).select_from(Interview)) == 0
        assert client.post("/projects/DEMO/interviews", data={**form, "csrf_token": token}).status_code == 302
        assert db.session.scalar(select(func.count()).select_from(Interview)) == 1


def test_signed_out_visitors_are_sent_to_sign_in(project: Project, client: FlaskClient) -> None:
    response = client.get("/projects/DEMO/interviews")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
