"""The sign-off's Word documents for a project: read the package, render, audit the export.

Plain functions on a session, so a background job can build a document as well as a view can.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.audit import service as audit
from workbench.auth.models import User
from workbench.signoff import documents
from workbench.signoff import service as signoff
from workbench.signoff.enums import Decision

KINDS = {"sheet": documents.approval_sheet_docx, "package": documents.package_docx}


def sheet_data(
    session: Session, status: signoff.PackageStatus, *, timezone: str = "UTC"
) -> documents.SheetData:
    """What both documents show about the package's current revision."""
    package, revision = status.package, status.revision
    names = dict(
        session.execute(select(User.username, User.display_name).where(User.username.in_(package.approvers)))
        .tuples()
        .all()
    )
    notes: dict[str, list[str]] = {}
    for note in signoff.comments(session, package):
        notes.setdefault(note.author, []).append(f"{note.item_key}: {note.text}")
    current = {line.user: line for line in status.approvals if not line.stale}
    approvers = []
    for name in package.approvers:
        line = current.get(name)
        approvers.append(
            documents.ApproverLine(
                username=name,
                name=names.get(name) or name,
                decision=line.decision if line else "",
                at=line.at if line else None,
                reason=line.reason if line and line.decision == Decision.reject.value else "",
                comments=tuple(notes.get(name, [])),
                required=name in package.required,
            )
        )
    project = package.project
    return documents.SheetData(
        project_key=project.key,
        project_name=project.name,
        client=project.client,
        package_id=package.id,
        revision_id=revision.id,
        revision_number=revision.number,
        content_hash=revision.content_hash,
        version_label=package.config_version.label,
        rule=package.rule_text,
        submitted_by=package.submitted_by,
        submitted_at=package.submitted_at,
        state=status.state.value,
        snapshot=signoff.snapshot_of(revision),
        approvers=approvers,
        timezone=timezone,
    )


def export(
    session: Session, package: signoff.Package, kind: str, *, lang: str, actor: str, timezone: str = "UTC"
) -> bytes:
    """The approval sheet ("sheet") or the package ("package") as DOCX bytes; audited."""
    if kind not in KINDS:
        raise signoff.SignoffError(f"document {kind!r}: use {' or '.join(KINDS)}")
    status = signoff.package_status(session, package)
    data = KINDS[kind](sheet_data(session, status, timezone=timezone), lang)
    audit.record(
        session,
        actor,
        "document.export",
        "signoff_package",
        status.package.id,
        {
            "document": f"signoff {kind}",
            "lang": lang,
            "revision": status.revision.id,
            "hash": status.revision.content_hash,
        },
    )
    return data
