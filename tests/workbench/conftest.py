"""An app per test on its own SQLite file, a client, and a helper to sign in as each role.

Fixtures: `app` (CSRF off, one user per role), `csrf_app` (CSRF on), `client`, `login_as`,
`any_db_app` (the app on SQLite and on the PostgreSQL test database).
Each role's user has the role's name as username and PASSWORD as password, and is a member of
every project the tests create (`role_users_join_new_projects`), so the tests of each section
run as a project's members do; tests/workbench/test_project_members.py covers outsiders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from loyalty_core.db import metadata, utcnow
from tests.conftest import _truncate_pg, postgres_url
from workbench import create_app
from workbench.audit import service as audit_service
from workbench.auth.enums import Role
from workbench.auth.models import User
from workbench.extensions import db
from workbench.projects.models import Project, ProjectMember

PASSWORD = "correct-horse-9"
# Hashing is slow on purpose (scrypt); the role users of every test share one hash, computed once.
# Tests of the hashing itself create their users through the service.
_PASSWORD_HASH = generate_password_hash(PASSWORD)


ROLE_USERNAMES = tuple(role.value for role in Role)


def _role_users_join(_mapper: Any, connection: Any, project: Project) -> None:
    # After a project row is inserted, in its transaction: every role user becomes a member
    # (the consultant as its lead), the way a project team is set up through the members page.
    users = connection.execute(select(User.id, User.role).where(User.username.in_(ROLE_USERNAMES))).all()
    for user_id, role in users:
        connection.execute(
            insert(ProjectMember).values(
                project_id=project.id,
                user_id=user_id,
                role="lead" if role == "consultant" else "member",
                added_at=utcnow(),
                added_by="test",
            )
        )


@pytest.fixture(autouse=True)
def role_users_join_new_projects() -> Iterator[None]:
    """Make the role users members of every project created while a test runs."""
    event.listen(Project, "after_insert", _role_users_join)
    yield
    event.remove(Project, "after_insert", _role_users_join)


def make_app(tmp_path: Path, **overrides: Any) -> Flask:
    """A workbench on a fresh SQLite file with its tables and one user per role."""
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'workbench.db'}",
        "WTF_CSRF_ENABLED": False,
        # Pages, flashes and WTForms' own messages in English unless a test asks for Russian.
        "BABEL_DEFAULT_LOCALE": "en",
        # Jobs run inside the request that starts them (huey's immediate mode); the consumer
        # itself is tested in test_jobs.py.
        "JOBS_IMMEDIATE": True,
        **overrides,
    }
    # The instance folder (secret key, default database) is the test's own, never the repo's.
    app = create_app(config, instance_path=tmp_path / "instance")
    with app.app_context():
        metadata.create_all(db.engine)  # tests only: production databases are migrated
        for role in Role:
            user = User(
                username=role.value, display_name=role.label, password_hash=_PASSWORD_HASH, role=role.value
            )
            db.session.add(user)
            audit_service.record(
                db.session(), "test", "user.create", "user", role.value, {"role": role.value}
            )
        db.session.commit()
    return app


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The workbench with CSRF checks off (forms post without tokens)."""
    app = make_app(tmp_path)
    yield app
    _dispose(app)


@pytest.fixture
def csrf_app(tmp_path: Path) -> Iterator[Flask]:
    """The workbench with CSRF checks on, as in production."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    yield app
    _dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser on `app`, not signed in."""
    return app.test_client()


@pytest.fixture
def login_as(client: FlaskClient) -> Callable[[str], FlaskClient]:
    """`login_as("approver")` signs `client` in as the user of that role and returns it."""

    def sign_in(role: str) -> FlaskClient:
        response = client.post("/login", data={"username": role, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in


def csrf_signed_in(app: Flask, role: str) -> tuple[FlaskClient, str]:
    """A browser on a CSRF-checking `app`, signed in as `role` the way a person does (reading the
    token off the sign-in page), and the session's CSRF token for the forms it posts next."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": role, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client, token


# `any_db_app`: the workbench on a SQLite file and on the PostgreSQL test database. Name it as a
# test's argument to run the test on both (PostgreSQL refuses some input SQLite takes, and its
# upserts and row locks take another path).
@pytest.fixture(params=["sqlite", "postgres"])
def any_db_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    overrides: dict[str, Any] = {}
    if request.param == "postgres":
        url = postgres_url()
        assert url
        pg: Engine = request.getfixturevalue("pg_engine")
        _truncate_pg(pg)
        overrides["SQLALCHEMY_DATABASE_URI"] = url.replace("postgresql://", "postgresql+psycopg://")
    app = make_app(tmp_path, **overrides)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def download(client: FlaskClient, url: str) -> TestResponse:
    """An export as a user gets it: the page's link starts a job and sends them to the job's page
    (tests run jobs at once, so it is done), which offers the document's download."""
    started = client.get(url)
    assert started.status_code == 303, (url, started.status_code)
    job_page = urlsplit(started.headers["Location"]).path
    assert job_page.startswith("/jobs/"), job_page
    page = client.get(job_page).get_data(as_text=True)
    assert 'id="job-download"' in page, page
    return client.get(f"{job_page}/download")
