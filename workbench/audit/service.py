"""Writing and reading the audit log.

An entry joins the caller's transaction: a change and its audit entry are committed together or
not at all, so the log never claims a change that did not happen nor misses one that did.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from workbench.audit.details import readable
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


@dataclass(frozen=True)
class AuditFilter:
    """What the reader narrows the log to; None or "" leaves a filter out. `since` and `before`
    are UTC moments (the caller turns the reader's local dates into them)."""

    action: str | None = None
    actor: str | None = None
    target: str | None = None  # an object: its type ("requirement"), its id, or "type id"
    since: dt.datetime | None = None
    before: dt.datetime | None = None


def _filtered(query: Select[tuple[AuditEntry]], filters: AuditFilter) -> Select[tuple[AuditEntry]]:
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor:
        query = query.where(AuditEntry.actor == filters.actor)
    if filters.target:
        kind, _space, ident = filters.target.strip().partition(" ")
        if ident:
            query = query.where(AuditEntry.target_type == kind, AuditEntry.target_id == ident.strip())
        else:
            query = query.where(or_(AuditEntry.target_type == kind, AuditEntry.target_id == kind))
    if filters.since is not None:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.before is not None:
        query = query.where(AuditEntry.at < filters.before)
    return query


def entries(
    session: Session,
    *,
    action: str | None = None,
    actor: str | None = None,
    page: int = 1,
    per_page: int = 50,
    filters: AuditFilter | None = None,
) -> AuditPage:
    """Entries newest first, filtered (exact action, actor, object; a time range), one page of them."""
    filters = filters or AuditFilter(action=action, actor=actor)
    query = _filtered(select(AuditEntry), filters)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    page = max(1, page)
    rows = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return AuditPage(list(rows), page, per_page, total)


def export_rows(session: Session, filters: AuditFilter, limit: int) -> Iterator[AuditEntry]:
    """The filtered entries newest first, at most `limit` of them, read in batches."""
    query = _filtered(select(AuditEntry), filters).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    yield from session.scalars(query.limit(limit).execution_options(yield_per=500))


EXPORT_LIMIT = 50_000  # rows in one export; narrow the filters for more


def _cell(text: str) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula: an actor or a detail
    # typed by someone must stay text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_csv(session: Session, filters: AuditFilter, *, actor: str, timezone: str) -> str:
    """The filtered log as CSV (UTF-8 with a BOM, so Excel reads Cyrillic), newest first, times
    in `timezone` with their offset; the export itself is recorded, and committed."""
    zone = zoneinfo.ZoneInfo(timezone)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            gettext("When"),
            gettext("Who"),
            gettext("Action"),
            gettext("Object"),
            gettext("Object id"),
            gettext("Details"),
        ]
    )
    count = 0
    for entry in export_rows(session, filters, EXPORT_LIMIT):
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=dt.UTC)
        lines = readable(entry.details, entry.target_type)
        writer.writerow(
            [at.astimezone(zone).isoformat(timespec="seconds")]
            + [
                _cell(text)
                for text in (entry.actor, entry.action, entry.target_type, entry.target_id, "; ".join(lines))
            ]
        )
        count += 1
    record(
        session,
        actor,
        "audit.export",
        "audit_log",
        "csv",
        {"rows": count, **{k: str(v) for k, v in vars(filters).items() if v}},
    )
    session.commit()
    return out.getvalue()


def actors(session: Session) -> list[str]:
    """The distinct actors in the log, for the filter's choices."""
    return list(session.scalars(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor)))


def actions(session: Session) -> list[str]:
    """The distinct actions in the log, for the filter's choices."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
