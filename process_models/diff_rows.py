"""The rows of a comparison as the comparison pages show them: one row per added, removed or
changed step or flow, with the kinds of change a reader looks for.

Built from `ModelDiff`'s lists (whatever pairing `diff` did): a paired step whose name differs
was *renamed* (the same step, not one removed and one added), one whose lane differs *moved* to
another role or system, one whose kind differs was *retyped* (e.g. a manual task made a service
task). A row may carry several kinds; anything else that differs is *changed*.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from process_models.diff import ChangeKind, FieldChange, FlowChange, ModelDiff, NodeChange

# Which kind of change each differing field of a paired step is.
_NODE_FIELD_KINDS = {"name": ChangeKind.renamed, "lane": ChangeKind.moved, "kind": ChangeKind.retyped}


@dataclass(frozen=True)
class ChangeRow:
    """One element that differs: `before_id` is None for an added one, `after_id` for a removed one."""

    element: str  # "step" or "flow"
    kinds: tuple[ChangeKind, ...]
    before_id: str | None
    after_id: str | None
    name: str
    changes: tuple[FieldChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "element": self.element,
            "kinds": [kind.value for kind in self.kinds],
            "before": self.before_id,
            "after": self.after_id,
            "name": self.name,
        }


def change_rows(result: ModelDiff) -> list[ChangeRow]:
    """Every difference as a row: changed steps first (the story), then added, removed, flows."""
    rows = [_changed_node(change) for change in result.changed_nodes]
    rows += [ChangeRow("step", (ChangeKind.added,), None, n.id, n.name or n.id) for n in result.added_nodes]
    rows += [
        ChangeRow("step", (ChangeKind.removed,), n.id, None, n.name or n.id) for n in result.removed_nodes
    ]
    rows += [_changed_flow(change) for change in result.changed_flows]
    rows += [ChangeRow("flow", (ChangeKind.added,), None, f.id, f.name or f.id) for f in result.added_flows]
    rows += [
        ChangeRow("flow", (ChangeKind.removed,), f.id, None, f.name or f.id) for f in result.removed_flows
    ]
    return rows


def kinds_of(rows: list[ChangeRow]) -> list[ChangeKind]:
    """The kinds present in `rows`, in ChangeKind's order (the filters a page offers)."""
    present = {kind for row in rows for kind in row.kinds}
    return [kind for kind in ChangeKind if kind in present]


def _changed_node(change: NodeChange) -> ChangeRow:
    kinds = _given_kinds(change) or tuple(
        dict.fromkeys(_NODE_FIELD_KINDS.get(c.field, ChangeKind.changed) for c in change.changes)
    )
    name = change.after.name or change.before.name or change.after.id
    return ChangeRow("step", kinds, change.before.id, change.after.id, name, change.changes)


def _given_kinds(change: NodeChange) -> tuple[ChangeKind, ...]:
    """The kinds the comparison engine put on the change, when it says them (a later `diff`
    tells renamed from automated or merged); those this module does not know are left out."""
    known = {kind.value: kind for kind in ChangeKind}
    given = getattr(change, "kinds", ()) or ()
    values = (str(getattr(kind, "value", kind)) for kind in given)
    return tuple(dict.fromkeys(known[value] for value in values if value in known))


def _changed_flow(change: FlowChange) -> ChangeRow:
    kinds = tuple(
        dict.fromkeys(ChangeKind.renamed if c.field == "name" else ChangeKind.changed for c in change.changes)
    )
    name = change.after.name or change.before.name or change.after.id
    return ChangeRow("flow", kinds, change.before.id, change.after.id, name, change.changes)
