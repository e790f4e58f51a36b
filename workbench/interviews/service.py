"""Interviews and their findings: record, edit, link a finding to a process step, list.

Plain functions taking a session; each change is audited in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from workbench.audit import service as audit
from workbench.interviews.enums import FindingKind
from workbench.interviews.models import Finding, Interview
from workbench.processes import service as processes
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project

MAX_NOTES = 100_000
MAX_PARTICIPANTS = 50


class InterviewError(Exception):
    """A refusal of the interviews domain, naming the field."""


@dataclass(frozen=True)
class StepRef:
    """Where a finding points: a process (its latest version) and one of its steps."""

    lineage: str
    node_id: str
    process_name: str
    variant: str
    model_id: int
    step_name: str
    # False when the step was deleted in a later version of the process: the link is kept, and shown as stale.
    exists: bool


def _required(value: str, field: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise InterviewError(gettext("%(field)s: required", field=field))
    if len(value) > limit:
        raise InterviewError(gettext("%(field)s: at most %(limit)s characters", field=field, limit=limit))
    return value


def _participants(names: list[str]) -> list[str]:
    cleaned = [name.strip() for name in names if name.strip()]
    if len(cleaned) > MAX_PARTICIPANTS:
        raise InterviewError(
            gettext("participants: at most %(MAX_PARTICIPANTS)s", MAX_PARTICIPANTS=MAX_PARTICIPANTS)
        )
    for name in cleaned:
        if len(name) > 200:
            raise InterviewError(
                gettext("participants: '%(value)s'… is longer than 200 characters", value=name[:40])
            )
    return cleaned


def _notes(notes: str) -> str:
    if len(notes) > MAX_NOTES:
        raise InterviewError(gettext("notes: at most %(MAX_NOTES)s characters", MAX_NOTES=MAX_NOTES))
    return notes.strip()


def record_interview(
    session: Session,
    project: Project,
    *,
    stakeholder: str,
    held_on: dt.date,
    actor: str,
    position: str = "",
    department: str = "",
    participants: list[str] | None = None,
    notes: str = "",
) -> Interview:
    """Store an interview of `project`."""
    interview = Interview(
        project_id=project.id,
        stakeholder=_required(stakeholder, "stakeholder"),
        position=position.strip()[:200],
        department=department.strip()[:200],
        held_on=held_on,
        participants=_participants(participants or []),
        notes=_notes(notes),
        created_by=actor,
    )
    session.add(interview)
    session.flush()
    audit.record(
        session,
        actor,
        "interview.create",
        "interview",
        interview.id,
        {"project": project.key, "stakeholder": interview.stakeholder, "held_on": held_on.isoformat()},
    )
    return interview


def update_interview(
    session: Session,
    interview: Interview,
    *,
    stakeholder: str,
    held_on: dt.date,
    actor: str,
    position: str = "",
    department: str = "",
    participants: list[str] | None = None,
    notes: str = "",
) -> Interview:
    """Change an interview's header and notes (its findings stay)."""
    interview.stakeholder = _required(stakeholder, "stakeholder")
    interview.position = position.strip()[:200]
    interview.department = department.strip()[:200]
    interview.held_on = held_on
    interview.participants = _participants(participants or [])
    interview.notes = _notes(notes)
    session.flush()
    audit.record(
        session, actor, "interview.update", "interview", interview.id, {"stakeholder": interview.stakeholder}
    )
    return interview


def get_interview(session: Session, interview_id: int) -> Interview:
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise InterviewError(gettext("no interview %(interview_id)s", interview_id=interview_id))
    return interview


def list_interviews(session: Session, project: Project) -> list[Interview]:
    """A project's interviews, newest first, with their findings loaded."""
    return list(
        session.scalars(
            select(Interview)
            .where(Interview.project_id == project.id)
            .options(selectinload(Interview.findings))
            .order_by(Interview.held_on.desc(), Interview.id.desc())
        )
    )


