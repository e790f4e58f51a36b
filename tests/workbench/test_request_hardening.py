"""What a probe sent the workbench's pages: NUL bytes, 20-digit numbers, oversized and oddly named
uploads, framing and sniffing, a cached store key, and phone searches by roles that see no phones.
The database-facing ones run on SQLite and on PostgreSQL, where they used to give a 500."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import select

from loyalty_core.ledger.models import Member
from workbench.acceptance.models import Feature
from workbench.demo.loader import load_demo
from workbench.extensions import db
from workbench.processes.models import ProcessRecord
from workbench.projects.service import create_project
from workbench.uploads import safe_filename

from .conftest import PASSWORD, csrf_signed_in

LoginAs = Callable[[str], FlaskClient]
TWENTY_DIGITS = "9" * 20
BPMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="p" name="Enrolment" isExecutable="false">
    <startEvent id="s"/><task id="t" name="Ask for the phone"/><endEvent id="e"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
  </process>
</definitions>
"""


def _signed_in(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"username": role, "password": PASSWORD}).status_code == 302
    return client


# --- NUL bytes -----------------------------------------------------------------------------------


def test_a_nul_in_the_sign_in_name_is_a_400_naming_the_field(any_db_app: Flask) -> None:
    response = any_db_app.test_client().post("/login", data={"username": "adm\x00in", "password": "x" * 9})
    assert response.status_code == 400
    assert "username" in response.get_data(as_text=True) and "NUL" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/programme/members?q=%00", "/audit/?actor=a%00b", "/projects/%00", "/programme/versions/v%001"]
)
def test_a_nul_in_a_search_box_or_url_is_a_400(any_db_app: Flask, path: str) -> None:
    response = _signed_in(any_db_app, "admin").get(path)
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)


def test_a_nul_in_a_form_field_is_a_400_and_nothing_is_stored(any_db_app: Flask) -> None:
    client = _signed_in(any_db_app, "consultant")
    response = client.post("/projects/", data={"key": "ACME", "name": "Ac\x00me", "stage": "1"})
    assert response.status_code == 400 and "name" in response.get_data(as_text=True)
    assert client.get("/projects/ACME").status_code == 404


# --- bounded numbers -----------------------------------------------------------------------------


def test_a_20_digit_audit_page_shows_a_page(any_db_app: Flask) -> None:
    client = _signed_in(any_db_app, "admin")
    assert client.get(f"/audit/?page={TWENTY_DIGITS}").status_code == 200
    assert client.get("/audit/?page=-3").status_code == 200
    assert client.get("/audit/?page=²").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/processes/{TWENTY_DIGITS}",
        f"/interviews/{TWENTY_DIGITS}",
        f"/acceptance/runs/{TWENTY_DIGITS}",
        f"/processes/compare?before={TWENTY_DIGITS}&after=1",
        f"/processes/{2**31}",
    ],
)
def test_a_20_digit_id_is_no_such_page(any_db_app: Flask, path: str) -> None:
    assert _signed_in(any_db_app, "admin").get(path).status_code == 404


# --- headers -------------------------------------------------------------------------------------


def test_pages_forbid_framing_sniffing_and_foreign_scripts(client: FlaskClient, login_as: LoginAs) -> None:
    for response in (client.get("/login"), login_as("consultant").get("/projects/")):
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "default-src 'self'" in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_new_store_key_page_is_never_cached(app: Flask, login_as: LoginAs) -> None:
    response = login_as("rollout_manager").post(
        "/programme/stores", data={"code": "R900", "direction": "retail"}
    )
    assert response.status_code == 200 and "R900" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


# --- upload limits -------------------------------------------------------------------------------


@pytest.fixture
def project(app: Flask) -> Flask:
    with app.app_context():
        create_project(db.session(), "ACME", "Acme", actor="t")
        db.session.commit()
    return app


def _bpmn_of(size: int) -> bytes:
    padding = b"<!--" + b"x" * max(0, size - len(BPMN) - 8) + b"-->\n"
    return BPMN.replace(b"<definitions", padding + b"<definitions", 1)


