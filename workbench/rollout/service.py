"""Workbench-side rollout steps: the role rules (who may override) and the audit log, written in
the same transaction as the change; the domain itself is `rollout.service`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import workbench.rollout.criteria  # noqa: F401  (registers the acceptance criterion with the gates)
from loyalty_core.config import service as config_service
from rollout import readiness, register
from rollout import service as rollout
from rollout.errors import RolloutError
from rollout.models import FeedbackItem, RolloutPlan, RolloutWave
from rollout.schedule import LOCAL_FORMAT
from workbench.audit import service as audit
from workbench.auth.enums import Role
from workbench.auth.models import User
from workbench.projects import members
from workbench.projects.models import Project


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def require_approver(session: Session, username: str | None) -> str:
    """Overrides (pilot limit, closed gate) are the client approver's: refuse anyone else."""
    user = session.query(User).filter_by(username=username or "").one_or_none()
    if user is None or not user.has_role(Role.approver):
        raise RolloutError(f"only an approver may override; {username or 'nobody'!s} is not one", field="as")
    return user.username


def plan_project(session: Session, key: str) -> Project:
    """The project of that key, for a new plan: the pages and the CLI refuse an unknown key (a
    plan outside every project would be nobody's to guard). The demo seeds its plan before its
    project, so `create_plan` itself does not ask."""
    project = session.scalar(select(Project).where(Project.key == (key or "").strip().upper()))
    if project is None:
        raise RolloutError(f"no project {key!r}", field="project")
    return project


def visible_plans(session: Session, user: User) -> list[RolloutPlan]:
    """The plans of the projects `user` may open (every plan for an admin)."""
    if user.role == Role.admin.value:
        return rollout.list_plans(session)
    keys = [project.key for project in members.visible_projects(session, user)]
    return rollout.list_plans(session, project_keys=keys)


def import_register(session: Session, filename: str, content: bytes, *, actor: str) -> register.ImportResult:
    result = register.import_register(session, filename, content)
    audit.record(
        session,
        actor,
        "store.import",
        "store_register",
        filename,
        {"created": result.created, "updated": result.updated},
    )
    return result


def create_plan(
    session: Session,
    project_key: str,
    version_label: str,
    pilot: list[str],
    *,
    actor: str,
    now: dt.datetime,
    override_reason: str | None = None,
    override_by: str | None = None,
    at_local: dt.datetime | None = None,
    min_pilot_days: int | None = None,
    min_pilot_transactions: int | None = None,
) -> RolloutPlan:
    version = config_service.get_version(session, version_label)
    if override_reason:
        override_by = require_approver(session, override_by)
    plan = rollout.create_plan(
        session,
        project_key,
        version,
        pilot,
        actor=actor,
        now=now,
        override_reason=override_reason,
        override_by=override_by,
        at_local=at_local,
        min_pilot_days=min_pilot_days,
        min_pilot_transactions=min_pilot_transactions,
    )
    pilot_wave = plan.waves[0]
    audit.record(
        session,
        actor,
        "rollout.plan_create",
        "rollout_plan",
        plan.id,
        {"project": plan.project_key, "version": version.label, "pilot": [c.upper() for c in pilot]},
    )
    if pilot_wave.override_by:
        audit.record(
            session,
            pilot_wave.override_by,
            "rollout.pilot_override",
            "rollout_plan",
            plan.id,
            {"reason": pilot_wave.override_reason, "pilot": [c.upper() for c in pilot]},
        )
    return plan


def add_wave(
    session: Session, plan: RolloutPlan, *, actor: str, now: dt.datetime, **selection: Any
) -> RolloutWave:
    wave = rollout.add_wave(session, plan, now=now, **selection)
    at = wave.switch_local.strftime(LOCAL_FORMAT) if wave.switch_local else None
    audit.record(
        session,
        actor,
        "rollout.wave_add",
        "rollout_plan",
        plan.id,
        {"wave": wave.number, "stores": len(wave.stores), "at_local": at},
    )
    return wave


def set_controls(session: Session, plan: RolloutPlan, pilot: str, controls: list[str], *, actor: str) -> None:
    entry = rollout.set_controls(session, plan, pilot, controls)
    audit.record(
        session,
        actor,
        "rollout.controls",
        "rollout_plan",
        plan.id,
        {"pilot": pilot.upper(), "controls": entry.control_codes},
    )


