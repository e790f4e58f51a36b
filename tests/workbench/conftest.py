"""An app per test on its own SQLite file, and helpers to sign in as each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from loyalty_core.db import metadata
from workbench import create_app
from workbench.auth import service as auth_service
from workbench.extensions import db

PASSWORD = "correct-horse-9"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'workbench.db'}",
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test-secret",
        }
    )
    with app.app_context():
        metadata.create_all(db.engine)  # tests only: production paths migrate
        for role in ("consultant", "approver", "rollout_manager", "admin"):
            auth_service.create_user(db.session, role, PASSWORD, role, actor="test")
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def login(client: FlaskClient) -> Callable[[str], FlaskClient]:
    """login("approver") signs the test client in as the user of that role."""

    def sign_in(role: str) -> FlaskClient:
        response = client.post("/login", data={"username": role, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in
