"""The gap map's pages as each role uses them: consultants record, classify, link and plan;
approvers and rollout managers read and download; everyone else is sent to sign in."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.workbench.conftest import csrf_signed_in, download
from tests.workbench.gap_support import make_gap_project
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.modifications.models import Modification
from workbench.requirements.models import Requirement

PAGES = [
    "/projects/ACME/requirements",
    "/projects/ACME/requirements/1",
    "/projects/ACME/requirements/candidates",
    "/projects/ACME/gap-map",
    "/projects/ACME/traceability",
    "/projects/ACME/modifications",
    "/projects/ACME/modifications/1",
    "/capabilities",
    "/projects/ACME/gap-map.docx",
    "/projects/ACME/gap-map.xlsx",
]


@dataclass(frozen=True)
class Ids:
    """What the pages' tests need of the project, read out before its session closes (requests
    run in their own app contexts, so a signed-in user is never carried from one to the next)."""

    to_be_lineage: str
    finding_on_step: int
    finding_alone: int
    interview: int


@pytest.fixture
def gap(app: Flask) -> Ids:
    with app.app_context():
        made = make_gap_project(db.session())
        db.session.commit()
        return Ids(
            made.to_be.lineage,
            made.finding_on_step.id,
            made.finding_alone.id,
            made.finding_on_step.interview_id,
        )


@pytest.fixture
def consultant(login_as: Callable[[str], FlaskClient], gap: Ids) -> FlaskClient:
    return login_as("consultant")


def _flashes(client: FlaskClient, response: object) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)  # type: ignore[attr-defined]


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id))) or 0  # type: ignore[attr-defined]


def _seed(client: FlaskClient, gap: Ids) -> None:
    """REQ-1 (a gap, from the finding) with MOD-1."""
    client.post(f"/findings/{gap.finding_on_step}/requirement", data={"priority": "must"})
    client.post(
        "/projects/ACME/requirements/1/classification",
        data={"classification": "gap_extension", "status": "proposed"},
    )
    client.post(
        "/projects/ACME/modifications",
        data={
            "title": "Оптовый уровень",
            "estimate_days": "6",
            "priority": "must",
            "status": "proposed",
            "requirement": "1",
        },
    )


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient, gap: Ids) -> None:
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize("role", ["approver", "rollout_manager"])
def test_readers_see_every_page_and_may_change_nothing(
    app: Flask, login_as: Callable[[str], FlaskClient], gap: Ids, role: str
) -> None:
    consultant = app.test_client()
    consultant.post("/login", data={"username": "consultant", "password": "correct-horse-9"})
    _seed(consultant, gap)
    client = login_as(role)
    for url in PAGES:
        assert client.get(url, follow_redirects=True).status_code == 200, url  # exports: the job page
    page = client.get("/projects/ACME/requirements/1").get_data(as_text=True)
    assert 'id="classify"' not in page and 'id="link-step"' not in page
    for url, data in [
        ("/projects/ACME/requirements", {"title": "x", "priority": "must"}),
        ("/projects/ACME/requirements/1/classification", {"classification": "out_of_scope"}),
        ("/projects/ACME/requirements/1/delete", {}),
        (f"/findings/{gap.finding_alone}/requirement", {"priority": "must"}),
        (
            "/projects/ACME/modifications",
            {"title": "x", "estimate_days": "1", "priority": "must", "status": "proposed"},
        ),
        ("/projects/ACME/modifications/1/dependencies", {"depends_on": "1"}),
        ("/projects/ACME/modifications/1/delete", {}),
    ]:
        assert client.post(url, data=data).status_code == 403, url
    assert _count(app, Requirement) == 1 and _count(app, Modification) == 1


def test_a_consultant_turns_a_finding_into_a_classified_gap_with_a_modification(
    app: Flask, consultant: FlaskClient, gap: Ids
) -> None:
    response = consultant.post(f"/findings/{gap.finding_on_step}/requirement", data={"priority": "must"})
    assert response.headers["Location"].endswith("/projects/ACME/requirements/1")
    page = _flashes(consultant, response)
    assert "REQ-1 recorded from the finding" in page and "Оптовым покупателям нужен отдельный уровень" in page
    interview_page = consultant.get(f"/interviews/{gap.interview}").get_data(as_text=True)
    assert 'href="/projects/ACME/requirements/1">REQ-1</a>' in interview_page

    response = consultant.post(
        "/projects/ACME/requirements/1/classification",
        data={
            "classification": "gap_extension",
            "rationale": "Нет уровня без баллов",
            "owner": "Д. Ким",
            "status": "proposed",
        },
    )
    assert "REQ-1 classified: Gap — extension" in _flashes(consultant, response)
    page = consultant.get("/projects/ACME/requirements/1").get_data(as_text=True)
    assert "a gap with no modification" in page and 'id="add-modification"' in page

    response = consultant.post(
        "/projects/ACME/modifications",
        data={
            "title": "Оптовый уровень без баллов",
            "estimate_days": "6.5",
            "priority": "must",
            "status": "proposed",
            "requirement": "1",
            "back": "/projects/ACME/requirements/1",
        },
    )
    assert response.headers["Location"].endswith("/projects/ACME/modifications/1")
    page = consultant.get("/projects/ACME/requirements/1").get_data(as_text=True)
    assert (
        'href="/projects/ACME/modifications/1">MOD-1</a>' in page and "a gap with no modification" not in page
    )
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"requirement.create", "requirement.classify", "modification.create"} <= actions


def test_a_refused_classification_is_shown_and_nothing_changes(
    app: Flask, consultant: FlaskClient, gap: Ids
) -> None:
    consultant.post(
        "/projects/ACME/requirements", data={"title": "Оплата баллами до 50 %", "priority": "must"}
    )
    response = consultant.post(
        "/projects/ACME/requirements/1/classification",
        data={
            "classification": "fit_configuration",
            "capability": "redemption.max_share",
            "config_key": "rounding",
            "status": "proposed",
        },
    )
    assert (
        "config_key: rounding does not switch redemption.max_share on; use redemption.max_share"
        in _flashes(consultant, response)
    )
    with app.app_context():
        assert db.session.scalars(select(Requirement)).one().classification is None


def test_suggested_capabilities_are_shown_for_the_text(consultant: FlaskClient, gap: Ids) -> None:
    consultant.post(
        "/projects/ACME/requirements", data={"title": "Оплата баллами не более 50 % чека", "priority": "must"}
    )
    page = consultant.get("/projects/ACME/requirements/1").get_data(as_text=True)
    suggestions = page.split('id="suggestions"')[1].split("</ul>")[0]
    assert "redemption.max_share" in suggestions


def test_steps_are_linked_from_the_page(consultant: FlaskClient, gap: Ids) -> None:
    consultant.post("/projects/ACME/requirements", data={"title": "Реестр", "priority": "should"})
    response = consultant.post(
        "/projects/ACME/requirements/1/steps", data={"step": f"{gap.to_be_lineage}|pur_tobe_send_registry"}
    )
    assert "step linked" in _flashes(consultant, response)
    page = consultant.get("/projects/ACME/traceability").get_data(as_text=True)
    row = page.split('id="REQ-1"')[1].split("</tr>")[0]
    assert "Отправить реестр на начисление ночью" in row
    assert 'class="hop missing"' in row  # typed in: no finding; no classification; no scenario
    response = consultant.post(
        "/projects/ACME/requirements/1/steps", data={"step": f"{gap.to_be_lineage}|nowhere"}
    )
    assert "has no step &#39;nowhere&#39;" in _flashes(consultant, response)


def test_candidates_from_the_to_be_become_requirements(app: Flask, consultant: FlaskClient, gap: Ids) -> None:
    page = consultant.get("/projects/ACME/requirements/candidates").get_data(as_text=True)
    assert "Отправить реестр на начисление ночью" in page
    response = consultant.post(
        "/projects/ACME/requirements/candidates",
        data={
            "title": "Отправить реестр на начисление ночью",
            "lineage": gap.to_be_lineage,
            "node_id": "pur_tobe_send_registry",
            "process_area": "Покупка",
            "priority": "should",
        },
    )
    assert "REQ-1 recorded from the TO-BE step" in _flashes(consultant, response)
    with app.app_context():
        requirement = db.session.scalars(select(Requirement)).one()
        assert requirement.source_kind == "step" and requirement.steps[0].node_id == "pur_tobe_send_registry"
    page = consultant.get("/projects/ACME/requirements/candidates").get_data(as_text=True)
    row = page.split("Отправить реестр на начисление ночью")[1].split("</tr>")[0]
    assert "has a requirement" in row


def test_a_dependency_cycle_is_refused_on_the_page(consultant: FlaskClient, gap: Ids) -> None:
    for title in ("Первая", "Вторая"):
        consultant.post(
            "/projects/ACME/modifications",
            data={"title": title, "estimate_days": "2", "priority": "must", "status": "proposed"},
        )
    consultant.post("/projects/ACME/modifications/2/dependencies", data={"depends_on": "1"})
    response = consultant.post("/projects/ACME/modifications/1/dependencies", data={"depends_on": "2"})
    assert "MOD-1 cannot depend on MOD-2: that would be a cycle" in _flashes(consultant, response)
    page = consultant.get("/projects/ACME/modifications").get_data(as_text=True)
    assert "MOD-1 → MOD-2" in page and "<strong>4.0</strong> person-days" in page


def test_the_matrix_counts_open_the_filtered_list(consultant: FlaskClient, gap: Ids) -> None:
    _seed(consultant, gap)
    consultant.post(
        "/projects/ACME/requirements",
        data={"title": "Отчёт", "priority": "could", "process_area": "Отчётность"},
    )
    page = consultant.get("/projects/ACME/gap-map").get_data(as_text=True)
    matrix = page.split('id="gap-matrix"')[1].split("</table>")[0]
    links = [part.split('"')[0].replace("&amp;", "&") for part in matrix.split('href="')[1:]]
    link = next(link for link in links if "classification=gap_extension" in link and "area=" in link)
    listed = consultant.get(link).get_data(as_text=True)
    assert (
        "REQ-1" in listed.split('id="requirements"')[1]
        and "REQ-2" not in listed.split('id="requirements"')[1]
    )
    assert "0.0%" in page and "(0 of 1)" in page  # REQ-1 is a Must gap with a modification but no scenario
    filtered = consultant.get("/projects/ACME/gap-map?priority=could").get_data(as_text=True)
    assert "Отчётность" in filtered and "Покупка с начислением" not in filtered.split('id="gap-matrix"')[1]


def test_the_downloads_are_the_gap_map_and_are_audited(app: Flask, consultant: FlaskClient, gap: Ids) -> None:
    _seed(consultant, gap)
    docx = download(consultant, "/projects/ACME/gap-map.docx")
    assert docx.status_code == 200 and "ACME%20gap%20map.docx" in docx.headers["Content-Disposition"]
    texts = [
        cell.text
        for table in Document(io.BytesIO(docx.data)).tables
        for row in table.rows
        for cell in row.cells
    ]
    assert "REQ-1" in texts and "MOD-1" in texts
    xlsx = download(consultant, "/projects/ACME/gap-map.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data))["Requirements"]
    assert sheet["A2"].value == "REQ-1" and sheet.auto_filter.ref
    with app.app_context():
        exports = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "gapmap.export")))
        assert [e.details["format"] for e in exports] == ["docx", "xlsx"]
    assert consultant.get("/projects/ACME/gap-map.pdf").status_code == 404


def test_an_import_with_bad_rows_lists_them_and_stores_nothing(
    app: Flask, consultant: FlaskClient, gap: Ids
) -> None:
    bad = "Title,Priority\nОплата баллами,must\n,should\nОтчёт,urgent\n".encode()
    response = consultant.post(
        "/projects/ACME/requirements/import",
        data={"upload": (io.BytesIO(bad), "reqs.csv")},
        content_type="multipart/form-data",
    )
    page = _flashes(consultant, response)
    assert "line 3, column Title" in page and "line 4, column Priority" in page
    assert _count(app, Requirement) == 0
    good = "Title,Priority,Process area\nОплата баллами,must,Оплата\nОтчёт,could,\n".encode()
    response = consultant.post(
        "/projects/ACME/requirements/import",
        data={"upload": (io.BytesIO(good), "reqs.csv")},
        content_type="multipart/form-data",
    )
    assert "reqs.csv: 2 requirement(s) created, 0 updated" in _flashes(consultant, response)
    assert _count(app, Requirement) == 2


def test_forms_need_their_csrf_token(csrf_app: Flask) -> None:
    with csrf_app.app_context():
        make_gap_project(db.session())
        db.session.commit()
    client, token = csrf_signed_in(csrf_app, "consultant")
    assert (
        client.post("/projects/ACME/requirements", data={"title": "x", "priority": "must"}).status_code == 400
    )
    response = client.post(
        "/projects/ACME/requirements", data={"title": "x", "priority": "must", "csrf_token": token}
    )
    assert response.status_code == 302
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count(Requirement.id))) == 1


@pytest.mark.parametrize("back", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_a_refused_form_never_sends_the_user_off_site(consultant: FlaskClient, gap: Ids, back: str) -> None:
    response = consultant.post(
        "/projects/ACME/modifications", data={"title": "", "estimate_days": "1", "back": back}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/projects/ACME/modifications"


def test_a_suggestion_prefills_the_classification(consultant: FlaskClient, gap: Ids) -> None:
    consultant.post(
        "/projects/ACME/requirements", data={"title": "Оплата баллами не более 50 % чека", "priority": "must"}
    )
    page = consultant.get("/projects/ACME/requirements/1?use=redemption.max_share").get_data(as_text=True)
    form = page.split('id="classify"')[1].split("</form>")[0]
    assert '<option selected value="fit_configuration">' in form
    assert '<option selected value="redemption.max_share">' in form
    assert form.count("selected") >= 3
    standard = consultant.get("/projects/ACME/requirements/1?use=pos.quote").get_data(as_text=True)
    assert '<option selected value="fit_standard">' in standard.split('id="classify"')[1].split("</form>")[0]
    unknown = consultant.get("/projects/ACME/requirements/1?use=sms.gateway").get_data(as_text=True)
    assert (
        'selected value="fit_' not in unknown.split('id="classify"')[1].split("</form>")[0]
    )  # nothing chosen
