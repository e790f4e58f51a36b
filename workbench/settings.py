"""The one settings object of the workbench, read from environment variables.

| variable               | default                                   | meaning                               |
|------------------------|-------------------------------------------|---------------------------------------|
| DATABASE_URL           | sqlite:///<instance>/workbench.db         | postgresql:// is served by psycopg 3  |
| SECRET_KEY             | generated once into <instance>/secret_key | signs sessions and CSRF tokens        |
| MAX_CONTENT_LENGTH     | 1048576 (1 MiB)                           | larger request bodies get a 413       |
| SESSION_COOKIE_SECURE  | false                                     | set true behind HTTPS                 |
| DISPLAY_TIMEZONE       | Europe/Moscow                             | zone pages show times in (stored UTC) |
| REDIS_URL              | (none: huey's SQLite file)                | the job runner's queue on Redis       |
| JOBS_SQLITE_FILE       | <instance>/jobs.db                        | huey's SQLite queue when no REDIS_URL |
| WORKBENCH_ENV          | (unset)                                   | `production`: no demo, no known login |
| FLASK_ENV              | (unset)                                   | `production` counts the same          |
| DEFAULT_LANGUAGE       | ru                                        | ru or en: pages without a choice or   |
|                        |                                           | Accept-Language, the CLI, documents   |
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loyalty_core.db import ENGINE_OPTIONS

DEFAULT_MAX_CONTENT_LENGTH = 1_048_576
DEFAULT_DISPLAY_TIMEZONE = "Europe/Moscow"
LANGUAGES = ("ru", "en")  # the languages of the workbench (workbench.i18n)
DEFAULT_LANGUAGE = "ru"  # the client's
SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "workbench.db"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


PRODUCTION_VARIABLES = ("WORKBENCH_ENV", "FLASK_ENV")


def production_variable(env: Mapping[str, str] | None = None) -> str | None:
    """The variable that declares this a production instance ("WORKBENCH_ENV=production"), or None."""
    env = os.environ if env is None else env
    for name in PRODUCTION_VARIABLES:
        if env.get(name, "").strip().lower() == "production":
            return f"{name}=production"
    return None


def is_production(env: Mapping[str, str] | None = None) -> bool:
    """True when WORKBENCH_ENV or FLASK_ENV says production: nothing with a known password is made."""
    return production_variable(env) is not None


class SettingsError(ValueError):
    """An environment variable holds a value the workbench cannot use; the message names it."""


def database_url(raw: str | None, instance_path: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL: DATABASE_URL, else a SQLite file in the instance folder.

    `postgresql://` (and Heroku-style `postgres://`) would make SQLAlchemy look for psycopg2;
    the project ships psycopg 3, so the URL names that driver explicitly.
    """
    if not raw:
        return f"sqlite:///{Path(instance_path) / DATABASE_FILE}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")
    if raw.startswith("postgresql://"):
        return "postgresql+psycopg://" + raw.removeprefix("postgresql://")
    return raw


def secret_key(raw: str | None, instance_path: str | os.PathLike[str]) -> str:
    """SECRET_KEY, or a key generated once and kept in `<instance>/secret_key`.

    Keeping the generated key means sessions survive restarts. Several gunicorn workers may
    start at once on a fresh instance: the key is written to a temporary file and hard-linked
    into place, so exactly one key wins and every worker reads that one (never a half-written
    file, never two keys in two workers).
    """
    if raw:
        return raw
    folder = Path(instance_path)
    path = folder / SECRET_KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):  # another process won the race: use its key
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if not key:
        raise SettingsError(f"{path} is empty: delete it to generate a new key, or set SECRET_KEY")
    return key


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name}={raw!r}: use true or false")


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: must be a whole number of bytes") from None
    if value <= 0:
        raise SettingsError(f"{name}={raw!r}: must be greater than 0")
    return value


def _timezone(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        # Fail at start-up rather than on the first page that shows a time.
        raise SettingsError(f"{name}={value!r}: not a known time zone (e.g. Europe/Moscow)") from None
    return value


def _language(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in LANGUAGES:
        raise SettingsError(f"{name}={value!r}: use one of {', '.join(LANGUAGES)}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the workbench reads from its environment, resolved and checked."""

    database_url: str
    secret_key: str
    display_timezone: str = DEFAULT_DISPLAY_TIMEZONE
    max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH
    session_cookie_secure: bool = False
    redis_url: str = ""
    jobs_sqlite_file: str = ""
    # Notifications go by SMTP when MAIL_SERVER is set (and always to the in-app inbox).
    mail_server: str | None = None
    mail_port: int = 25
    mail_sender: str = "workbench@localhost"
    default_language: str = DEFAULT_LANGUAGE

    @classmethod
    def from_environment(
        cls, instance_path: str | os.PathLike[str], env: Mapping[str, str] | None = None
    ) -> Settings:
        """Read the settings from `env` (default: os.environ); bad values raise SettingsError."""
        env = os.environ if env is None else env
        return cls(
            database_url=database_url(env.get("DATABASE_URL"), instance_path),
            secret_key=secret_key(env.get("SECRET_KEY"), instance_path),
            display_timezone=_timezone(env, "DISPLAY_TIMEZONE", DEFAULT_DISPLAY_TIMEZONE),
            max_content_length=_positive_int(env, "MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH),
            session_cookie_secure=_flag(env, "SESSION_COOKIE_SECURE", False),
            redis_url=env.get("REDIS_URL", "").strip(),
            jobs_sqlite_file=env.get("JOBS_SQLITE_FILE", "").strip(),
            mail_server=env.get("MAIL_SERVER") or None,
            mail_port=_positive_int(env, "MAIL_PORT", 25),
            mail_sender=env.get("MAIL_SENDER") or "workbench@localhost",
            default_language=_language(env, "DEFAULT_LANGUAGE", DEFAULT_LANGUAGE),
        )

    def flask_config(self) -> dict[str, Any]:
        """The Flask config keys these settings stand for."""
        return {
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SECRET_KEY": self.secret_key,
            "DISPLAY_TIMEZONE": self.display_timezone,
            "BABEL_DEFAULT_LOCALE": self.default_language,
            "MAX_CONTENT_LENGTH": self.max_content_length,
            "MAIL_SERVER": self.mail_server,
            "MAIL_PORT": self.mail_port,
            "MAIL_SENDER": self.mail_sender,
            # Cookies: not readable by scripts, not sent on cross-site POSTs, HTTPS-only when the
            # deployment says it is behind TLS (`make run` serves plain HTTP on localhost).
            "SESSION_COOKIE_HTTPONLY": True,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "SESSION_COOKIE_SECURE": self.session_cookie_secure,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.session_cookie_secure,
            "WTF_CSRF_ENABLED": True,
            "REDIS_URL": self.redis_url,  # empty: the job queue is a SQLite file (JOBS_SQLITE_FILE)
            "JOBS_SQLITE_FILE": self.jobs_sqlite_file,  # empty: <instance>/jobs.db
            # The POS API runs on this engine too, so it follows the core's choice (loyalty_core.db):
            # a dropped connection is pinged out and replaced, never a failed request.
            "SQLALCHEMY_ENGINE_OPTIONS": dict(ENGINE_OPTIONS),
        }
