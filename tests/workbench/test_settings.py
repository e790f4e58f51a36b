from __future__ import annotations

from pathlib import Path

from workbench.settings import Settings


def test_database_url_defaults_to_sqlite_in_the_instance_folder(tmp_path: Path) -> None:
    settings = Settings.from_environment(str(tmp_path), env={})
    assert settings.database_url == f"sqlite:///{tmp_path / 'workbench.db'}"


def test_postgresql_urls_use_psycopg_3(tmp_path: Path) -> None:
    settings = Settings.from_environment(str(tmp_path), env={"DATABASE_URL": "postgresql://u@h:5432/db"})
    assert settings.database_url == "postgresql+psycopg://u@h:5432/db"


def test_a_generated_secret_key_is_kept_across_restarts(tmp_path: Path) -> None:
    first = Settings.from_environment(str(tmp_path), env={}).secret_key
    second = Settings.from_environment(str(tmp_path), env={}).secret_key
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert Settings.from_environment(str(tmp_path), env={"SECRET_KEY": "given"}).secret_key == "given"
