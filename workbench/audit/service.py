"""Writing and reading the audit log.

An entry joins the caller's transaction: a change and its audit entry are committed together or
not at all, so the log never claims a change that did not happen nor misses one that did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.audit.models import AuditEntry

SYSTEM_ACTOR = "system"
CLI_ACTOR = "cli"


def record(
    session: Session,
    actor: str,
    action: str,
    target_type: str,
    target_id: str | int,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the session (the caller commits). `action` reads '<domain>.<verb>'."""
    if not actor:
        raise ValueError("an audit entry needs an actor (a username, 'system' or 'cli')")
    if not action or "." not in action:
        raise ValueError(f"audit action {action!r}: use '<domain>.<verb>', e.g. 'user.create'")
    entry = AuditEntry(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        details=dict(details or {}),
    )
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, newest first."""

    entries: list[AuditEntry]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages the filtered log has (at least 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        """True when older entries follow."""
        return self.page < self.pages


def entries(
    session: Session,
    *,
    action: str | None = None,
    actor: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> AuditPage:
    """Entries newest first, filtered by exact action and actor when given, one page of them."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    page = max(1, page)
    rows = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return AuditPage(list(rows), page, per_page, total)


def actions(session: Session) -> list[str]:
    """The distinct actions in the log, for the filter's choices."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
