from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db


class AuditAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(64), default="")
    target_id: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(AuditEntry, "before_update")
def _no_update(_mapper: Any, _connection: Any, target: AuditEntry) -> None:
    raise AuditAppendOnly(f"audit entry {target.id} cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _no_delete(_mapper: Any, _connection: Any, target: AuditEntry) -> None:
    raise AuditAppendOnly(f"audit entry {target.id} cannot be deleted")
