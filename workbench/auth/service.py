"""Users: create, authenticate, change passwords, (de)activate. Plain functions over a session.

Passwords are stored only as salted hashes (werkzeug's scrypt). Every change is written to the
audit log in the caller's transaction: the caller commits the change and its entry together.
"""

from __future__ import annotations

import re
import secrets

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from workbench.audit import service as audit
from workbench.auth.enums import Role
from workbench.auth.models import User

MIN_PASSWORD_LENGTH = 8
USERNAME_PATTERN = r"^[A-Za-z0-9._-]{1,80}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"

# Checked when the username is unknown, so a wrong username costs as long as a wrong password
# and response times do not tell which usernames exist.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class AuthError(Exception):
    """A refusal of the auth domain, with a message fit for a flash message or the CLI."""


def normalise_username(username: str) -> str:
    """Usernames are case-insensitive: stored and looked up lower-case."""
    return username.strip().lower()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(
            gettext(
                "the password must have at least %(MIN_PASSWORD_LENGTH)s characters",
                MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH,
            )
        )


def get_user(session: Session, username: str) -> User | None:
    """The user named `username` (any case), or None."""
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role | str,
    *,
    actor: str,
    display_name: str = "",
    email: str | None = None,
) -> User:
    """Create an active user and record `user.create` by `actor`. AuthError says what is wrong."""
    username = normalise_username(username)
    if not username:
        raise AuthError(gettext("a username is required"))
    if not re.fullmatch(USERNAME_PATTERN, username):
        raise AuthError(
            gettext(
                "username '%(username)s': use letters, digits, '.', '_' and '-' only (at most 80)",
                username=username,
            )
        )
    try:
        role = Role.parse(role)
    except ValueError as error:
        raise AuthError(str(error)) from None
    email = (email or "").strip() or None
    if email is not None and not re.fullmatch(EMAIL_PATTERN, email):
        raise AuthError(gettext("email '%(email)s' is not an email address", email=email))
    _check_password(password)
    if get_user(session, username) is not None:
        raise AuthError(gettext("user '%(username)s' already exists", username=username))
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        email=email,
        password_hash=generate_password_hash(password),
        role=role.value,
        active=True,
    )
    session.add(user)
    session.flush()  # a concurrent duplicate fails here (IntegrityError on the unique username)
    audit.record(session, actor, "user.create", "user", user.username, {"role": role.value})
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The user whose username and password these are; AuthError otherwise (or if deactivated)."""
    user = get_user(session, username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise AuthError(gettext("wrong username or password"))
    # The same message for an unknown user and a wrong password: do not reveal which exist.
    if not check_password_hash(user.password_hash, password):
        raise AuthError(gettext("wrong username or password"))
    if not user.active:
        raise AuthError(gettext("this account is deactivated; ask an administrator"))
    return user


def set_password(session: Session, user: User, password: str, *, actor: str) -> User:
    """Replace the user's password and record `user.password` (never the password itself).

    Every session of the user ends: whoever knew the old password is signed out too.
    """
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    user.revoke_sessions()
    session.flush()
    audit.record(session, actor, "user.password", "user", user.username, {})
    return user


# A generated password is read aloud or typed from a screen once: no look-alikes (0/o, 1/l/i).
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password(groups: int = 4, size: int = 4) -> str:
    """A random password like "k7qm-x3vd-9hpa-tw2e" (80 bits from `secrets`)."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(size)) for _ in range(groups))


def reset_password(session: Session, user: User, password: str | None, *, actor: str) -> str:
    """An admin's reset of another user's password: the one the admin chose, or a generated one
    when none is given. Returns the password (the page shows a generated one once, and nothing
    keeps it). The user's sessions end; `user.password.reset` records who reset it, never the
    password."""
    generated = not password
    new = generate_password() if generated else str(password)
    _check_password(new)
    user.password_hash = generate_password_hash(new)
    user.revoke_sessions()
    session.flush()
    audit.record(session, actor, "user.password.reset", "user", user.username, {"generated": generated})
    return new


def _active_admins(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.role == Role.admin.value, User.active.is_(True))
    return int(session.scalar(query) or 0)


def has_active_admin(session: Session) -> bool:
    """True when some active admin can manage users."""
    return _active_admins(session) > 0


def set_active(session: Session, user: User, active: bool, *, actor: str) -> User:
    """Activate or deactivate a user; records `user.activate` / `user.deactivate`.

    Refuses to deactivate the last active admin: nobody could manage users any more.
    """
    if user.active == active:
        return user
    if not active and user.role == Role.admin.value and _active_admins(session) <= 1:
        raise AuthError(
            gettext("%(username)s is the last active admin and cannot be deactivated", username=user.username)
        )
    user.active = active
    if not active:
        user.revoke_sessions()  # reactivation must not bring back the sessions of before
    session.flush()
    audit.record(session, actor, "user.activate" if active else "user.deactivate", "user", user.username, {})
    return user


def set_role(session: Session, user: User, role: Role | str, *, actor: str) -> User:
    """Give the user another role and record `user.role`; their sessions end, so no page keeps
    serving them under the old role. Refuses to demote the last active admin."""
    try:
        new = Role.parse(role)
    except ValueError as error:
        raise AuthError(str(error)) from None
    if user.role == new.value:
        return user
    if user.role == Role.admin.value and user.active and _active_admins(session) <= 1:
        raise AuthError(f"{user.username} is the last active admin and must stay admin")
    old, user.role = user.role, new.value
    user.revoke_sessions()
    session.flush()
    audit.record(session, actor, "user.role", "user", user.username, {"from": old, "to": new.value})
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by username."""
    return list(session.scalars(select(User).order_by(User.username)))
