"""Signing in and out: throttled, audited, each its own transaction.

A failed sign-in is committed (its counter and audit entry) before the refusal is raised, so a
guesser's failures count even though the request ends in an error message.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from workbench.audit import service as audit
from workbench.auth import throttle
from workbench.auth.models import User
from workbench.auth.service import AuthError, authenticate, normalise_username

# Who a failed sign-in is recorded as: the claimed username is no proof of who typed it.
ANONYMOUS_ACTOR = "anonymous"


class SignInThrottled(AuthError):
    """Too many failed sign-ins: the password was not even checked. `retry_after` in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


def sign_in(
    session: Session,
    username: str,
    password: str,
    *,
    ip: str,
    now: dt.datetime,
    policy: throttle.ThrottlePolicy,
) -> User:
    """The user these credentials name, recorded as `auth.login`; refusals are AuthErrors.

    While a lockout runs, SignInThrottled is raised without checking the password, so guesses
    made during a lockout learn nothing.
    """
    name = normalise_username(username)
    wait = throttle.retry_after(session, name, ip, now)
    if wait:
        raise SignInThrottled(wait)
    try:
        user = authenticate(session, name, password)
    except AuthError as error:
        throttle.record_failure(session, name, ip, now, policy)
        # Throttled attempts are not logged one by one: a lockout bounds how fast this log grows.
        details = {"ip": ip, "reason": str(error)}
        audit.record(session, ANONYMOUS_ACTOR, "auth.login_failed", "user", name[:120], details)
        session.commit()
        raise
    throttle.record_success(session, name, ip)
    audit.record(session, user.username, "auth.login", "user", user.username, {"ip": ip})
    session.commit()
    return user


def sign_out(session: Session, user: User, *, ip: str) -> None:
    """End every session of `user` (the cookie of this one and of any other browser) and record it."""
    user.revoke_sessions()
    session.flush()
    audit.record(session, user.username, "auth.logout", "user", user.username, {"ip": ip})
    session.commit()
