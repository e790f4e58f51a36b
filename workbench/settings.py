"""The one settings object of the workbench, read from environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def database_url(raw: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL: DATABASE_URL (postgresql:// means psycopg 3), else SQLite under instance/."""
    if not raw:
        return f"sqlite:///{Path(instance_path) / 'workbench.db'}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")
    if raw.startswith("postgresql://"):
        return "postgresql+psycopg://" + raw.removeprefix("postgresql://")
    return raw


def secret_key(raw: str | None, instance_path: str) -> str:
    """SECRET_KEY, or one generated once and kept in instance/secret_key so sessions survive restarts."""
    if raw:
        return raw
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    display_timezone: str = "Europe/Moscow"
    max_content_length: int = 1_048_576
    session_cookie_secure: bool = False

    @classmethod
    def from_environment(cls, instance_path: str, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            database_url=database_url(env.get("DATABASE_URL"), instance_path),
            secret_key=secret_key(env.get("SECRET_KEY"), instance_path),
            display_timezone=env.get("DISPLAY_TIMEZONE", "Europe/Moscow"),
            max_content_length=int(env.get("MAX_CONTENT_LENGTH", 1_048_576)),
            session_cookie_secure=env.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"),
        )

    def flask_config(self) -> dict[str, Any]:
        return {
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SECRET_KEY": self.secret_key,
            "DISPLAY_TIMEZONE": self.display_timezone,
            "MAX_CONTENT_LENGTH": self.max_content_length,
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.session_cookie_secure,
            "WTF_CSRF_ENABLED": True,
        }
