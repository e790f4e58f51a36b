"""The workbench's users."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from loyalty_core.db import UTCDateTime, utcnow
from workbench.auth.enums import Role
from workbench.extensions import db


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A person who signs in to the workbench. Only a hash of the password is stored."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))  # a Role value
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of every session's user id (see get_id): raising it signs the user out everywhere.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session cookie: "<id>:<session version>".

        The cookie is client-side, so it cannot be deleted on the server; instead the loader
        refuses a cookie whose version is no longer the user's (logout, password, role change).
        """
        return f"{self.id}:{self.session_version}"

    def revoke_sessions(self) -> None:
        """End every session of this user (on their next request); the caller flushes."""
        self.session_version = (self.session_version or 0) + 1

    # The language the user picked in the header ("ru"/"en"); None: the browser's Accept-Language.
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses to sign in inactive users."""
        return self.active

    @property
    def role_label(self) -> str:
        """The role as people read it, in the current language."""
        return Role.parse(self.role).label

    def has_role(self, *roles: Role | str) -> bool:
        """True when the user holds one of `roles`; admins pass every role check."""
        wanted = {Role.parse(r).value for r in roles}
        return self.role == Role.admin.value or self.role in wanted

    def __repr__(self) -> str:
        return f"<User {self.username} ({self.role})>"


class LoginThrottle(db.Model):  # type: ignore[name-defined,misc]
    """Failed sign-ins counted per scope: 'user_ip' (username and address) or 'ip' (address)."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_login_throttles_scope_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
