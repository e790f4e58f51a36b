"""Document exports run on the job runner: a page's export link starts a job (role and project
membership checked as before), the job builds the same document the page used to build in the
request, and the job's download checks the starter, the export's role and the membership again."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from docx import Document
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from gap_analysis.export import gap_map_xlsx
from workbench.audit.models import AuditEntry
from workbench.auth import service as auth
from workbench.auth.models import User
from workbench.extensions import db
from workbench.gapmap import service as gapmap_service
from workbench.jobs import service as jobs
from workbench.jobs.models import Job
from workbench.projects import members
from workbench.projects.service import get_project

from .conftest import PASSWORD, make_app
from .gap_support import make_gap_project

RENDERERS = {"docx": gapmap_service.gap_map_document, "xlsx": gap_map_xlsx}


def _gap_project(app: Flask) -> None:
    with app.app_context():
        make_gap_project(db.session())
        db.session.commit()


def _job_page(client: FlaskClient, url: str) -> str:
    started = client.get(url)
    assert started.status_code == 303, (url, started.status_code)
    return urlsplit(started.headers["Location"]).path


def _contents(data: bytes, kind: str) -> list[list[str]]:
    """What a reader sees: every paragraph and table cell (DOCX), every sheet's cells (XLSX)."""
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(data))
        return [[str(v) for row in sheet.iter_rows(values_only=True) for v in row] for sheet in book]
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [[p.text for p in document.paragraphs], cells]


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_a_gap_map_export_from_the_page_is_a_job_that_builds_the_document_the_page_built(
    app: Flask, login_as: Callable[[str], FlaskClient], kind: str
) -> None:
    _gap_project(app)
    client = login_as("consultant")
    # What the old route built in the request: the domain's builder, called as it called it, before
    # any export (the title page's edition counts the earlier exports), and not kept.
    with app.app_context(), app.test_request_context():
        expected = gapmap_service.export_gap_map(
            db.session(),
            get_project(db.session(), "ACME"),
            RENDERERS[kind],
            kind=kind,
            actor="consultant",
            timezone="Europe/Moscow",
        )
        db.session.rollback()
    job_page = _job_page(client, f"/projects/ACME/gap-map.{kind}")
    with app.app_context():
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert job is not None and job_page == f"/jobs/{job.id}"
        assert (job.kind, job.created_by, job.state) == ("documents.build", "consultant", "finished")
        assert job.project_id == get_project(db.session(), "ACME").id
        assert job.output_name == f"ACME gap map.{kind}"
    page = client.get(job_page).get_data(as_text=True)
    assert 'id="job-download"' in page and f"ACME gap map.{kind}" in page
    downloaded = client.get(f"{job_page}/download")
    assert downloaded.status_code == 200
    assert "ACME%20gap%20map" in downloaded.headers["Content-Disposition"]
    assert _contents(downloaded.data, kind) == _contents(expected, kind)
    with app.app_context():  # audited as before: by the user who asked, once
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        actions = [(e.actor, e.action) for e in entries]
    assert actions.count(("consultant", "gapmap.export")) == 1 and ("consultant", "job.submit") in actions


def test_only_members_who_may_export_download_the_document(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    _gap_project(app)
    with app.app_context():
        auth.create_user(db.session(), "outsider", PASSWORD, "consultant", actor="t")
        db.session.commit()
    consultant = login_as("consultant")
    download = f"{_job_page(consultant, '/projects/ACME/gap-map.docx')}/download"
    assert consultant.get(download).status_code == 200

    outsider = app.test_client()
    outsider.post("/login", data={"username": "outsider", "password": PASSWORD})
    assert outsider.get(download).status_code == 404  # not even told the job exists
    assert outsider.get("/projects/ACME/gap-map.docx").status_code == 404  # nor may start one

    admin = app.test_client()
    admin.post("/login", data={"username": "admin", "password": PASSWORD})
    assert admin.get(download).status_code == 200

    with app.app_context():  # the starter, taken off the project since, may not download it
        user = db.session.scalar(select(User).where(User.username == "consultant"))
        assert user is not None
        members.remove_member(db.session(), get_project(db.session(), "ACME"), user, actor="t")
        db.session.commit()
    assert consultant.get(download).status_code == 404


def test_the_job_page_shows_the_wait_and_offers_the_download_once_the_worker_built_it(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, JOBS_IMMEDIATE=False, JOBS_SQLITE_FILE=str(tmp_path / "jobs.db"))
    _gap_project(app)
    client = app.test_client()
    client.post("/login", data={"username": "consultant", "password": PASSWORD})
    job_page = _job_page(client, "/projects/ACME/gap-map.xlsx")
    waiting = client.get(job_page).get_data(as_text=True)
    assert "Waiting for the job worker" in waiting and 'id="job-download"' not in waiting
    assert client.get(f"{job_page}/download").status_code == 404
    with app.app_context():  # what the worker does with the job
        jobs.execute(db.session(), int(job_page.rsplit("/", 1)[1]))
        db.session.remove()
    assert 'id="job-download"' in client.get(job_page).get_data(as_text=True)
    downloaded = client.get(f"{job_page}/download")
    assert downloaded.status_code == 200
    assert load_workbook(io.BytesIO(downloaded.data))["Requirements"]["A1"].value


def test_an_export_link_followed_from_another_site_starts_no_job(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    """The export links are GETs without a CSRF token: a browser marks a request another site
    made it send (Sec-Fetch-Site: cross-site), and such a request starts nothing."""
    _gap_project(app)
    consultant = login_as("consultant")
    refused = consultant.get("/projects/ACME/gap-map.docx", headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Job.id)) is None
    followed = consultant.get("/projects/ACME/gap-map.docx", headers={"Sec-Fetch-Site": "same-origin"})
    assert followed.status_code == 303
