"""Submitting a prototype package for sign-off, approving and rejecting it, comments on items.

Functions take a session and flush; the edge (CLI command, view) commits, and sends the mail of
the messages it created after the commit (`notifications.service.deliver_pending`).

Revisions: the package's content is re-read whenever it is looked at or decided on
(`current_revision`); when its hash differs from the newest revision's, the next revision is
stored and every decision given on an older one is stale ("dismiss stale approvals"). A decision
names the revision it approves, so nobody can approve content they have not seen.

Concurrency: every decision locks the package row first (SELECT ... FOR UPDATE on PostgreSQL;
SQLite serialises writers anyway), so two approvals arriving together are counted one after the
other: the package is signed, and its configuration version approved, exactly once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.config import service as config_service
from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import utcnow
from loyalty_core.errors import LoyaltyError
from workbench.audit import service as audit
from workbench.auth.enums import Role
from workbench.auth.models import User
from workbench.notifications import service as notifications
from workbench.programme import service as programme
from workbench.projects.models import Project
from workbench.signoff import snapshot as snap
from workbench.signoff.enums import Decision, PackageState
from workbench.signoff.models import OPEN, SIGNED, ItemComment, Package, PackageDecision, Revision

COMMENT_MAX = 5000
REASON_MAX = 5000


class SignoffError(Exception):
    """A refusal of the sign-off (bad input, a rule of the review), with a clear message."""


# --- submitting ------------------------------------------------------------------------------


def parse_rule(rule: str | int | None, approvers: int) -> int | None:
    """ "all" (or nothing) -> None; "2" -> 2, checked against the number of approvers."""
    if rule is None or str(rule).strip().lower() in ("", "all"):
        return None
    try:
        count = int(str(rule).strip())
    except ValueError:
        raise SignoffError(f"rule {rule!r}: use 'all' or a number of approvers") from None
    if not 1 <= count <= approvers:
        raise SignoffError(f"rule {count}: must be between 1 and the {approvers} approver(s)")
    return count


def _checked_approvers(
    session: Session, approvers: list[str], required: list[str], submitter: str
) -> tuple[list[str], list[str]]:
    names = list(dict.fromkeys(a.strip().lower() for a in approvers if a.strip()))
    needed = list(dict.fromkeys(r.strip().lower() for r in required if r.strip()))
    if not names:
        raise SignoffError("a package needs at least one approver")
    if submitter in names:
        raise SignoffError(f"{submitter} submits the package and so cannot be one of its approvers")
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(names)))}
    for name in names:
        user = users.get(name)
        if user is None or not user.active:
            raise SignoffError(f"approver {name!r}: no such active user")
        if not user.has_role(Role.approver):
            raise SignoffError(f"approver {name!r}: is a {user.role}, not an approver")
    outside = [r for r in needed if r not in names]
    if outside:
        raise SignoffError(f"required approver {', '.join(outside)} is not on the approvers list")
    return names, needed


def _version(session: Session, label: str | None) -> ConfigVersion:
    if label:
        try:
            version = config_service.get_version(session, label)
        except LoyaltyError as error:
            raise SignoffError(error.detail) from None
    else:
        drafts = [v for v in config_service.list_versions(session) if not v.is_approved]
        if not drafts:
            raise SignoffError("no draft configuration version to sign: load one, or name it with --version")
        version = drafts[-1]
    if version.is_approved:
        raise SignoffError(f"version {version.label} is already approved; a package signs a draft")
    return version


def open_package(session: Session, project: Project, *, lock: bool = False) -> Package | None:
    query = select(Package).where(Package.project_id == project.id, Package.status == OPEN)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query.order_by(Package.id.desc()))


def latest_package(session: Session, project: Project) -> Package | None:
    return session.scalar(select(Package).where(Package.project_id == project.id).order_by(Package.id.desc()))


def _approvers_join(session: Session, project: Project, names: list[str], actor: str) -> None:
    """An approver named on the package must be able to open the project it describes: those
    not yet members join it as members (each join audited, like one made on the members page)."""
    from workbench.auth import service as auth
    from workbench.projects import members

    for name in names:
        user = auth.get_user(session, name)
        if user is not None and not members.may_open(session, project, user):
            members.add_member(session, project, user, actor=actor)


def submit(
    session: Session,
    project: Project,
    *,
    approvers: list[str],
    actor: str,
    rule: str | int | None = None,
    required: list[str] | None = None,
    version_label: str | None = None,
) -> Revision:
    """Submit the project's prototype package (or re-submit its open one) to `approvers`; the
    current revision. Unchanged content keeps its revision and hash."""
    names, needed = _checked_approvers(session, approvers, list(required or []), actor)
    count = parse_rule(rule, len(names))
    package = open_package(session, project, lock=True)
    if package is None:
        package = Package(
            project_id=project.id,
            config_version_id=_version(session, version_label).id,
            submitted_by=actor,
            approvers=names,
            required=needed,
            rule_count=count,
        )
        session.add(package)
        session.flush()
        action = "signoff.submit"
    else:
        if version_label:
            package.config_version_id = _version(session, version_label).id
        package.approvers, package.required, package.rule_count = names, needed, count
        package.submitted_by, package.submitted_at = actor, utcnow()
        action = "signoff.resubmit"
    _approvers_join(session, project, names, actor)
    revision = current_revision(session, package, actor=actor)
    audit.record(
        session,
        actor,
        action,
        "signoff_package",
        package.id,
        {
            "project": project.key,
            "revision": revision.number,
            "hash": revision.content_hash,
            "approvers": names,
            "rule": package.rule_text,
            "version": package.config_version.label,
        },
    )
    notifications.notify(
        session,
        names,
        f"{project.key}: the prototype package waits for your review",
        f"{actor} submitted revision {revision.number} of the {project.key} prototype package "
        f"(sha256 {revision.content_hash[:12]}) for sign-off, rule {package.rule_text}.",
        link=f"/signoff/{package.id}",
    )
    return revision


# --- revisions -------------------------------------------------------------------------------


def build_snapshot(session: Session, package: Package) -> snap.Snapshot:
    return snap.package_snapshot(session, package.project, package.config_version)


def newest_revision(session: Session, package: Package) -> Revision | None:
    return session.scalar(
        select(Revision).where(Revision.package_id == package.id).order_by(Revision.number.desc())
    )


def _seen(session: Session, package: Package) -> tuple[int, str]:
    """The project's content counter and the version's hash, as stored now."""
    counter = session.scalar(select(Project.content_version).where(Project.id == package.project_id)) or 0
    digest = session.scalar(
        select(ConfigVersion.content_hash).where(ConfigVersion.id == package.config_version_id)
    )
    return int(counter), str(digest)


def current_revision(
    session: Session, package: Package, *, actor: str = audit.SYSTEM_ACTOR, trust_counter: bool = False
) -> Revision:
    """The revision of the package's content as it stands: the newest one when nothing changed,
    else a new one (a signed package is frozen: its signed revision stays current).

    `trust_counter` (pages only) skips the rebuild when the project's change counter and the
    version's hash are what the newest revision was built from."""
    newest = newest_revision(session, package)
    if package.status == SIGNED and newest is not None:
        return newest
    seen = _seen(session, package)
    if (
        trust_counter
        and newest is not None
        and (package.seen_content_version, package.seen_config_hash) == seen
    ):
        return newest
    package.seen_content_version, package.seen_config_hash = seen
    built = build_snapshot(session, package)
    text = built.text()
    digest = snap.sha256(text)
    if newest is not None and newest.content_hash == digest:
        return newest
    revision = Revision(
        package_id=package.id,
        number=(newest.number + 1) if newest else 1,
        content_hash=digest,
        snapshot=text,
        created_by=actor,
    )
    session.add(revision)
    session.flush()
    if newest is not None:
        _tell_about_new_revision(session, package, newest, revision)
    return revision


