"""The audit log's one table. Entries are append-only: the ORM refuses to change or delete them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, event
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column

from loyalty_core.db import UTCDateTime, utcnow
from loyalty_core.guards import append_only, attach
from workbench.extensions import db


class AuditAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]
    """Who did what to which object, when (UTC), with the details of the change."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))  # a username, or 'system' / 'cli'
    action: Mapped[str] = mapped_column(String(64), index=True)  # '<domain>.<verb>', e.g. 'store.assign'
    target_type: Mapped[str] = mapped_column(String(64), default="")
    target_id: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.actor} {self.action} {self.target_type}:{self.target_id}>"


# The database refuses changes too, whoever sends them (migration c4d9e8f7a6b5 for migrated ones).
attach(AuditEntry.__table__, append_only("audit_entries", "the audit log"))


@event.listens_for(AuditEntry, "before_update")
def _no_update(_mapper: Mapper[Any], _connection: Any, target: AuditEntry) -> None:
    raise AuditAppendOnly(f"audit entry {target.id} cannot be changed: the audit log is append-only")


@event.listens_for(AuditEntry, "before_delete")
def _no_delete(_mapper: Mapper[Any], _connection: Any, target: AuditEntry) -> None:
    raise AuditAppendOnly(f"audit entry {target.id} cannot be deleted: the audit log is append-only")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_change(state: ORMExecuteState) -> None:
    # `session.execute(update(AuditEntry)...)` skips the mapper events above; refuse it here.
    if (state.is_update or state.is_delete) and any(m.class_ is AuditEntry for m in state.all_mappers):
        raise AuditAppendOnly("audit entries cannot be changed or deleted: the audit log is append-only")