def advance(
    session: Session,
    plan: RolloutPlan,
    *,
    actor: str,
    now: dt.datetime,
    override_reason: str | None = None,
) -> rollout.Advance:
    """Advance the next wave; an override is an approver's, so `actor` must be one then."""
    if override_reason:
        actor = require_approver(session, actor)
    result = rollout.advance(session, plan, actor=actor, now=now, override_reason=override_reason)
    details: dict[str, Any] = {"wave": result.wave.number, "stores": result.switches}
    if result.decision is not None:
        details.update(decision=result.decision.decision, criteria=result.decision.criteria)
        if result.decision.override_reason:
            details["override_reason"] = result.decision.override_reason
    action = (
        "rollout.gate_override"
        if result.decision and result.decision.decision == "override"
        else "rollout.advance"
    )
    audit.record(session, actor, action, "rollout_plan", plan.id, details)
    return result


def rollback(
    session: Session,
    plan: RolloutPlan,
    *,
    reason: str,
    actor: str,
    now: dt.datetime,
    wave_number: int | None = None,
    store_code: str | None = None,
) -> rollout.Rollback:
    result = rollout.rollback(
        session, plan, reason=reason, now=now, wave_number=wave_number, store_code=store_code
    )
    audit.record(
        session,
        actor,
        "rollout.rollback",
        "rollout_plan",
        plan.id,
        {
            "reason": reason.strip(),
            "wave": wave_number,
            "store": store_code,
            "switched_back": result.switched_back,
            "called_off": result.called_off,
            "switched_back_count": result.switched_back_count,
            "called_off_count": result.called_off_count,
        },
    )
    return result


def halt(session: Session, plan: RolloutPlan, *, reason: str, actor: str, now: dt.datetime) -> list[str]:
    called_off = rollout.halt(session, plan, reason=reason, now=now)
    audit.record(
        session, actor, "rollout.halt", "rollout_plan", plan.id, {"reason": reason, "called_off": called_off}
    )
    return called_off


def resume(session: Session, plan: RolloutPlan, *, actor: str) -> None:
    rollout.resume(session, plan)
    audit.record(session, actor, "rollout.resume", "rollout_plan", plan.id, {})


def add_feedback(
    session: Session, plan: RolloutPlan, *, actor: str, now: dt.datetime, **fields: Any
) -> FeedbackItem:
    item = readiness.add_feedback(session, plan, actor=actor, now=now, **fields)
    audit.record(
        session,
        actor,
        "rollout.feedback_add",
        "rollout_feedback",
        item.id,
        {"plan": plan.id, "severity": item.severity, "category": item.category},
    )
    return item


def set_feedback_status(
    session: Session, plan: RolloutPlan, item_id: int, status: str, *, actor: str, now: dt.datetime
) -> FeedbackItem:
    item = readiness.set_feedback_status(session, plan, item_id, status, now)
    audit.record(
        session,
        actor,
        "rollout.feedback_status",
        "rollout_feedback",
        item.id,
        {"plan": plan.id, "status": item.status},
    )
    return item


def update_checklist_item(
    session: Session, wave: RolloutWave, item_id: int, *, actor: str, now: dt.datetime, **change: Any
) -> None:
    item = readiness.update_item(session, wave, item_id, actor=actor, now=now, **change)
    audit.record(
        session,
        actor,
        "rollout.checklist",
        "rollout_checklist",
        item.id,
        {"wave": wave.number, "kind": item.kind, "done": item.done_at is not None, "owner": item.owner},
    )


def complete_checklist(
    session: Session, wave: RolloutWave, *, actor: str, now: dt.datetime, store_code: str | None = None
) -> int:
    ticked = readiness.complete_checklist(session, wave, actor=actor, now=now, store_code=store_code)
    audit.record(
        session,
        actor,
        "rollout.checklist",
        "rollout_plan",
        wave.plan_id,
        {"wave": wave.number, "store": store_code, "ticked": ticked},
    )
    return ticked


def record_due_switches(session: Session, *, now: dt.datetime) -> list[tuple[int, int, str]]:
    """The periodic job: switches whose moment came go to the audit log once (system actor)."""
    done = rollout.record_due_switches(session, now)
    for plan_id, wave, code in done:
        audit.record(
            session, audit.SYSTEM_ACTOR, "rollout.switched", "store", code, {"plan": plan_id, "wave": wave}
        )
    return done