def _tell_about_new_revision(session: Session, package: Package, old: Revision, new: Revision) -> None:
    changed = snap.changes(snapshot_of(old), snapshot_of(new))
    audit.record(
        session,
        audit.SYSTEM_ACTOR,
        "signoff.revise",
        "signoff_package",
        package.id,
        {
            "revision": new.number,
            "hash": new.content_hash,
            "previous_hash": old.content_hash,
            "changed_items": [c.key for c in changed][:50],
        },
    )
    decided = {d.approver for d in decisions(session, package)}
    if decided:
        notifications.notify(
            session,
            sorted(decided),
            f"{package.project.key}: the prototype package changed since your review",
            f"Revision {new.number} changes {len(changed)} item(s); your earlier decision no longer counts.",
            link=f"/signoff/{package.id}",
        )


# Parsed snapshots by content hash: equal hashes are equal content, so the cache is exact (a
# package page would otherwise parse megabytes of JSON on every look). Treat them as read-only.
_PARSED: dict[str, snap.Snapshot] = {}


def snapshot_of(revision: Revision) -> snap.Snapshot:
    parsed = _PARSED.get(revision.content_hash)
    if parsed is None:
        if len(_PARSED) >= 16:
            _PARSED.clear()
        parsed = _PARSED[revision.content_hash] = snap.Snapshot.from_text(revision.snapshot)
    return parsed


