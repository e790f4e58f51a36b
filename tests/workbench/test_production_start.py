"""A production start creates no known password; the first admin gets a generated or typed one."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from loyalty_core.ledger.models import Member
from workbench.auth import service
from workbench.auth.models import User
from workbench.demo.service import DEMO_USERS
from workbench.extensions import db
from workbench.projects.members import may_open
from workbench.projects.service import get_project

from .conftest import make_app


@pytest.fixture
def empty_app(tmp_path: Path) -> Flask:
    """A migrated-like database with no user at all (as after `workbench db upgrade`)."""
    app = make_app(tmp_path)
    with app.app_context():
        for user in db.session.scalars(select(User)):
            db.session.delete(user)
        db.session.commit()
    return app


@pytest.mark.parametrize("variable", ["WORKBENCH_ENV", "FLASK_ENV"])
def test_a_production_start_loads_no_demo_and_no_known_password(
    empty_app: Flask, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "production")
    runner = empty_app.test_cli_runner()
    as_make_run = runner.invoke(args=["demo", "--if-empty"])
    assert as_make_run.exit_code == 0 and "demo not loaded" in as_make_run.output
    assert "workbench user create" in as_make_run.output
    explicit = runner.invoke(args=["demo"])
    assert explicit.exit_code == 1 and "published passwords" in explicit.output
    for _, _, _, password in DEMO_USERS:
        assert password not in as_make_run.output + explicit.output
    with empty_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(Member)) == 0


def test_the_first_admin_gets_a_generated_password_printed_once(empty_app: Flask) -> None:
    # The test runner's stdin is no terminal (as in CI): the password is generated.
    result = empty_app.test_cli_runner().invoke(args=["user", "create", "olga", "--role", "admin"])
    assert result.exit_code == 0, result.output
    line = next(text for text in result.output.splitlines() if "shown once" in text)
    password = line.rsplit(": ", 1)[1]
    assert len(password) >= 20
    with empty_app.app_context():
        assert service.authenticate(db.session, "olga", password).role == "admin"
        assert password not in db.session.scalars(select(User.password_hash)).one()
    again = empty_app.test_cli_runner().invoke(args=["user", "create", "petr", "--role", "admin"])
    assert password not in again.output  # another user, another password


def test_the_demo_prints_its_logins_only_when_it_creates_them(empty_app: Flask) -> None:
    runner = empty_app.test_cli_runner()
    loaded = runner.invoke(args=["demo", "--members", "10"])
    assert loaded.exit_code == 0, loaded.output
    for username, _, _, password in DEMO_USERS:
        assert f"{username:<11} {password}" in loaded.output
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    assert not any(password in again.output for _, _, _, password in DEMO_USERS)
    served = runner.invoke(args=["user", "list"])
    assert not any(password in served.output for _, _, _, password in DEMO_USERS)
    with empty_app.app_context():
        demo = get_project(db.session, "DEMO")
        for username, _, _, _ in DEMO_USERS:
            user = service.get_user(db.session, username)
            assert user is not None and may_open(db.session, demo, user), username
