"""The job runner: uploads and acceptance runs are job rows with progress, run by huey's consumer.

Most tests run jobs in huey's immediate mode (inside the request that starts them); one runs the
real consumer (`workbench jobs worker`, a separate process) on huey's SQLite storage.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.workbench.conftest import PASSWORD, make_app
from tests.workbench.gap_support import make_gap_project
from tests.workbench.test_acceptance import _setup as setup_acceptance
from workbench.acceptance.models import Feature
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.jobs import service
from workbench.jobs.models import Job, JobState
from workbench.jobs.queue import queue_of
from workbench.projects.models import Project
from workbench.requirements.models import Requirement

GOOD = "Title,Priority,Process area\nОплата баллами,must,Оплата\nОтчёт,could,\n".encode()
BAD = "Title,Priority\n,must\nОтчёт,highest\n".encode()


def _requirements(app: Flask, key: str = "ACME") -> int:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Requirement.id)).join(Project).where(Project.key == key)) or 0
        )


def _upload(client: FlaskClient, data: bytes, name: str = "reqs.csv") -> str:
    response = client.post(
        "/projects/ACME/requirements/import",
        data={"upload": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/jobs/"), location
    return location


def test_an_import_is_a_job_whose_page_says_how_it_ended(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        make_gap_project(db.session())
        db.session.commit()
    consultant = login_as("consultant")
    bad = consultant.get(_upload(consultant, BAD)).get_data(as_text=True)
    assert "Failed" in bad and "line 2, column Title: a title is required" in bad
    assert "line 3, column Priority" in bad
    assert _requirements(app) == 0

    location = _upload(consultant, GOOD)
    page = consultant.get(location).get_data(as_text=True)
    assert "Done" in page and "reqs.csv: 2 requirement(s) created, 0 updated" in page
    assert 'href="/projects/ACME/requirements"' in page
    state = consultant.get(location + ".json").get_json()
    assert (
        state["state"] == "finished"
        and state["progress"] == 100
        and state["result"] == {"created": 2, "updated": 0}
    )
    assert _requirements(app) == 2
    with app.app_context():
        jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
        assert [j.state for j in jobs] == ["failed", "finished"]
        assert all(j.upload is None for j in jobs)  # the uploaded bytes are not kept once read
        assert all(j.created_by == "consultant" and j.finished_at and j.finished_at.tzinfo for j in jobs)


def test_a_job_is_read_by_who_started_it_and_by_admins_only(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        make_gap_project(db.session())
        db.session.commit()
    location = _upload(login_as("consultant"), GOOD)
    other = app.test_client()
    other.post("/login", data={"username": "approver", "password": PASSWORD})
    assert other.get(location).status_code == 404 and other.get(location + ".json").status_code == 404
    assert "Import of reqs.csv" not in other.get("/jobs").get_data(as_text=True)
    admin = app.test_client()
    admin.post("/login", data={"username": "admin", "password": PASSWORD})
    assert admin.get(location).status_code == 200
    assert "Import of reqs.csv into ACME" in admin.get("/jobs").get_data(as_text=True)
    assert app.test_client().get(location).status_code == 302  # not signed in: to the sign-in page


def test_only_consultants_start_an_import(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    with app.app_context():
        make_gap_project(db.session())
        db.session.commit()
    approver = login_as("approver")
    response = approver.post(
        "/projects/ACME/requirements/import",
        data={"upload": (io.BytesIO(GOOD), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Job.id))) == 0


def test_a_feature_import_is_a_job_all_or_nothing(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    setup_acceptance(app, demo=False)
    consultant = login_as("consultant")
    good = b"Feature: Accrual\n  Scenario: One\n    Given the configuration under test\n"
    bad = (
        good.replace(b"Feature: Accrual", b"Feature: Broken")
        + b"  Scenaro: Two\n    Given the configuration under test\n"
    )
    response = consultant.post(
        "/projects/ACC/acceptance/import",
        content_type="multipart/form-data",
        data={"files": [(io.BytesIO(good), "a.feature"), (io.BytesIO(bad), "b.feature")]},
    )
    page = consultant.get(response.headers["Location"]).get_data(as_text=True)
    assert "Failed" in page and "nothing imported: b.feature, line 4" in page
    with app.app_context():
        assert service.recent_jobs(db.session())[0].state == "failed"
        assert db.session.scalar(select(func.count(Feature.id))) == 0
    response = consultant.post(
        "/projects/ACC/acceptance/import",
        content_type="multipart/form-data",
        data={"files": [(io.BytesIO(good), "a.feature")]},
    )
    assert "imported 1 feature file(s)" in consultant.get(response.headers["Location"]).get_data(as_text=True)


def test_a_worker_that_starts_fails_the_jobs_a_stopped_worker_left_running(app: Flask) -> None:
    with app.app_context():
        session = db.session()
        job = service.submit(session, "requirements.import", actor="consultant", title="t", upload=b"x")
        job.state = JobState.running.value
        session.commit()
        assert service.interrupt_running(session) == 1
        session.commit()
        assert job.state == "failed" and "interrupted" in job.message and job.upload is None
        assert service.execute(session, job.id) is None  # a job runs at most once


def _worker(tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'workbench.db'}",
        "SECRET_KEY": "jobs-test",
        "JOBS_SQLITE_FILE": str(tmp_path / "jobs.db"),
    }
    env.pop("REDIS_URL", None)
    workbench = str(Path(sys.executable).with_name("workbench"))
    return subprocess.Popen(
        [workbench, "jobs", "worker", "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _until_done(
    client: FlaskClient, location: str, worker: subprocess.Popen[bytes], seconds: float = 120
) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        state = json.loads(client.get(location + ".json").get_data())
        if state["state"] in ("finished", "failed"):
            return dict(state)
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        assert time.monotonic() < deadline, f"job still {state['state']} after {seconds} s"
        time.sleep(0.2)


def test_the_huey_consumer_runs_uploads_and_acceptance_runs_from_the_sqlite_queue(tmp_path: Path) -> None:
    app = make_app(tmp_path, JOBS_IMMEDIATE=False, JOBS_SQLITE_FILE=str(tmp_path / "jobs.db"))
    assert type(queue_of(app).huey).__name__ == "SqliteHuey"
    with app.app_context():
        make_gap_project(db.session())
        db.session.commit()
    setup_acceptance(app)
    consultant = app.test_client()
    consultant.post("/login", data={"username": "consultant", "password": PASSWORD})

    # Queued while no worker runs: the page says it waits, and it stays queued.
    location = _upload(consultant, GOOD)
    waiting = consultant.get(location).get_data(as_text=True)
    assert "Waiting for the job worker" in waiting and "No job worker has taken" not in waiting
    with app.app_context():  # a minute later, still queued: the page asks whether a worker runs
        first = db.session.get(Job, int(location.rsplit("/", 1)[1]))
        assert first is not None
        first.created_at -= dt.timedelta(minutes=2)
        db.session.commit()
    assert "No job worker has taken this job for 2 minute(s)" in consultant.get(location).get_data(
        as_text=True
    )
    run_response = consultant.post("/projects/ACC/acceptance/runs", data={"version": "v2"})
    run_page = run_response.headers["Location"]
    time.sleep(0.5)
    assert _requirements(app) == 0

    worker = _worker(tmp_path)
    try:
        assert (
            _until_done(consultant, location, worker)["message"]
            == "reqs.csv: 2 requirement(s) created, 0 updated"
        )
        assert _requirements(app) == 2
        failed = _until_done(consultant, _upload(consultant, BAD), worker)
        assert failed["state"] == "failed" and "line 3, column Priority" in failed["message"]
        with app.app_context():
            run_job = db.session.scalar(select(Job).where(Job.kind == "acceptance.run"))
            assert run_job is not None
            run_job_id = run_job.id
        ended = _until_done(consultant, f"/jobs/{run_job_id}", worker)
        assert ended["state"] == "finished" and "31 passed, 1 failed" in ended["message"]
        assert "31 passed, 1 failed" in consultant.get(run_page).get_data(as_text=True)
    finally:
        worker.send_signal(signal.SIGINT)  # huey's graceful stop
        worker.wait(timeout=60)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_queue_is_a_sqlite_file_in_the_instance_folder_unless_redis_url_is_set(tmp_path: Path) -> None:
    from workbench.jobs.queue import make_huey

    sqlite = make_huey({}, str(tmp_path))
    assert type(sqlite).__name__ == "SqliteHuey" and sqlite.storage.filename == str(tmp_path / "jobs.db")
    redis = make_huey({"REDIS_URL": "redis://127.0.0.1:6379/1"}, str(tmp_path))  # connects on first use only
    assert type(redis).__name__ == "RedisHuey"
    assert redis.storage.conn.connection_pool.connection_kwargs["db"] == 1


def test_a_bpmn_upload_is_a_job_whose_page_goes_on_to_the_model(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    from tests.workbench.test_process_pages import CORPUS

    bpmn = CORPUS / "27_spiff_lanes.bpmn"
    with app.app_context():
        make_gap_project(db.session())
        db.session.commit()
    consultant = login_as("consultant")
    response = consultant.post(
        "/processes/import/ACME",
        content_type="multipart/form-data",
        data={"upload": (io.BytesIO(bpmn.read_bytes()), bpmn.name), "variant": "as-is"},
    )
    job_page = response.headers["Location"]
    assert job_page.startswith("/jobs/")
    state = consultant.get(job_page + ".json").get_json()
    assert state["state"] == "finished" and state["message"].startswith("imported 1 process model(s)")
    forwarded = consultant.get(job_page)
    assert (
        forwarded.status_code == 302
        and forwarded.headers["Location"] == f"/processes/{state['result']['models'][0]}"
    )
    assert "imported 1 process model(s)" in consultant.get(forwarded.headers["Location"]).get_data(
        as_text=True
    )


def test_the_worker_records_due_store_switches_each_minute(app: Flask) -> None:
    from workbench.jobs.queue import queue_of

    huey = queue_of(app).huey
    due = {task.name: task for task in huey.read_periodic(dt.datetime(2026, 12, 4, 3, 0))}  # every minute
    huey.execute(due["workbench.record_due_switches"])  # its own app context and commit; nothing due here
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "rollout.switched")
            )
            == 0
        )
