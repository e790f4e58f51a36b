"""Configuration versions as stored: drafts are editable, approved versions are frozen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from loyalty_core.config.enums import VersionStatus
from loyalty_core.db import Base, UTCDateTime, utcnow
from loyalty_core.errors import ConfigurationError
from loyalty_core.guards import attach, frozen_when_approved


class ConfigVersion(Base):
    __tablename__ = "config_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=VersionStatus.draft.value)
    # Deferred: a till's request needs the version's id and hash, not the document itself
    # (its parsed form is cached per process by content hash).
    document: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    source_text: Mapped[str] = mapped_column(Text, default="", deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("config_versions.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # The SHA-256 of the signed prototype package that approved it; None when it was approved
    # outside a package (a direct approval, which every page showing the version must say).
    approval_package_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)

    @property
    def is_approved(self) -> bool:
        return self.status == VersionStatus.approved.value

    @property
    def approved_outside_package(self) -> bool:
        """True for an approved version no signed prototype package stands behind."""
        return self.is_approved and not self.approval_package_hash


# What an approved version may never change (the ORM check below and the database triggers).
FROZEN_COLUMNS = ("document", "source_text", "content_hash", "label", "status")
attach(
    ConfigVersion.__table__,  # type: ignore[arg-type]
    frozen_when_approved("config_versions", FROZEN_COLUMNS, "a configuration version"),
)


@event.listens_for(ConfigVersion, "before_update")
def _approved_versions_are_frozen(_mapper: Any, _connection: Any, target: ConfigVersion) -> None:
    """Last line of defence: the service refuses first, this catches any other code path."""
    from sqlalchemy import inspect

    state = inspect(target)
    status_history = state.attrs.status.history
    was_approved = (status_history.deleted and status_history.deleted[0] == VersionStatus.approved.value) or (
        not status_history.has_changes() and target.is_approved
    )
    if not was_approved:
        return
    for name in (*FROZEN_COLUMNS, "approval_package_hash"):  # the triggers predate the package hash
        if state.attrs[name].history.has_changes():
            raise ConfigurationError(f"version {target.label} is approved and cannot change ({name})")