def add_finding(
    session: Session,
    interview: Interview,
    *,
    text: str,
    kind: FindingKind | str,
    actor: str,
    process_lineage: str | None = None,
    node_id: str | None = None,
) -> Finding:
    """Add a finding; when it names a process step, the step must exist in that process's latest
    version, and the process must belong to the interview's project."""
    text = _required(text, "text", 5_000)
    try:
        kind = FindingKind(kind)
    except ValueError:
        raise InterviewError(
            gettext(
                "kind: '%(kind)s' is not one of %(join)s",
                kind=kind,
                join=", ".join(k.value for k in FindingKind),
            )
        ) from None
    if node_id and not process_lineage:
        raise InterviewError(gettext("step: name the process the step belongs to"))
    if process_lineage:
        record = processes.latest_of(session, process_lineage)
        if record is None or record.project_id != interview.project_id:
            raise InterviewError(
                gettext(
                    "process: no process '%(process_lineage)s' in this project",
                    process_lineage=process_lineage,
                )
            )
        if node_id and node_id not in {node["id"] for node in record.document.get("nodes", [])}:
            raise InterviewError(
                gettext("step: %(name)s has no step '%(node_id)s'", name=record.name, node_id=node_id)
            )
    finding = Finding(
        interview_id=interview.id,
        text=text,
        kind=kind.value,
        process_lineage=process_lineage or None,
        node_id=node_id or None,
        created_by=actor,
    )
    session.add(finding)
    session.flush()
    audit.record(
        session,
        actor,
        "interview.finding.add",
        "interview",
        interview.id,
        {"finding": finding.id, "kind": kind.value, "process": process_lineage, "step": node_id},
    )
    return finding


def get_finding(session: Session, finding_id: int) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise InterviewError(gettext("no finding %(finding_id)s", finding_id=finding_id))
    return finding


def delete_finding(session: Session, finding_id: int, *, actor: str) -> Interview:
    """Remove a finding; returns its interview."""
    finding = session.get(Finding, finding_id)
    if finding is None:
        raise InterviewError(gettext("no finding %(finding_id)s", finding_id=finding_id))
    interview = finding.interview
    interview.findings.remove(finding)
    session.flush()
    audit.record(
        session, actor, "interview.finding.delete", "interview", interview.id, {"finding": finding_id}
    )
    return interview


def step_refs(session: Session, findings: list[Finding]) -> dict[int, StepRef]:
    """For each finding that points at a process, where it points (by finding id), read from the
    latest version of each process, in one query."""
    lineages = {f.process_lineage for f in findings if f.process_lineage}
    if not lineages:
        return {}
    latest = (
        select(ProcessRecord.lineage, func.max(ProcessRecord.version).label("version"))
        .where(ProcessRecord.lineage.in_(lineages))
        .group_by(ProcessRecord.lineage)
        .subquery()
    )
    records = {
        r.lineage: r
        for r in session.scalars(
            select(ProcessRecord).join(
                latest,
                (ProcessRecord.lineage == latest.c.lineage) & (ProcessRecord.version == latest.c.version),
            )
        )
    }
    refs: dict[int, StepRef] = {}
    for finding in findings:
        record = records.get(finding.process_lineage or "")
        if record is None:
            continue
        names = {node["id"]: node.get("name") or node["id"] for node in record.document.get("nodes", [])}
        node_id = finding.node_id or ""
        refs[finding.id] = StepRef(
            lineage=record.lineage,
            node_id=node_id,
            process_name=record.name,
            variant=record.variant,
            model_id=record.id,
            step_name=names.get(node_id, node_id),
            exists=not node_id or node_id in names,
        )
    return refs


def findings_for_process(session: Session, lineage: str) -> list[Finding]:
    """Every finding pointing at a process (any of its steps), oldest interview first."""
    return list(
        session.scalars(
            select(Finding)
            .join(Interview)
            .where(Finding.process_lineage == lineage)
            .options(selectinload(Finding.interview))
            .order_by(Interview.held_on, Finding.id)
        )
    )
