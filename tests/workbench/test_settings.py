"""Settings from the environment, and what create_app does with them."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect

from workbench import create_app
from workbench.extensions import db
from workbench.settings import Settings, SettingsError, secret_key


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No workbench variables from the shell running the tests."""
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "MAX_CONTENT_LENGTH",
        "SESSION_COOKIE_SECURE",
        "DISPLAY_TIMEZONE",
    ):
        monkeypatch.delenv(name, raising=False)


def test_database_url_defaults_to_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    settings = Settings.from_environment(tmp_path, env={})
    assert settings.database_url == f"sqlite:///{tmp_path / 'workbench.db'}"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////srv/data/wb.db", "sqlite:////srv/data/wb.db"),
    ],
)
def test_postgresql_urls_use_psycopg_3(tmp_path: Path, given: str, used: str) -> None:
    assert Settings.from_environment(tmp_path, env={"DATABASE_URL": given}).database_url == used


def test_create_app_uses_the_instance_folder_by_default(tmp_path: Path, clean_env: None) -> None:
    app = create_app(instance_path=tmp_path / "inst")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'inst' / 'workbench.db'}"
    assert app.config["SECRET_KEY"] == (tmp_path / "inst" / "secret_key").read_text()
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    assert app.config["WTF_CSRF_ENABLED"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_create_app_never_creates_tables(tmp_path: Path, clean_env: None) -> None:
    """Production databases are built by `workbench db upgrade` (the migrations), never create_all."""
    app = create_app(instance_path=tmp_path)
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_overrides_win_over_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "2048")
    app = create_app({"MAX_CONTENT_LENGTH": 10, "TESTING": True}, instance_path=tmp_path)
    assert app.config["MAX_CONTENT_LENGTH"] == 10 and app.testing


def test_a_generated_secret_key_is_kept_across_restarts(tmp_path: Path, clean_env: None) -> None:
    first = create_app(instance_path=tmp_path).config["SECRET_KEY"]
    second = create_app(instance_path=tmp_path).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only
    assert Settings.from_environment(tmp_path, env={"SECRET_KEY": "given"}).secret_key == "given"


def test_a_given_secret_key_writes_no_file(tmp_path: Path) -> None:
    Settings.from_environment(tmp_path, env={"SECRET_KEY": "given"})
    assert not (tmp_path / "secret_key").exists()


def test_workers_starting_together_agree_on_one_secret_key(tmp_path: Path) -> None:
    keys: list[str] = []
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        keys.append(secret_key(None, tmp_path))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary files left


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ({}, (1_048_576, False, "Europe/Moscow")),
        (
            {
                "MAX_CONTENT_LENGTH": "5000000",
                "SESSION_COOKIE_SECURE": "true",
                "DISPLAY_TIMEZONE": "Asia/Omsk",
            },
            (5_000_000, True, "Asia/Omsk"),
        ),
    ],
)
def test_limits_cookies_and_zone(tmp_path: Path, env: dict[str, str], value: tuple[int, bool, str]) -> None:
    settings = Settings.from_environment(tmp_path, env={"SECRET_KEY": "k", **env})
    assert (settings.max_content_length, settings.session_cookie_secure, settings.display_timezone) == value
    config = settings.flask_config()
    assert config["SESSION_COOKIE_SECURE"] is value[1] and config["REMEMBER_COOKIE_SECURE"] is value[1]


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("MAX_CONTENT_LENGTH", "1MB"),
        ("MAX_CONTENT_LENGTH", "0"),
        ("SESSION_COOKIE_SECURE", "maybe"),
        ("DISPLAY_TIMEZONE", "Moscow"),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_environment(tmp_path, env={"SECRET_KEY": "k", name: raw})
