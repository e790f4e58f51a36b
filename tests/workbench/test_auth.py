"""Sign-in, roles and CSRF: what every page relies on."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from workbench import create_app
from workbench.audit.models import AuditEntry
from workbench.auth import service
from workbench.auth.models import User
from workbench.extensions import db

from .conftest import PASSWORD


def test_passwords_are_stored_hashed(app: Flask) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "consultant"))
        assert user is not None
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_sign_in_and_out(client: FlaskClient) -> None:
    assert client.get("/").status_code == 302
    response = client.post("/login", data={"username": "Consultant", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200 and "Implementation" in page.get_data(as_text=True)
    client.post("/logout")
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("consultant", "wrong-password", "wrong username or password"),
        ("nobody", PASSWORD, "wrong username or password"),
    ],
    ids=["wrong password", "unknown user"],
)
def test_bad_credentials_are_refused(client: FlaskClient, username: str, password: str, message: str) -> None:
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_deactivated_user_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "approver"))
        service.set_active(db.session, user, False, actor="admin")
        db.session.commit()
    response = client.post("/login", data={"username": "approver", "password": PASSWORD})
    assert "deactivated" in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client: FlaskClient) -> None:
    for path in ("/", "/programme/versions", "/programme/stores", "/programme/members", "/audit/", "/users"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("consultant", "/users", 403),
        ("approver", "/users", 403),
        ("rollout_manager", "/users", 403),
        ("admin", "/users", 200),
        ("consultant", "/audit/", 403),
        ("approver", "/audit/", 200),
        ("rollout_manager", "/audit/", 200),
        ("consultant", "/programme/versions", 200),
        ("approver", "/programme/stores", 200),
    ],
)
def test_each_role_reaches_what_it_may(login: Callable[[str], FlaskClient], role: str, path: str, status: int) -> None:
    assert login(role).get(path).status_code == status


@pytest.mark.parametrize(
    ("role", "path", "data", "status"),
    [
        ("consultant", "/programme/versions/v1/approve", {}, 403),
        ("approver", "/programme/versions", {"label": "v9", "text": "x"}, 403),
        ("consultant", "/programme/stores/R001/assign", {"version": "v1"}, 403),
        ("approver", "/programme/stores", {"code": "R9", "direction": "retail"}, 403),
        ("rollout_manager", "/users", {"username": "x", "role": "admin", "password": "12345678"}, 403),
    ],
    ids=["consultant approves", "approver drafts", "consultant switches a store", "approver adds a store", "manager adds a user"],
)
def test_changes_are_refused_to_the_wrong_role(
    login: Callable[[str], FlaskClient], role: str, path: str, data: dict[str, str], status: int
) -> None:
    assert login(role).post(path, data=data).status_code == status


def test_admin_creates_and_deactivates_users_with_audit(app: Flask, login: Callable[[str], FlaskClient]) -> None:
    client = login("admin")
    response = client.post(
        "/users", data={"username": "olga", "display_name": "Ольга", "role": "consultant", "password": "long-enough-1"}
    )
    assert response.status_code == 302
    with app.app_context():
        olga = db.session.scalar(select(User).where(User.username == "olga"))
        assert olga is not None and olga.role == "consultant"
        client.post(f"/users/{olga.id}/active")
        db.session.refresh(olga)
        assert olga.active is False
        actions = [(e.actor, e.action, e.target_id) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("admin", "user.create", "olga") in actions and ("admin", "user.deactivate", "olga") in actions


def test_forms_without_a_csrf_token_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.db'}", "SECRET_KEY": "s"}
    )
    with app.app_context():
        from loyalty_core.db import metadata

        metadata.create_all(db.engine)
        service.create_user(db.session, "admin", PASSWORD, "admin", actor="test")
        db.session.commit()
    client = app.test_client()
    refused = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    accepted = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302
