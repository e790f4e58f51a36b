"""The sign-off's rules on a real (SQLite) database: the snapshot's hash follows every kind of
item, approvals go stale, separation of duties, the rule (all / N of M / required), comments that
survive revisions, and bad input refused with nothing changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from process_models.enums import NodeKind
from tests.workbench.signoff_support import FEATURE, V2, SignoffProject, make_signoff_project
from workbench.acceptance import service as acceptance
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.modifications import service as modifications
from workbench.notifications.models import InboxMessage
from workbench.processes import service as processes
from workbench.programme import service as programme
from workbench.requirements import service as requirements
from workbench.signoff import service as signoff
from workbench.signoff.models import PackageDecision
from workbench.signoff.snapshot import Snapshot, sha256
from workbench.stages.models import Checkpoint


@pytest.fixture
def ready(app: Flask) -> SignoffProject:
    with app.app_context():
        made = make_signoff_project(db.session())
        db.session.commit()
    return made


def _submit(project: SignoffProject, **options: object) -> signoff.Revision:
    arguments: dict[str, object] = {
        "approvers": ["cfo", "buyer", "ops"],
        "actor": "consultant",
        "rule": "2",
        "required": ["cfo"],
        "version_label": "v2",
    }
    arguments.update(options)
    revision = signoff.submit(db.session(), db.session.merge(project.gap.project), **arguments)  # type: ignore[arg-type]
    db.session.commit()
    return revision


# Each kind of item in the package, changed once (the Must-hold table).
def _requirement_title(p: SignoffProject) -> None:
    requirement = db.session.merge(p.requirement)
    requirements.update_requirement(
        db.session(),
        requirement,
        requirements.RequirementFields("Оптовый уровень без баллов поверх скидки", "must"),
        actor="consultant",
    )


def _step_name(p: SignoffProject) -> None:
    record = processes.latest_version(db.session(), db.session.merge(p.gap.to_be))
    node = next(n for n in record.document["nodes"] if n["id"] == "pur_tobe_quote")
    processes.update_step(
        db.session(),
        record,
        "pur_tobe_quote",
        name="Рассчитать баллы (новое)",
        lane=node.get("lane"),
        kind=NodeKind(node["kind"]),
        system=node.get("system", ""),
        description=node.get("description", ""),
        actor="consultant",
    )


def _modification_estimate(p: SignoffProject) -> None:
    modification = db.session.merge(p.modification)
    modifications.update_modification(
        db.session(),
        modification,
        modifications.ModificationFields(modification.title, "7.5", modification.priority),
        actor="consultant",
    )


def _scenario_step(p: SignoffProject) -> None:
    acceptance.save_feature(
        db.session(),
        db.session.merge(p.gap.project),
        "wholesale.feature",
        FEATURE.replace("for 1000.00", "for 2000.00"),
        actor="consultant",
    )


def _configuration_value(p: SignoffProject) -> None:
    programme.update_draft(
        db.session(),
        db.session.merge(p.version),
        V2.replace("max_share: 50", "max_share: 40"),
        actor="consultant",
    )


CHANGES: dict[str, tuple[Callable[[SignoffProject], None], str]] = {
    "a requirement's title": (_requirement_title, "requirement:REQ-1"),
    "a BPMN step's name": (_step_name, "process:"),
    "a modification's estimate": (_modification_estimate, "modification:MOD-1"),
    "a scenario's step": (_scenario_step, "scenario:wholesale.feature/"),
    "a configuration value": (_configuration_value, "config:redemption.max_share"),
}


@pytest.mark.parametrize("what", list(CHANGES))
def test_changing_any_item_after_submission_changes_the_hash_and_makes_approvals_stale(
    app: Flask, ready: SignoffProject, what: str
) -> None:
    change, changed_key = CHANGES[what]
    with app.app_context():
        first = _submit(ready)
        signoff.approve(db.session(), first.id, actor="buyer")
        db.session.commit()
        change(ready)
        db.session.commit()

        status = signoff.project_status(db.session(), db.session.merge(ready.gap.project))
        db.session.commit()
        assert status.revision.content_hash != first.content_hash
        assert status.revision.number == 2
        assert status.state.value == "stale"
        assert [a.stale for a in status.approvals] == [True]
        assert status.approved == set()
        # The approver sees exactly what changed, item by item.
        since = signoff.changes_since_review(db.session(), status.package, status.revision, "buyer")
        assert since is not None
        assert [c.key for c in since[1] if c.key.startswith(changed_key)], since[1]
        assert all(
            c.key.startswith(changed_key) or c.section == "gap_map" or c.section == "to_be_models"
            for c in since[1]
        ), since[1]
        # The stale revision can no longer be approved.
        with pytest.raises(signoff.SignoffError, match=f"revision {first.id} is stale"):
            signoff.approve(db.session(), first.id, actor="cfo")
        db.session.rollback()


def test_resubmitting_an_unchanged_package_gives_the_same_hash(app: Flask, ready: SignoffProject) -> None:
    with app.app_context():
        first = _submit(ready)
        again = _submit(ready)
        assert (again.id, again.content_hash) == (first.id, first.content_hash)
        # The same content read in another session hashes the same too.
        rebuilt = signoff.build_snapshot(db.session(), signoff.get_revision(db.session(), first.id).package)
        assert rebuilt.content_hash == first.content_hash


def test_the_stored_snapshot_recomputes_to_its_hash_and_names_every_section(
    app: Flask, ready: SignoffProject
) -> None:
    with app.app_context():
        revision = _submit(ready)
        assert sha256(revision.snapshot) == revision.content_hash
        snapshot = Snapshot.from_text(revision.snapshot)
        assert snapshot.text() == revision.snapshot
        assert set(snapshot.sections) == {
            "to_be_models",
            "requirements",
            "gap_map",
            "modifications",
            "scenarios",
            "to_be_landscape",
            "configuration",
        }
        assert snapshot.sections["modifications"]["modification:MOD-1"]["estimate_days"] == "6.5"
        process = next(iter(snapshot.sections["to_be_models"].values()))
        assert process["diff"] is not None  # the TO-BE carries its diff against the AS-IS


def test_two_of_three_with_the_cfo_required_signs_once_and_approves_the_version(
    app: Flask, ready: SignoffProject
) -> None:
    with app.app_context():
        revision = _submit(ready)
        signoff.approve(db.session(), revision.id, actor="buyer")
        signoff.approve(db.session(), revision.id, actor="ops")
        db.session.commit()
        # Two of three, but not the CFO: not signed, the version still a draft.
        status = signoff.project_status(db.session(), db.session.merge(ready.gap.project))
        assert status.state.value == "waiting"
        assert not db.session.merge(ready.version).is_approved
        signoff.approve(db.session(), revision.id, actor="cfo")
        db.session.commit()
        status = signoff.project_status(db.session(), db.session.merge(ready.gap.project))
        version = db.session.merge(ready.version)
        assert status.state.value == "signed"
        assert version.is_approved and version.approval_package_hash == revision.content_hash
        assert not version.approved_outside_package
        checkpoints = db.session.scalars(select(Checkpoint).where(Checkpoint.stage == 3)).all()
        assert [(c.closed_by, c.content_hash) for c in checkpoints] == [("cfo", revision.content_hash)]
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("signoff.%"))
        ).all()
        assert actions.count("signoff.approve") == 3 and actions.count("signoff.sign") == 1


def test_the_rule_all_needs_every_approver(app: Flask, ready: SignoffProject) -> None:
    with app.app_context():
        revision = _submit(ready, rule="all", required=[])
        for name in ("cfo", "buyer"):
            signoff.approve(db.session(), revision.id, actor=name)
        db.session.commit()
        assert (
            signoff.project_status(db.session(), db.session.merge(ready.gap.project)).state.value == "waiting"
        )
        signoff.approve(db.session(), revision.id, actor="ops")
        db.session.commit()
        assert (
            signoff.project_status(db.session(), db.session.merge(ready.gap.project)).state.value == "signed"
        )


def _decisions() -> int:
    return int(db.session.scalar(select(func.count()).select_from(PackageDecision)) or 0)


def test_the_submitter_and_a_second_approval_are_refused_with_a_clear_message(
    app: Flask, ready: SignoffProject
) -> None:
    with app.app_context():
        revision = _submit(ready)
        with pytest.raises(signoff.SignoffError, match="consultant submitted package .* cannot approve it"):
            signoff.approve(db.session(), revision.id, actor="consultant")
        db.session.rollback()
        signoff.approve(db.session(), revision.id, actor="buyer")
        db.session.commit()
        with pytest.raises(signoff.SignoffError, match="buyer has already decided on revision"):
            signoff.approve(db.session(), revision.id, actor="buyer")
        db.session.rollback()
        assert _decisions() == 1
        # Nor can a submitter put themself on the list.
        with pytest.raises(signoff.SignoffError, match="cannot be one of its approvers"):
            _submit(ready, approvers=["cfo", "consultant"], required=["cfo"], rule="all")
        db.session.rollback()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r: signoff.approve(db.session(), 9999, actor="cfo"), "no revision 9999"),
        (lambda r: signoff.approve(db.session(), "abc", actor="cfo"), "not a revision id"),
        (
            lambda r: signoff.reject(db.session(), r.id, actor="cfo", reason="  "),
            "a rejection needs a reason",
        ),
        (
            lambda r: signoff.approve(db.session(), r.id, actor="approver"),
            "approver is not an approver of package",
        ),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(
    app: Flask, ready: SignoffProject, call: Callable[[signoff.Revision], object], message: str
) -> None:
    with app.app_context():
        revision = _submit(ready)
        audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
        with pytest.raises(signoff.SignoffError, match=message):
            call(revision)
        db.session.rollback()
        assert _decisions() == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"approvers": ["cfo", "nobody"]}, "approver 'nobody': no such active user"),
        ({"approvers": ["cfo", "rollout_manager"]}, "is a rollout_manager, not an approver"),
        (
            {"required": ["ops"], "approvers": ["cfo", "buyer"]},
            "required approver ops is not on the approvers list",
        ),
        ({"rule": "4"}, "rule 4: must be between 1 and the 3 approver"),
        ({"rule": "most"}, "use 'all' or a number"),
        ({"version_label": "v9"}, "no configuration version 'v9'"),
    ],
)
def test_a_bad_submission_is_refused(
    app: Flask, ready: SignoffProject, options: dict[str, object], message: str
) -> None:
    with app.app_context():
        with pytest.raises(signoff.SignoffError, match=message):
            _submit(ready, **options)
        db.session.rollback()
        assert signoff.latest_package(db.session(), db.session.merge(ready.gap.project)) is None


def test_a_comment_on_an_item_survives_a_new_revision(app: Flask, ready: SignoffProject) -> None:
    with app.app_context():
        revision = _submit(ready)
        package = revision.package
        signoff.comment(db.session(), package, "requirement:REQ-1", "Уточните порог опта", actor="buyer")
        lineage = db.session.merge(ready.gap.to_be).lineage
        signoff.comment(db.session(), package, f"step:{lineage}/pur_tobe_quote", "Шаг понятен", actor="cfo")
        db.session.commit()
        _requirement_title(ready)
        db.session.commit()
        current = signoff.current_revision(db.session(), package)
        db.session.commit()
        assert current.number == 2
        notes = signoff.comments(db.session(), package, "requirement:REQ-1")
        assert [(n.author, n.text, n.revision.number) for n in notes] == [("buyer", "Уточните порог опта", 1)]
        assert signoff.item_of(signoff.snapshot_of(current), "requirement:REQ-1") is not None
        with pytest.raises(signoff.SignoffError, match="no item 'requirement:REQ-99'"):
            signoff.comment(db.session(), package, "requirement:REQ-99", "?", actor="buyer")
        db.session.rollback()


def test_approvers_are_told_in_their_inbox(app: Flask, ready: SignoffProject) -> None:
    with app.app_context():
        _submit(ready)
        recipients = db.session.scalars(select(InboxMessage.recipient).order_by(InboxMessage.recipient)).all()
        assert recipients == ["buyer", "cfo", "ops"]
        waiting = signoff.waiting_for(db.session(), "cfo")
        assert [s.package.project.key for s in waiting] == ["ACME"]
        assert signoff.waiting_for(db.session(), "approver") == []


def test_a_look_skips_the_rebuild_only_while_the_project_is_unchanged(
    app: Flask, ready: SignoffProject
) -> None:
    with app.app_context():
        first = _submit(ready)
        package = first.package
        project = db.session.merge(ready.gap.project)
        counter = db.session.scalar(
            select(type(project).content_version).where(type(project).id == project.id)
        )
        # A change to any content bumps the project's counter in the same flush ...
        _modification_estimate(ready)
        db.session.commit()
        assert (
            db.session.scalar(select(type(project).content_version).where(type(project).id == project.id))
            > counter
        )
        # ... so the next look rebuilds and finds the new revision.
        assert signoff.package_status(db.session(), package).revision.number == 2
        db.session.commit()
        # A decision rebuilds whatever the counter says: a change it did not count is still seen.
        package.seen_content_version = None
        db.session.commit()
        assert signoff.current_revision(db.session(), package).number == 2
