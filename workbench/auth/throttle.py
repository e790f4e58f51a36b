"""Sign-in throttling: exponential back-off after failed sign-ins, counted in the database.

Two counters are kept for every failure:
- per username and address ('user_ip'): a few free failures, then a short back-off that doubles
  with each further failure. Someone guessing from another address does not touch it, so an
  attacker cannot lock a real user out from elsewhere.
- per address ('ip'): many more free failures (an office behind one NAT shares it), then a
  longer back-off, which stops one address from guessing across many usernames.

Failures older than `forget_after` are forgotten. A success clears the username+address counter
only: a guesser who owns one account cannot reset the address's counter by signing in.
Counters live in the database, so every gunicorn worker sees the same ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workbench.auth.models import LoginThrottle

USER_IP = "user_ip"
IP = "ip"


@dataclass(frozen=True)
class Backoff:
    """How one counter turns failures into lockouts."""

    free_failures: int  # failures allowed before the first lockout
    first_lock_seconds: float  # the first lockout; each further failure doubles it
    max_lock_seconds: float  # the back-off never grows beyond this
    forget_after_seconds: float  # a counter idle this long starts again from zero

    def lock_for(self, failures: int) -> dt.timedelta | None:
        """The lockout after the `failures`-th failure, or None while failures are still free."""
        over = failures - self.free_failures
        if over <= 0:
            return None
        seconds = min(self.max_lock_seconds, self.first_lock_seconds * 2 ** min(over - 1, 32))
        return dt.timedelta(seconds=seconds)


@dataclass(frozen=True)
class ThrottlePolicy:
    """The two counters' rules (app config key LOGIN_THROTTLE replaces the defaults)."""

    user_ip: Backoff = field(default_factory=lambda: Backoff(5, 2, 300, 900))
    ip: Backoff = field(default_factory=lambda: Backoff(30, 60, 3600, 3600))


def _keys(username: str, ip: str) -> dict[str, str]:
    # The username is the normalised one the form submitted (it may name nobody).
    return {USER_IP: f"{username.strip().lower()[:80]}|{ip}"[:200], IP: ip[:200]}


def retry_after(session: Session, username: str, ip: str, now: dt.datetime) -> int:
    """Whole seconds until this username may try again from this address; 0 when it may now."""
    keys = _keys(username, ip)
    rows = session.scalars(
        select(LoginThrottle).where(
            ((LoginThrottle.scope == USER_IP) & (LoginThrottle.key == keys[USER_IP]))
            | ((LoginThrottle.scope == IP) & (LoginThrottle.key == keys[IP]))
        )
    )
    waits = [(row.locked_until - now).total_seconds() for row in rows if row.locked_until is not None]
    longest = max(waits, default=0.0)
    return int(-(-longest // 1)) if longest > 0 else 0  # rounded up: never invite a retry too early


def _counter(session: Session, scope: str, key: str, now: dt.datetime) -> LoginThrottle:
    """The counter row, created when missing and locked for this transaction.

    Two workers failing at once for the same key both insert; ON CONFLICT DO NOTHING lets one
    win without an error, and FOR UPDATE then makes their increments follow one another.
    """
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(LoginThrottle).values(scope=scope, key=key, failures=0, last_failure_at=now)
    session.execute(statement.on_conflict_do_nothing(index_elements=["scope", "key"]))
    query = select(LoginThrottle).where(LoginThrottle.scope == scope, LoginThrottle.key == key)
    row = session.scalars(query.with_for_update().execution_options(populate_existing=True)).one()
    return row


def record_failure(
    session: Session, username: str, ip: str, now: dt.datetime, policy: ThrottlePolicy
) -> None:
    """Count a failed sign-in on both counters and lock them when their free failures are spent."""
    for scope, key in _keys(username, ip).items():
        rule = policy.user_ip if scope == USER_IP else policy.ip
        row = _counter(session, scope, key, now)
        if (now - row.last_failure_at).total_seconds() > rule.forget_after_seconds:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        lock = rule.lock_for(row.failures)
        row.locked_until = now + lock if lock is not None else None
    session.flush()


def record_success(session: Session, username: str, ip: str) -> None:
    """Forget this username's failures from this address (the address's own counter stays)."""
    key = _keys(username, ip)[USER_IP]
    session.execute(delete(LoginThrottle).where(LoginThrottle.scope == USER_IP, LoginThrottle.key == key))
