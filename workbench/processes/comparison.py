"""AS-IS -> TO-BE comparison in the workbench: the consultant's step links, kept with the TO-BE
version, and the comparison that uses them (the graph work is `process_models.diff`'s).

A link is recorded against a pair of versions (the compare page's, or the CLI's `--before`), and
stored with the TO-BE version; every later version of that TO-BE inherits it. A link whose steps
are gone from a later version is simply not used there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from process_models.diff import ModelDiff, StepLink, diff
from process_models.model import ProcessModel
from workbench.audit import service as audit
from workbench.processes.models import ProcessRecord, ProcessStepLink
from workbench.processes.service import ProcessError, model_of

NOTE_MAX = 500
STEPS_MAX = 50  # steps on one side of a link: a merge of more is a redesign, not a link


def links_of(session: Session, after: ProcessRecord) -> list[ProcessStepLink]:
    """The links that hold for this TO-BE version: its own and its earlier versions', oldest first."""
    return list(
        session.scalars(
            select(ProcessStepLink)
            .join(ProcessRecord, ProcessStepLink.record_id == ProcessRecord.id)
            .where(ProcessRecord.lineage == after.lineage, ProcessRecord.version <= after.version)
            .order_by(ProcessRecord.version, ProcessStepLink.id)
        )
    )


def step_links(links: Sequence[ProcessStepLink]) -> list[StepLink]:
    return [StepLink(tuple(link.before_steps), tuple(link.after_steps), link.note) for link in links]


def compare(session: Session, before: ProcessRecord, after: ProcessRecord) -> ModelDiff:
    """The comparison of two versions, with the links recorded on `after`'s TO-BE."""
    return diff(model_of(before), model_of(after), step_links(links_of(session, after)))


def parse_steps(text: str) -> list[str]:
    """Step ids typed as a list: separated by commas, semicolons or whitespace, each once."""
    return list(dict.fromkeys(part for part in re.split(r"[\s,;]+", text) if part))


def _check_steps(model: ProcessModel, steps: Sequence[str], side: str, record: ProcessRecord) -> None:
    for step in steps:
        if step not in model.graph:
            raise ProcessError(
                gettext(
                    "%(side)s: no step '%(step)s' in %(name)s, version %(version)s",
                    side=side,
                    step=step,
                    name=record.name,
                    version=record.version,
                )
            )


def _check_shape(before_steps: Sequence[str], after_steps: Sequence[str], note: str) -> None:
    if not before_steps and not after_steps:
        raise ProcessError(gettext("a link needs at least one AS-IS or TO-BE step"))
    if len(before_steps) > 1 and len(after_steps) > 1:
        raise ProcessError(
            gettext(
                "a link joins several AS-IS steps to one TO-BE step, or one AS-IS step to several: "
                "record several links"
            )
        )
    if max(len(before_steps), len(after_steps)) > STEPS_MAX:
        raise ProcessError(gettext("a link names at most %(count)s steps on a side", count=STEPS_MAX))
    if not (before_steps and after_steps) and not note:
        raise ProcessError(gettext("note: say why the steps are new or dropped"))
    if len(note) > NOTE_MAX:
        raise ProcessError(gettext("note: at most %(count)s characters", count=NOTE_MAX))


def _check_not_linked(
    links: Sequence[ProcessStepLink], before_steps: Sequence[str], after_steps: Sequence[str]
) -> None:
    for link in links:
        taken = (set(before_steps) & set(link.before_steps)) | (set(after_steps) & set(link.after_steps))
        if taken:
            raise ProcessError(
                gettext(
                    "step '%(step)s' is already linked (link %(link)s): delete that link first",
                    step=sorted(taken)[0],
                    link=link.id,
                )
            )


def add_link(
    session: Session,
    before: ProcessRecord,
    after: ProcessRecord,
    *,
    before_steps: Sequence[str],
    after_steps: Sequence[str],
    note: str,
    actor: str,
) -> ProcessStepLink:
    """Add, in the caller's transaction, the link saying that `after_steps` of the TO-BE replace
    `before_steps` of the AS-IS (audited). Refused (ProcessError) with a message naming the field
    or step: models of two projects, unknown steps, a step already linked, several steps on both
    sides, no note for new or dropped steps."""
    note = note.strip()
    if before.project_id != after.project_id:
        raise ProcessError(gettext("the two models belong to different projects"))
    _check_shape(before_steps, after_steps, note)
    _check_steps(model_of(before), before_steps, gettext("AS-IS steps"), before)
    _check_steps(model_of(after), after_steps, gettext("TO-BE steps"), after)
    _check_not_linked(links_of(session, after), before_steps, after_steps)
    link = ProcessStepLink(
        record_id=after.id,
        before_record_id=before.id,
        before_steps=list(before_steps),
        after_steps=list(after_steps),
        note=note,
        created_by=actor,
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor,
        "process.link",
        "process_model",
        str(after.id),
        {
            "link": link.id,
            "before": before.id,
            "before_steps": link.before_steps,
            "after_steps": link.after_steps,
        },
    )
    return link


def record_link(
    session: Session,
    before: ProcessRecord,
    after: ProcessRecord,
    *,
    before_steps: Sequence[str],
    after_steps: Sequence[str],
    note: str,
    actor: str,
) -> ProcessStepLink:
    """`add_link` as one transaction: committed, or rolled back and refused (ProcessError)."""
    try:
        link = add_link(
            session, before, after, before_steps=before_steps, after_steps=after_steps, note=note, actor=actor
        )
    except ProcessError:
        session.rollback()
        raise
    session.commit()
    return link


def delete_link(session: Session, after: ProcessRecord, link_id: int, *, actor: str) -> None:
    """Delete, in the caller's transaction, a link that holds for this TO-BE version (audited,
    with what it said)."""
    link = next((item for item in links_of(session, after) if item.id == link_id), None)
    if link is None:
        raise ProcessError(gettext("no link %(link)s on this TO-BE model", link=link_id))
    audit.record(
        session,
        actor,
        "process.unlink",
        "process_model",
        str(link.record_id),
        {
            "link": link.id,
            "before_steps": link.before_steps,
            "after_steps": link.after_steps,
            "note": link.note,
        },
    )
    session.delete(link)
    session.flush()


_VARIANT_SUFFIX = re.compile(r"\s*\((as-is|to-be)\)\s*$", re.IGNORECASE)


def counterpart(
    session: Session, after: ProcessRecord, candidates: Sequence[ProcessRecord]
) -> ProcessRecord | None:
    """The AS-IS a TO-BE is compared with, among `candidates` (latest versions): the process its
    links were recorded against, else the one of the same name but for its "(AS-IS)" suffix."""
    links = links_of(session, after)
    if links:
        lineage = links[-1].before_record.lineage
        return next((r for r in candidates if r.lineage == lineage), None)
    base = _VARIANT_SUFFIX.sub("", after.name).casefold()
    return next((r for r in candidates if _VARIANT_SUFFIX.sub("", r.name).casefold() == base), None)
