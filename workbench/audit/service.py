"""Writing and reading the audit log. Entries join the caller's transaction: a change and its
audit entry are committed together or not at all."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.audit.models import AuditEntry


def record(
    session: Session, actor: str, action: str, target_type: str, target_id: str, details: dict[str, Any] | None = None
) -> AuditEntry:
    entry = AuditEntry(actor=actor, action=action, target_type=target_type, target_id=str(target_id), details=details or {})
    session.add(entry)
    return entry


def entries(
    session: Session, *, action: str | None = None, actor: str | None = None, limit: int = 50, offset: int = 0
) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    return list(session.scalars(query.limit(limit).offset(offset)))