def test_a_bpmn_file_over_1_mb_and_under_20_mb_imports(project: Flask, login_as: LoginAs) -> None:
    data = {"upload": (io.BytesIO(_bpmn_of(3 * 1024 * 1024)), "model.bpmn"), "variant": "as-is"}
    response = login_as("consultant").post(
        "/processes/import/ACME", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    # The job page goes on to the imported model once the job worker is done with the file.
    assert response.status_code == 200 and response.request.path.startswith("/processes/")


def test_the_limit_holds_with_csrf_checks_on(csrf_app: Flask) -> None:
    """The CSRF check reads the form before any view: it must read it under the page's limit."""
    with csrf_app.app_context():
        create_project(db.session(), "ACME", "Acme", actor="t")
        db.session.commit()
    client, token = csrf_signed_in(csrf_app, "consultant")
    data = {
        "upload": (io.BytesIO(_bpmn_of(3 * 1024 * 1024)), "model.bpmn"),
        "variant": "as-is",
        "csrf_token": token,
    }
    response = client.post(
        "/processes/import/ACME", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    assert response.status_code == 200 and response.request.path.startswith("/processes/")


def test_a_bpmn_file_over_20_mb_gets_a_friendly_413_page(project: Flask, login_as: LoginAs) -> None:
    data = {"upload": (io.BytesIO(_bpmn_of(21 * 1024 * 1024)), "model.bpmn"), "variant": "as-is"}
    response = login_as("consultant").post(
        "/processes/import/ACME", data=data, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "A BPMN file may be at most 20 MB" in page and "nothing was stored" in page


def test_a_configuration_file_keeps_the_1_mb_limit(app: Flask, login_as: LoginAs) -> None:
    data = {"label": "v9", "upload": (io.BytesIO(b"#" * (2 * 1024 * 1024)), "v9.yaml")}
    response = login_as("consultant").post(
        "/programme/versions", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 413 and "A configuration file may be at most 1 MB" in response.get_data(
        as_text=True
    )


def test_a_too_large_api_body_is_a_problem_document_naming_the_limit(app: Flask) -> None:
    @app.post("/api/test/echo")
    def echo() -> dict[str, int]:
        return {"bytes": len(request.get_data())}

    response = app.test_client().post(
        "/api/test/echo", data=b"x" * (2 * 1024 * 1024), content_type="application/json"
    )
    assert response.status_code == 413 and response.mimetype == "application/problem+json"
    assert "1 MB" in json.loads(response.get_data())["detail"]


# --- file names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("C:\\Users\\olga\\Desktop\\enrolment.bpmn", "enrolment.bpmn"),
        ("../../etc/passwd", "passwd"),
        ("report\x00.bpmn", "report.bpmn"),
        ("evil\u202egnp.bpmn", "evilgnp.bpmn"),
        ("line\r\nbreak.feature", "linebreak.feature"),
        ("Сценарии покупки.feature", "Сценарии покупки.feature"),
        ("..", "upload"),
        ("", "upload"),
    ],
)
def test_upload_names_keep_only_a_clean_base_name(raw: str, kept: str) -> None:
    assert safe_filename(raw) == kept


def test_every_upload_path_stores_the_clean_base_name(project: Flask, login_as: LoginAs) -> None:
    client = login_as("consultant")
    data = {"upload": (io.BytesIO(BPMN), "..\\..\\x\x07y.bpmn"), "variant": "as-is"}
    assert (
        client.post("/processes/import/ACME", data=data, content_type="multipart/form-data").status_code
        == 302
    )
    feature = "Feature: Enrolment\n  Scenario: A new member\n    Given a store\n"
    data = {"files": [(io.BytesIO(feature.encode()), "/tmp/a\x1bb.feature")]}
    assert (
        client.post(
            "/projects/ACME/acceptance/import", data=data, content_type="multipart/form-data"
        ).status_code
        == 302
    )
    with project.app_context():
        assert db.session.scalars(select(ProcessRecord.source_name)).one() == "xy.bpmn"
        assert db.session.scalars(select(Feature.filename)).one() == "ab.feature"


# --- phone search --------------------------------------------------------------------------------


@pytest.fixture
def members(app: Flask) -> Flask:
    with app.app_context():
        load_demo(db.session(), members=5, days=10)
        db.session.commit()
    return app


@pytest.mark.parametrize(
    ("role", "found"),
    [("consultant", False), ("approver", False), ("rollout_manager", True), ("admin", True)],
)
def test_only_roles_that_see_phones_can_search_by_phone(members: Flask, role: str, found: bool) -> None:
    with members.app_context():
        name = db.session.scalars(select(Member.name).where(Member.phone == "+79161234567")).one()
    client = _signed_in(members, role)
    page = client.get("/programme/members?q=1234567").get_data(as_text=True)
    assert (name in page) is found
    # Searching by name still works for everyone (the phone then shows masked where it must).
    assert name in client.get(f"/programme/members?q={name}").get_data(as_text=True)
