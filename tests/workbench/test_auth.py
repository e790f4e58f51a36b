"""Sign-in, roles and CSRF: what every page relies on."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from workbench.audit.models import AuditEntry
from workbench.auth import service
from workbench.auth.access import roles_required
from workbench.auth.enums import Role
from workbench.auth.models import User
from workbench.extensions import db

from .conftest import PASSWORD

LoginAs = Callable[[str], FlaskClient]


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    assert user is not None, username
    return user


# --- passwords and signing in ---------------------------------------------------------------


def test_passwords_are_stored_hashed(app: Flask) -> None:
    with app.app_context():
        olga = service.create_user(db.session, "olga", PASSWORD, "consultant", actor="admin")
        petr = service.create_user(db.session, "petr", PASSWORD, "consultant", actor="admin")
        db.session.commit()
        assert PASSWORD not in olga.password_hash
        assert olga.password_hash.startswith(("scrypt:", "pbkdf2:"))
        # Two users with the same password get different hashes (salted).
        assert olga.password_hash != petr.password_hash
        assert service.authenticate(db.session, "OLGA", PASSWORD) is olga


def test_sign_in_and_out(client: FlaskClient) -> None:
    assert client.get("/").status_code == 302
    response = client.post("/login", data={"username": "Consultant", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for stage in ("Analysis", "Adaptation", "Approval", "Build &amp; test", "Pilot", "Rollout"):
        assert stage in text
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_sign_out_is_a_post(login_as: LoginAs) -> None:
    """A GET (e.g. an <img> on another site) must not sign people out."""
    client = login_as("consultant")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("consultant", "wrong-password"), ("nobody", PASSWORD)],
    ids=["wrong password", "unknown user"],
)
def test_bad_credentials_are_refused_with_one_message(
    client: FlaskClient, username: str, password: str
) -> None:
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 200 and "wrong username or password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_deactivated_user_cannot_sign_in(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        service.set_active(db.session, _user("approver"), False, actor="admin")
        db.session.commit()
    response = client.post("/login", data={"username": "approver", "password": PASSWORD})
    assert response.status_code == 200 and "deactivated" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivation_ends_a_running_session(app: Flask, login_as: LoginAs) -> None:
    client = login_as("consultant")
    assert client.get("/").status_code == 200
    with app.app_context():
        service.set_active(db.session, _user("consultant"), False, actor="admin")
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_set_password_replaces_the_old_one(app: Flask) -> None:
    with app.app_context():
        service.set_password(db.session, _user("consultant"), "a-new-password-7", actor="admin")
        db.session.commit()
        with pytest.raises(service.AuthError):
            service.authenticate(db.session, "consultant", PASSWORD)
        assert service.authenticate(db.session, "consultant", "a-new-password-7").username == "consultant"
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.password")).one()
        assert entry.target_id == "consultant" and "a-new-password-7" not in json.dumps(entry.details)
        with pytest.raises(service.AuthError, match="at least 8"):
            service.set_password(db.session, _user("consultant"), "short", actor="admin")


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("CONSULTANT", "consultant", PASSWORD, "already exists"),
        ("olga", "superuser", PASSWORD, "unknown role 'superuser'"),
        ("olga", "consultant", "short", "at least 8 characters"),
        ("olga ivanova", "consultant", PASSWORD, "letters, digits"),
        ("", "consultant", PASSWORD, "username is required"),
    ],
    ids=["duplicate (any case)", "bad role", "short password", "space in username", "empty username"],
)
def test_create_user_refuses_bad_input_clearly(
    app: Flask, username: str, role: str, password: str, message: str
) -> None:
    with app.app_context(), pytest.raises(service.AuthError, match=message):
        service.create_user(db.session, username, password, role, actor="admin")


# --- who may reach what ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/audit/", "/users", "/programme/versions"])
def test_anonymous_visitors_are_sent_to_sign_in_and_back(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    back = client.post(response.headers["Location"], data={"username": "admin", "password": PASSWORD})
    assert back.status_code == 302 and back.headers["Location"] == path


def test_sign_in_never_redirects_to_another_site(client: FlaskClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/x"):
        response = client.post(f"/login?next={target}", data={"username": "admin", "password": PASSWORD})
        assert response.headers["Location"] == "/", target
        client.post("/logout")


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
        ("admin", "/audit/", 200),
        ("consultant", "/", 200),
    ],
)
def test_each_role_reaches_what_it_may(login_as: LoginAs, role: str, path: str, status: int) -> None:
    assert login_as(role).get(path).status_code == status


def test_a_refused_page_says_why_in_html(login_as: LoginAs) -> None:
    response = login_as("consultant").get("/users")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "Your role does not allow this page" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "data"),
    [
        ("rollout_manager", {"username": "x", "role": "admin", "password": "12345678"}),
        ("approver", {"username": "x", "role": "admin", "password": "12345678"}),
    ],
)
def test_only_admins_create_users(app: Flask, login_as: LoginAs, role: str, data: dict[str, str]) -> None:
    assert login_as(role).post("/users", data=data).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "x")) is None


def test_api_paths_answer_401_and_403_as_problem_documents(app: Flask, client: FlaskClient) -> None:
    @app.get("/api/workbench/whoami")
    @roles_required(Role.rollout_manager)
    def whoami() -> dict[str, str]:
        return {"ok": "yes"}

    anonymous = client.get("/api/workbench/whoami")
    assert anonymous.status_code == 401 and anonymous.mimetype == "application/problem+json"
    assert anonymous.get_json()["status"] == 401
    client.post("/login", data={"username": "consultant", "password": PASSWORD})
    refused = client.get("/api/workbench/whoami")
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    client.post("/logout")
    client.post("/login", data={"username": "admin", "password": PASSWORD})  # admin passes every check
    assert client.get("/api/workbench/whoami").get_json() == {"ok": "yes"}


def test_a_mistyped_role_fails_at_import_not_in_use() -> None:
    with pytest.raises(ValueError, match="unknown role 'aprover'"):
        roles_required("aprover")


# --- the users admin page -------------------------------------------------------------------


def test_admin_creates_and_deactivates_users_with_audit(app: Flask, login_as: LoginAs) -> None:
    client = login_as("admin")
    response = client.post(
        "/users",
        data={
            "username": "olga",
            "display_name": "Ольга",
            "email": "olga@example.com",
            "role": "consultant",
            "password": "long-enough-1",
        },
    )
    assert response.status_code == 302
    assert "olga" in client.get("/users").get_data(as_text=True)
    with app.app_context():
        olga = _user("olga")
        assert olga.role == "consultant" and olga.email == "olga@example.com" and olga.active
        olga_id = olga.id
    client.post(f"/users/{olga_id}/active")
    with app.app_context():
        assert _user("olga").active is False
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        actions = [(e.actor, e.action, e.target_id) for e in entries]
    assert ("admin", "user.create", "olga") in actions and ("admin", "user.deactivate", "olga") in actions


def test_the_users_page_shows_what_is_wrong_with_a_new_user(login_as: LoginAs) -> None:
    client = login_as("admin")
    duplicate = client.post(
        "/users", data={"username": "approver", "role": "consultant", "password": "long-enough-1"}
    )
    assert duplicate.status_code == 200 and "already exists" in duplicate.get_data(as_text=True)
    short = client.post("/users", data={"username": "petr", "role": "consultant", "password": "short"})
    assert "at least 8 characters" in short.get_data(as_text=True)


def test_the_last_active_admin_cannot_be_deactivated(app: Flask, login_as: LoginAs) -> None:
    client = login_as("admin")
    with app.app_context():
        admin_id = _user("admin").id
    response = client.post(f"/users/{admin_id}/active", follow_redirects=True)
    assert "last active admin" in response.get_data(as_text=True)
    with app.app_context():
        assert _user("admin").active


# --- CSRF -----------------------------------------------------------------------------------


def test_forms_without_a_csrf_token_are_refused(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    refused = client.post("/login", data={"username": "admin", "password": PASSWORD})
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    accepted = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302


def test_the_pos_api_needs_no_csrf_token(csrf_app: Flask) -> None:
    """Stores authenticate with bearer keys, not cookies: the CSRF check must not refuse them."""
    response = csrf_app.test_client().post("/api/v1/members", json={"phone": "+79161234567"})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
