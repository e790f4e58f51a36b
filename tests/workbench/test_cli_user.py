"""`workbench user ...` as an administrator uses it to set up an instance."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from workbench.audit.models import AuditEntry
from workbench.auth.models import User
from workbench.extensions import db

SECRET = "a-long-password"


def _user(app: Flask, username: str) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


def test_user_create_reads_the_password_from_stdin(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["user", "create", "Irina", "--role", "approver", "--password-stdin"], input=SECRET + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "created user irina (approver)" in result.output and SECRET not in result.output
    irina = _user(app, "irina")
    assert irina is not None and irina.role == "approver" and irina.active
    assert SECRET not in irina.password_hash
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.target_id == "irina")).one()
        assert (entry.actor, entry.action, entry.target_type) == ("cli", "user.create", "user")


def test_the_created_user_can_sign_in(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["user", "create", "irina", "--role", "consultant", "--password-stdin"], input=SECRET
    )
    assert result.exit_code == 0, result.output
    response = app.test_client().post("/login", data={"username": "irina", "password": SECRET})
    assert response.status_code == 302


def test_user_create_takes_a_password_option(app: Flask) -> None:
    args = ["user", "create", "petr", "--role", "rollout_manager", "--password", SECRET]
    args += ["--name", "Пётр", "--email", "p@x.ru"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    petr = _user(app, "petr")
    assert petr is not None and petr.display_name == "Пётр" and petr.email == "p@x.ru"


def test_a_duplicate_is_refused_with_exit_code_1(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert (
        runner.invoke(
            args=["user", "create", "irina", "--role", "approver", "--password-stdin"], input=SECRET
        ).exit_code
        == 0
    )
    again = runner.invoke(
        args=["user", "create", "IRINA", "--role", "admin", "--password-stdin"], input=SECRET
    )
    assert again.exit_code == 1 and "error: user 'irina' already exists" in again.output
    irina = _user(app, "irina")
    assert irina is not None and irina.role == "approver"  # the first one is untouched


def test_a_bad_role_is_refused_with_exit_code_1_naming_the_roles(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["user", "create", "olga", "--role", "boss", "--password-stdin"], input=SECRET
    )
    assert result.exit_code == 1
    assert (
        "unknown role 'boss'" in result.output
        and "consultant, approver, rollout_manager, admin" in result.output
    )
    assert _user(app, "olga") is None


def test_a_short_password_is_refused(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["user", "create", "olga", "--role", "consultant", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 1 and "at least 8 characters" in result.output
    assert _user(app, "olga") is None


def test_both_password_sources_at_once_is_a_usage_error(app: Flask) -> None:
    args = ["user", "create", "olga", "--role", "consultant", "--password", SECRET, "--password-stdin"]
    result = app.test_cli_runner().invoke(args=args, input=SECRET)
    assert result.exit_code == 2 and "not both" in result.output


def test_set_password_and_list(app: Flask) -> None:
    runner = app.test_cli_runner()
    changed = runner.invoke(
        args=["user", "set-password", "consultant", "--password-stdin"], input="brand-new-secret\n"
    )
    assert changed.exit_code == 0, changed.output
    response = app.test_client().post(
        "/login", data={"username": "consultant", "password": "brand-new-secret"}
    )
    assert response.status_code == 302
    missing = runner.invoke(
        args=["user", "set-password", "nobody", "--password-stdin"], input="brand-new-secret\n"
    )
    assert missing.exit_code == 1 and "no user 'nobody'" in missing.output
    listing = runner.invoke(args=["user", "list"]).output
    assert "consultant\tconsultant\tactive" in listing and "admin\tadmin\tactive" in listing
