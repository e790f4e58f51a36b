"""Sign-in throttling, the audit of signing in and out, and server-side session revocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from workbench.audit.models import AuditEntry
from workbench.auth import service
from workbench.auth.models import User
from workbench.auth.throttle import Backoff, ThrottlePolicy
from workbench.extensions import db

from .conftest import PASSWORD

START = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
OFFICE, ELSEWHERE = "10.0.0.7", "192.0.2.55"


class Clock:
    """A clock the test moves by hand (no sleeps)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(app: Flask) -> Clock:
    ticking = Clock()
    app.config["CLOCK"] = ticking
    return ticking


def _post(client: FlaskClient, username: str, password: str, ip: str = OFFICE) -> int:
    response = client.post(
        "/login", data={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )
    return response.status_code


def _entries(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))
        )


# --- throttling ----------------------------------------------------------------------------------


def test_forty_wrong_passwords_are_not_all_answered(app: Flask, client: FlaskClient, clock: Clock) -> None:
    """The probe: 40 guesses in 25 s were all checked. Now the back-off stops them."""
    codes = []
    for _ in range(40):
        codes.append(_post(client, "admin", "guess-guess"))
        clock.advance(0.6)
    assert codes[:5] == [200] * 5  # typos are free
    assert codes.count(429) >= 30
    # While locked, even the right password is not checked, so guessing during a lockout learns nothing.
    assert _post(client, "admin", PASSWORD) == 429


