"""Process pages: a consultant imports a BPMN file, sees the diagram and findings, exports, compares."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.bpmn_corpus import BPMN_CORPUS
from workbench.extensions import db
from workbench.projects.service import create_project

CORPUS = BPMN_CORPUS


@pytest.fixture
def project(app: Flask) -> Flask:
    with app.app_context():
        create_project(db.session(), "DEMO", "Свежий рынок", actor="t", directions=["retail", "wholesale"])
        db.session.commit()
    return app


def _import(client: FlaskClient, name: str, variant: str) -> str:
    data = {"upload": (io.BytesIO((CORPUS / name).read_bytes()), name), "variant": variant}
    response = client.post("/processes/import/DEMO", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    # The import ran on the job runner; its page goes on to the model once it is done.
    job = client.get(response.headers["Location"])
    assert job.status_code == 302, job.get_data(as_text=True)
    return job.headers["Location"]


def test_import_show_export_and_compare(project: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    client = login_as("consultant")
    location = _import(client, "27_spiff_lanes.bpmn", "as-is")
    page = client.get(location).get_data(as_text=True)
    assert "<svg" in page and "Add BPMN Feature" in page and "label-required" in page
    model_id = location.rstrip("/").rsplit("/", 1)[1]
    exported = client.get(f"/processes/{model_id}/export.bpmn")
    assert exported.status_code == 200 and b"bpmndi:BPMNDiagram" in exported.data
    second = _import(client, "35_camex_camunda-testing-job-announcement.bpmn", "to-be").rsplit("/", 1)[1]
    compared = client.get(f"/processes/compare?before={model_id}&after={second}")
    assert compared.status_code == 200 and "steps added" in compared.get_data(as_text=True)
    listing = client.get("/projects/DEMO").get_data(as_text=True)
    assert "Add BPMN Feature" in listing and "TO-BE" in listing


def test_a_bad_file_is_refused_with_a_clear_message(
    project: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("consultant")
    data = {"upload": (io.BytesIO(b"this is not xml"), "notes.bpmn"), "variant": "as-is"}
    page = client.post(
        "/processes/import/DEMO", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    assert "not" in page.get_data(as_text=True).lower() and "No process model yet" in page.get_data(
        as_text=True
    )


def test_only_consultants_import(project: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    client = login_as("approver")
    data = {"upload": (io.BytesIO(b"<x/>"), "x.bpmn"), "variant": "as-is"}
    assert (
        client.post("/processes/import/DEMO", data=data, content_type="multipart/form-data").status_code
        == 403
    )
    assert client.get("/projects/").status_code == 200
