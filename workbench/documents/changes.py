"""The TO-BE description's "what changes for whom": the change table of each TO-BE process
against its AS-IS, grouped by role, in the language of the request that exports the document."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext
from sqlalchemy.orm import Session

from process_models.changes import ChangeRow, by_role, change_table
from workbench.documents.description import ChangeGroup, ChangesForWhom
from workbench.i18n.labels import change_kind_label
from workbench.processes import comparison
from workbench.processes.models import ProcessRecord


def _kinds(row: ChangeRow) -> str:
    text = ", ".join(change_kind_label(kind) for kind in row.kinds)
    if row.before_role:
        text += " " + gettext("(from %(role)s)", role=row.before_role)
    return text


def changes_for_whom(
    session: Session, to_be: Sequence[ProcessRecord], as_is: Sequence[ProcessRecord]
) -> ChangesForWhom | None:
    """The section's content, or None when no TO-BE process has an AS-IS to compare with."""
    processes = []
    for after in to_be:
        before = comparison.counterpart(session, after, as_is)
        if before is None:
            continue
        groups = by_role(change_table(comparison.compare(session, before, after)))
        processes.append(
            (
                after.name,
                [
                    ChangeGroup(
                        role or gettext("(no lane)"), [(_kinds(r), r.before, r.after, r.note) for r in rows]
                    )
                    for role, rows in groups.items()
                ],
            )
        )
    if not processes:
        return None
    return ChangesForWhom(
        heading=gettext("What changes for whom"),
        intro=gettext(
            "Each TO-BE process against its AS-IS, step by step, grouped by the role (lane) the change "
            "concerns in the TO-BE; a removed step under the role that did it."
        ),
        columns=(gettext("Change"), gettext("AS-IS"), gettext("TO-BE"), gettext("Why")),
        processes=processes,
    )