def test_the_back_off_doubles_then_lets_the_right_password_in(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    for _ in range(5):
        assert _post(client, "consultant", "wrong-password") == 200
    assert _post(client, "consultant", "wrong-password") == 200  # the 6th failure locks for 2 s
    response = client.post(
        "/login", data={"username": "consultant", "password": PASSWORD}, environ_base={"REMOTE_ADDR": OFFICE}
    )
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    clock.advance(2)
    assert _post(client, "consultant", "wrong-password") == 200  # the 7th failure: 4 s
    clock.advance(3)
    assert _post(client, "consultant", PASSWORD) == 429
    clock.advance(1)
    assert _post(client, "consultant", PASSWORD) == 302
    # A success forgets the failures: the next typo is free again.
    client.post("/logout")
    assert _post(client, "consultant", "wrong-password") == 200
    assert _post(client, "consultant", PASSWORD) == 302


def test_a_guesser_elsewhere_cannot_lock_the_real_user_out(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    for _ in range(12):
        _post(client, "approver", "wrong-password", ip=ELSEWHERE)
    assert _post(client, "approver", PASSWORD, ip=ELSEWHERE) == 429
    assert _post(app.test_client(), "approver", PASSWORD, ip=OFFICE) == 302


def test_one_address_guessing_many_usernames_is_locked_longer(app: Flask, clock: Clock) -> None:
    app.config["LOGIN_THROTTLE"] = ThrottlePolicy(
        user_ip=Backoff(5, 2, 300, 900), ip=Backoff(8, 60, 3600, 3600)
    )
    client = app.test_client()
    for n in range(9):  # 9 usernames, one guess each: no username+address counter is locked
        assert _post(client, f"user{n}", "wrong-password", ip=ELSEWHERE) == 200
    assert _post(client, "admin", PASSWORD, ip=ELSEWHERE) == 429  # the address's 60 s
    clock.advance(59)
    assert _post(client, "admin", PASSWORD, ip=ELSEWHERE) == 429
    clock.advance(1)
    assert _post(client, "admin", PASSWORD, ip=ELSEWHERE) == 302
    assert _post(app.test_client(), "consultant", PASSWORD, ip=OFFICE) == 302


def test_the_counters_work_on_postgresql_too(any_db_app: Flask) -> None:
    ticking = Clock()
    any_db_app.config["CLOCK"] = ticking
    client = any_db_app.test_client()
    for _ in range(6):
        assert _post(client, "approver", "wrong-password") == 200
    assert _post(client, "approver", PASSWORD) == 429
    ticking.advance(2)
    assert _post(client, "approver", PASSWORD) == 302
    (entry,) = _entries(any_db_app, "auth.login")
    assert entry.actor == "approver"


def test_old_failures_are_forgotten(app: Flask, client: FlaskClient, clock: Clock) -> None:
    for _ in range(5):
        _post(client, "consultant", "wrong-password")
    clock.advance(901)  # past forget_after: the count starts again
    assert _post(client, "consultant", "wrong-password") == 200
    assert _post(client, "consultant", PASSWORD) == 302


# --- audit ---------------------------------------------------------------------------------------


def test_sign_in_failure_and_sign_out_are_audited(app: Flask, client: FlaskClient, clock: Clock) -> None:
    assert _post(client, "Consultant", "wrong-password") == 200
    assert _post(client, "nobody", "wrong-password") == 200
    assert _post(client, "consultant", PASSWORD) == 302
    client.post("/logout", environ_base={"REMOTE_ADDR": OFFICE})
    failed = _entries(app, "auth.login_failed")
    assert [(e.actor, e.target_id, e.details["ip"]) for e in failed] == [
        ("anonymous", "consultant", OFFICE),
        ("anonymous", "nobody", OFFICE),
    ]
    assert "wrong-password" not in str([e.details for e in failed])
    (login,) = _entries(app, "auth.login")
    (logout,) = _entries(app, "auth.logout")
    assert (login.actor, login.target_id, login.details) == ("consultant", "consultant", {"ip": OFFICE})
    assert (logout.actor, logout.target_id) == ("consultant", "consultant")


# --- server-side revocation ------------------------------------------------------------------------


def _signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    assert _post(client, username, PASSWORD) == 302
    assert client.get("/").status_code == 200
    return client


def _copy_cookie(source: FlaskClient, app: Flask) -> FlaskClient:
    thief = app.test_client()
    cookie = source.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_session_cookie_stops_working_after_logout(app: Flask) -> None:
    client = _signed_in(app, "consultant")
    thief = _copy_cookie(client, app)
    assert thief.get("/").status_code == 200
    client.post("/logout")
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_ends_the_users_other_sessions_too(app: Flask) -> None:
    laptop, phone = _signed_in(app, "approver"), _signed_in(app, "approver")
    laptop.post("/logout")
    assert phone.get("/").status_code == 302


@pytest.mark.parametrize(
    "change",
    [
        lambda user: service.set_password(db.session, user, "a-brand-new-pass", actor="admin"),
        lambda user: service.set_role(db.session, user, "approver", actor="admin"),
    ],
    ids=["password change", "role change"],
)
def test_password_and_role_changes_end_running_sessions(app: Flask, change: Callable[[User], object]) -> None:
    client = _signed_in(app, "consultant")
    with app.app_context():
        change(db.session.scalars(select(User).where(User.username == "consultant")).one())
        db.session.commit()
    assert client.get("/").status_code == 302


def test_the_cli_password_reset_ends_running_sessions(app: Flask) -> None:
    client = _signed_in(app, "rollout_manager")
    result = app.test_cli_runner().invoke(
        args=["user", "set-password", "rollout_manager", "--password-stdin"], input="reset-by-admin-1\n"
    )
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302


def test_set_role_refuses_to_demote_the_last_admin_and_is_audited(app: Flask) -> None:
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["user", "set-role", "admin", "consultant"])
    assert refused.exit_code == 1 and "last active admin" in refused.output
    changed = runner.invoke(args=["user", "set-role", "approver", "rollout_manager"])
    assert changed.exit_code == 0, changed.output
    (entry,) = _entries(app, "user.role")
    assert entry.details == {"from": "approver", "to": "rollout_manager"}


def test_an_admin_changes_a_role_on_the_users_page_and_that_session_ends(app: Flask) -> None:
    consultant = _signed_in(app, "consultant")
    admin = _signed_in(app, "admin")
    with app.app_context():
        user_id = db.session.scalars(select(User.id).where(User.username == "consultant")).one()
    page = admin.get("/users").get_data(as_text=True)
    assert f'action="/users/{user_id}/role"' in page
    response = admin.post(f"/users/{user_id}/role", data={"role": "approver"}, follow_redirects=True)
    assert "consultant is now approver" in response.get_data(as_text=True)
    assert consultant.get("/").status_code == 302
    assert _signed_in(app, "consultant").get("/audit/").status_code == 200  # an approver reads the log
    # Roles are the admin's: anyone else gets a 403.
    assert (
        _signed_in(app, "rollout_manager").post(f"/users/{user_id}/role", data={"role": "admin"}).status_code
        == 403
    )
