"""Tables of the sign-off: a package submitted to named approvers, its revisions (each a frozen
snapshot with its SHA-256), the approvers' decisions on a revision, and comments on items."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db
from workbench.projects.models import Project

OPEN = "open"
SIGNED = "signed"


class Package(db.Model):  # type: ignore[name-defined,misc]
    """A prototype package of one project, submitted for sign-off. `rule_count` None means every
    approver must approve; N means any N of them, with every `required` approver among them."""

    __tablename__ = "signoff_packages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    config_version_id: Mapped[int] = mapped_column(ForeignKey("config_versions.id"))
    submitted_by: Mapped[str] = mapped_column(String(80))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    approvers: Mapped[list[str]] = mapped_column(JSON, default=list)
    required: Mapped[list[str]] = mapped_column(JSON, default=list)
    rule_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(8), default=OPEN)  # open | signed
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    signed_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # What the newest revision was built from: the project's content counter and the version's
    # hash (a page skips the rebuild when both are unchanged; decisions always rebuild).
    seen_content_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seen_config_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)

    project: Mapped[Project] = relationship()
    config_version: Mapped[ConfigVersion] = relationship(ConfigVersion)
    revisions: Mapped[list[Revision]] = relationship(back_populates="package", order_by="Revision.number")

    @property
    def rule_text(self) -> str:
        """ "all of 3" / "2 of 3", plus the required approvers."""
        count = "all" if self.rule_count is None else str(self.rule_count)
        text = f"{count} of {len(self.approvers)}"
        return text + (f", {', '.join(self.required)} required" if self.required else "")


class Revision(db.Model):  # type: ignore[name-defined,misc]
    """One state of a package's content: the canonical JSON snapshot and its SHA-256. A change of
    any item after submission adds the next revision; decisions on older ones are stale."""

    __tablename__ = "signoff_revisions"
    __table_args__ = (UniqueConstraint("package_id", "number", name="uq_signoff_revisions_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("signoff_packages.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The exact bytes hashed (UTF-8 canonical JSON): the approval sheet's hash is recomputed from it.
    snapshot: Mapped[str] = deferred(mapped_column(Text))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    package: Mapped[Package] = relationship(back_populates="revisions")


class PackageDecision(db.Model):  # type: ignore[name-defined,misc]
    """An approver's approval or rejection (with its reason) of one revision. One per approver
    and revision: the unique key refuses a second one even when two arrive at once."""

    __tablename__ = "signoff_decisions"
    __table_args__ = (UniqueConstraint("revision_id", "approver", name="uq_signoff_decisions_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("signoff_packages.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("signoff_revisions.id"), index=True)
    approver: Mapped[str] = mapped_column(String(80))
    decision: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    revision: Mapped[Revision] = relationship()


class ItemComment(db.Model):  # type: ignore[name-defined,misc]
    """An approver's comment on one item of a package (a requirement, a process step, a
    modification, a scenario, a configuration key), anchored by the item's key so it stays on the
    item through later revisions."""

    __tablename__ = "signoff_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("signoff_packages.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("signoff_revisions.id"))
    item_key: Mapped[str] = mapped_column(String(400), index=True)
    author: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    revision: Mapped[Revision] = relationship()
