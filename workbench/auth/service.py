"""Users: create, authenticate, deactivate. Passwords are stored as scrypt hashes (werkzeug)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from workbench.audit import service as audit
from workbench.auth.enums import Role
from workbench.auth.models import User

MIN_PASSWORD_LENGTH = 8


class AuthError(Exception):
    """A refusal of the auth domain, with a message fit for a flash or the CLI."""


def create_user(
    session: Session, username: str, password: str, role: str, *, actor: str, display_name: str = "", email: str | None = None
) -> User:
    username = username.strip().lower()
    if not username:
        raise AuthError("username is required")
    if role not in {r.value for r in Role}:
        raise AuthError(f"unknown role {role!r}: use one of {', '.join(r.value for r in Role)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AuthError(f"user {username!r} already exists")
    user = User(
        username=username,
        display_name=display_name or username,
        email=email,
        password_hash=generate_password_hash(password),
        role=role,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.username, {"role": role})
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    # Same message for unknown user and wrong password: do not reveal which usernames exist.
    if user is None or not check_password_hash(user.password_hash, password):
        raise AuthError("wrong username or password")
    if not user.active:
        raise AuthError("this account is deactivated")
    return user


def set_active(session: Session, user: User, active: bool, *, actor: str) -> User:
    user.active = active
    session.flush()
    audit.record(session, actor, "user.activate" if active else "user.deactivate", "user", user.username, {})
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))