def get_revision(session: Session, revision_id: int | str) -> Revision:
    try:
        number = int(str(revision_id).strip())
    except ValueError:
        raise SignoffError(f"revision {revision_id!r}: not a revision id") from None
    revision = session.get(Revision, number)
    if revision is None:
        raise SignoffError(f"no revision {number}")
    return revision


def get_package(session: Session, package_id: int) -> Package:
    package = session.get(Package, package_id)
    if package is None:
        raise SignoffError(f"no package {package_id}")
    return package


# --- decisions -------------------------------------------------------------------------------


def decisions(session: Session, package: Package) -> list[PackageDecision]:
    return list(
        session.scalars(
            select(PackageDecision)
            .where(PackageDecision.package_id == package.id)
            .order_by(PackageDecision.at, PackageDecision.id)
        )
    )


def _lock(session: Session, package_id: int) -> Package:
    package = session.scalar(
        select(Package)
        .where(Package.id == package_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert package is not None
    return package


def _decidable(session: Session, revision_id: int | str, actor: str) -> tuple[Package, Revision]:
    """The locked package and its current revision, when `actor` may decide on `revision_id`."""
    asked = get_revision(session, revision_id)
    package = _lock(session, asked.package_id)
    current = current_revision(session, package)
    if current.id != asked.id:
        raise SignoffError(
            f"revision {asked.id} is stale: the package changed since (now revision {current.id}, "
            f"sha256 {current.content_hash[:12]}); review that one"
        )
    if actor == package.submitted_by:
        raise SignoffError(f"{actor} submitted package {package.id} and so cannot approve it")
    if actor not in package.approvers:
        raise SignoffError(
            f"{actor} is not an approver of package {package.id} ({', '.join(package.approvers)})"
        )
    mine = session.scalar(
        select(PackageDecision).where(
            PackageDecision.revision_id == current.id, PackageDecision.approver == actor
        )
    )
    if mine is not None:
        raise SignoffError(f"{actor} has already decided on revision {current.id} ({mine.decision})")
    return package, current


def approve(session: Session, revision_id: int | str, *, actor: str) -> Package:
    """Approve a revision; the package is signed when that meets its rule."""
    package, revision = _decidable(session, revision_id, actor)
    session.add(
        PackageDecision(
            package_id=package.id, revision_id=revision.id, approver=actor, decision=Decision.approve.value
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        "signoff.approve",
        "signoff_package",
        package.id,
        {"revision": revision.id, "hash": revision.content_hash},
    )
    # An approval arriving just after another one signed the package is still recorded (both
    # approvers signed); the package is signed only once.
    if package.status != SIGNED and rule_met(package, approvals_on(session, revision)):
        _sign(session, package, revision, actor=actor)
    return package


def reject(session: Session, revision_id: int | str, *, actor: str, reason: str) -> Package:
    """Reject a revision, saying why (a reason is required)."""
    reason = (reason or "").strip()
    if not reason:
        raise SignoffError("a rejection needs a reason")
    if len(reason) > REASON_MAX:
        raise SignoffError(f"reason: at most {REASON_MAX} characters")
    package, revision = _decidable(session, revision_id, actor)
    if package.status == SIGNED:
        raise SignoffError(f"package {package.id} is already signed and can no longer be rejected")
    session.add(
        PackageDecision(
            package_id=package.id,
            revision_id=revision.id,
            approver=actor,
            decision=Decision.reject.value,
            reason=reason,
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        "signoff.reject",
        "signoff_package",
        package.id,
        {"revision": revision.id, "hash": revision.content_hash, "reason": reason},
    )
    notifications.notify(
        session,
        [package.submitted_by],
        f"{package.project.key}: {actor} rejected the prototype package",
        reason,
        link=f"/signoff/{package.id}",
    )
    return package


def approvals_on(session: Session, revision: Revision) -> set[str]:
    return set(
        session.scalars(
            select(PackageDecision.approver).where(
                PackageDecision.revision_id == revision.id, PackageDecision.decision == Decision.approve.value
            )
        )
    )


def rule_met(package: Package, approved: set[str]) -> bool:
    """All approvers (or N of them), and every required one among them."""
    wanted = len(package.approvers) if package.rule_count is None else package.rule_count
    return len(approved & set(package.approvers)) >= wanted and set(package.required) <= approved


def _sign(session: Session, package: Package, revision: Revision, *, actor: str) -> None:
    from workbench.stages import service as stages

    package.status, package.signed_at, package.signed_hash = SIGNED, utcnow(), revision.content_hash
    version = package.config_version
    if not version.is_approved:
        programme.approve(session, version, actor=actor, package_hash=revision.content_hash)
    audit.record(
        session,
        actor,
        "signoff.sign",
        "signoff_package",
        package.id,
        {
            "revision": revision.id,
            "hash": revision.content_hash,
            "version": version.label,
        },
    )
    stages.record_checkpoint(
        session,
        package.project,
        3,
        actor=actor,
        content_hash=revision.content_hash,
        item_hashes=snapshot_of(revision).item_hashes(),
    )
    notifications.notify(
        session,
        [package.submitted_by, *package.approvers],
        f"{package.project.key}: the prototype package is signed",
        f"Revision {revision.number} (sha256 {revision.content_hash}) met the rule "
        f"{package.rule_text}; version {version.label} is approved.",
        link=f"/signoff/{package.id}",
    )
    session.flush()


# --- status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionLine:
    user: str
    decision: str
    revision: int  # the revision id
    revision_number: int
    at: dt.datetime
    reason: str
    stale: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "decision": self.decision,
            "revision": self.revision,
            "revision_number": self.revision_number,
            "at": self.at.isoformat(),
            "reason": self.reason,
            "stale": self.stale,
        }


@dataclass(frozen=True)
class PackageStatus:
    package: Package
    revision: Revision
    state: PackageState
    approvals: list[DecisionLine] = field(default_factory=list)

    @property
    def approved(self) -> set[str]:
        return {a.user for a in self.approvals if not a.stale and a.decision == Decision.approve.value}

    @property
    def missing(self) -> list[str]:
        """Approvers with no decision on the current revision."""
        decided = {a.user for a in self.approvals if not a.stale}
        return [a for a in self.package.approvers if a not in decided]

    def to_json(self) -> dict[str, Any]:
        p = self.package
        return {
            "package": p.id,
            "project": p.project.key,
            "revision": self.revision.id,
            "revision_number": self.revision.number,
            "hash": self.revision.content_hash,
            "state": self.state.value,
            "version": p.config_version.label,
            "submitted_by": p.submitted_by,
            "approvers": list(p.approvers),
            "required": list(p.required),
            "rule": "all" if p.rule_count is None else p.rule_count,
            "signed_at": p.signed_at.isoformat() if p.signed_at else None,
            "approvals": [a.to_json() for a in self.approvals],
        }


def state_of(package: Package, revision: Revision, lines: list[DecisionLine]) -> PackageState:
    if package.status == SIGNED:
        return PackageState.signed
    current = [line for line in lines if not line.stale]
    if any(line.decision == Decision.reject.value for line in current):
        return PackageState.rejected
    if any(line.stale for line in lines) and not current:
        return PackageState.stale
    return PackageState.waiting


def package_status(session: Session, package: Package, *, refresh: bool = True) -> PackageStatus:
    """Where the package stands (its content re-read first when `refresh`, unless the project's
    change counter says nothing changed)."""
    revision = (
        current_revision(session, package, trust_counter=True)
        if refresh
        else newest_revision(session, package)
    )
    assert revision is not None
    numbers = {
        row.id: row.number
        for row in session.execute(
            select(Revision.id, Revision.number).where(Revision.package_id == package.id)
        )
    }
    lines = [
        DecisionLine(
            d.approver,
            d.decision,
            d.revision_id,
            numbers[d.revision_id],
            d.at,
            d.reason,
            d.revision_id != revision.id,
        )
        for d in decisions(session, package)
    ]
    return PackageStatus(package, revision, state_of(package, revision, lines), lines)


def project_status(session: Session, project: Project) -> PackageStatus:
    package = open_package(session, project) or latest_package(session, project)
    if package is None:
        raise SignoffError(f"project {project.key} has no prototype package yet: submit one")
    return package_status(session, package)


def waiting_for(session: Session, username: str) -> list[PackageStatus]:
    """The open packages on which `username` is an approver with no decision on the newest
    revision (read as stored: the list does not rebuild every package's snapshot)."""
    found = []
    for package in session.scalars(
        select(Package).where(Package.status == OPEN).order_by(Package.submitted_at)
    ):
        if username in package.approvers:
            status = package_status(session, package, refresh=False)
            if username in status.missing:
                found.append(status)
    return found


# --- "changed since your last review" and comments ---------------------------------------------


def last_review(session: Session, package: Package, username: str) -> PackageDecision | None:
    return session.scalar(
        select(PackageDecision)
        .where(PackageDecision.package_id == package.id, PackageDecision.approver == username)
        .order_by(PackageDecision.at.desc(), PackageDecision.id.desc())
    )


def changes_since_review(
    session: Session, package: Package, revision: Revision, username: str
) -> tuple[Revision, list[snap.ItemChange]] | None:
    """What changed, item by item, between the revision `username` last decided on and
    `revision`; None when they have not decided yet or decided on this very revision."""
    last = last_review(session, package, username)
    if last is None or last.revision_id == revision.id:
        return None
    reviewed = session.get(Revision, last.revision_id)
    assert reviewed is not None
    return reviewed, snap.changes(snapshot_of(reviewed), snapshot_of(revision))


def item_of(snapshot: snap.Snapshot, key: str) -> tuple[str, Any] | None:
    """(section, item) for an item key; a step key `step:<lineage>/<node>` finds the node in its model."""
    if key.startswith("step:"):
        lineage, _, node_id = key[5:].partition("/")
        found = snapshot.item(f"process:{lineage}")
        if found is None:
            return None
        for node in found[1]["document"].get("nodes", []):
            if node.get("id") == node_id:
                return "steps", {**node, "process": found[1]["name"]}
        return None
    return snapshot.item(key)


def comment(session: Session, package: Package, item_key: str, text: str, *, actor: str) -> ItemComment:
    """Comment on one item of the package's current revision."""
    text = (text or "").strip()
    if not text:
        raise SignoffError("a comment needs some text")
    if len(text) > COMMENT_MAX:
        raise SignoffError(f"comment: at most {COMMENT_MAX} characters")
    if actor not in package.approvers and actor != package.submitted_by:
        raise SignoffError(f"{actor} is neither an approver nor the submitter of package {package.id}")
    revision = current_revision(session, package)
    if item_of(snapshot_of(revision), item_key) is None:
        raise SignoffError(f"no item {item_key!r} in revision {revision.id}")
    note = ItemComment(
        package_id=package.id, revision_id=revision.id, item_key=item_key, author=actor, text=text
    )
    session.add(note)
    session.flush()
    audit.record(
        session,
        actor,
        "signoff.comment",
        "signoff_package",
        package.id,
        {"item": item_key, "revision": revision.id},
    )
    return note


def comments(session: Session, package: Package, item_key: str | None = None) -> list[ItemComment]:
    query = select(ItemComment).where(ItemComment.package_id == package.id)
    if item_key is not None:
        query = query.where(ItemComment.item_key == item_key)
    return list(session.scalars(query.order_by(ItemComment.at, ItemComment.id)))


def comment_counts(session: Session, package: Package) -> dict[str, int]:
    """How many comments each item of the package has, by item key."""
    counts: dict[str, int] = {}
    for note in comments(session, package):
        counts[note.item_key] = counts.get(note.item_key, 0) + 1
    return counts


def all_packages(session: Session) -> list[Package]:
    return list(session.scalars(select(Package).order_by(Package.submitted_at.desc(), Package.id.desc())))
