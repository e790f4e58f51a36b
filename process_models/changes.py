"""The change table of a comparison: one row per change a client reads, with the role it concerns.

`change_table(result)` turns a `ModelDiff` into rows: a row per paired step that changed (its
kinds: renamed, moved, retyped, automated, merged, split), per added or removed step (with the
consultant's reason when a link gives one), per added, removed or changed message flow and pool,
per lane that appears or goes, and per element whose layout changed. Sequence flows are left to
the diagram: they follow the steps, and a client reads the steps.

Each row names its role: the TO-BE lane of the step (the AS-IS lane for a removed step), so the
rows group into "what changes for whom". Plain data, no Flask: the compare page and the TO-BE
description translate the kinds and headings themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from process_models.diff import ChangeKind, FieldChange, MatchStage, ModelDiff
from process_models.enums import LaneKind
from process_models.model import Lane, Node


@dataclass(frozen=True)
class ChangeRow:
    """One line of the change table."""

    kinds: tuple[ChangeKind, ...]
    element: str  # "step", "message flow", "pool", "lane" or "layout"
    before: str  # the AS-IS name(s), joined with " + " for a merge; "" for an addition
    after: str  # the TO-BE name(s), joined with " + " for a split; "" for a removal
    role: str  # the lane the row concerns ("" when none)
    role_kind: LaneKind | None
    before_role: str = ""  # the AS-IS lane, when the step moved
    changes: tuple[FieldChange, ...] = ()
    note: str = ""  # the consultant's link note
    stage: MatchStage | None = None
    ids: tuple[str, ...] = ()  # the element ids (AS-IS ones, then TO-BE ones)

    def has(self, kind: ChangeKind | str) -> bool:
        return any(k.value == str(getattr(kind, "value", kind)) for k in self.kinds)


def _name(node: Node) -> str:
    return node.name or node.id


def _lane(lanes: dict[str, Lane], node_id: str) -> tuple[str, LaneKind | None]:
    lane = lanes.get(node_id)
    return (lane.name, lane.kind) if lane is not None else ("", None)


def _step_rows(result: ModelDiff) -> Iterable[ChangeRow]:
    by_pair = {(c.before.id, c.after.id): c for c in result.changed_nodes}
    names_before = {c.before.id: _name(c.before) for c in result.changed_nodes}
    names_after = {c.after.id: _name(c.after) for c in result.changed_nodes}
    for match in result.matches:
        if not match.kinds:
            continue
        role, role_kind = _lane(result.lane_of_after, match.after[0])
        before_role, _ = _lane(result.lane_of_before, match.before[0])
        fields = tuple(
            change
            for old_id in match.before
            for new_id in match.after
            for change in (by_pair[(old_id, new_id)].changes if (old_id, new_id) in by_pair else ())
        )
        yield ChangeRow(
            kinds=match.kinds,
            element="step",
            before=" + ".join(names_before.get(i, i) for i in match.before),
            after=" + ".join(names_after.get(i, i) for i in match.after),
            role=role,
            role_kind=role_kind,
            before_role=before_role if before_role != role else "",
            changes=tuple(dict.fromkeys(fields)),
            note=match.note,
            stage=match.stage,
            ids=match.before + match.after,
        )
    for node in result.added_nodes:
        role, role_kind = _lane(result.lane_of_after, node.id)
        yield ChangeRow(
            (ChangeKind.added,), "step", "", _name(node), role, role_kind,
            note=result.link_notes.get(node.id, ""), ids=(node.id,),
        )  # fmt: skip
    for node in result.removed_nodes:
        role, role_kind = _lane(result.lane_of_before, node.id)
        yield ChangeRow(
            (ChangeKind.removed,), "step", _name(node), "", role, role_kind,
            note=result.link_notes.get(node.id, ""), ids=(node.id,),
        )  # fmt: skip


def _collaboration_rows(result: ModelDiff) -> Iterable[ChangeRow]:
    for message in result.added_message_flows:
        yield ChangeRow(
            (ChangeKind.added,), "message flow", "", message.name or message.id, "", None, ids=(message.id,)
        )
    for message in result.removed_message_flows:
        yield ChangeRow(
            (ChangeKind.removed,), "message flow", message.name or message.id, "", "", None, ids=(message.id,)
        )
    for change in result.changed_message_flows:
        yield ChangeRow(
            (ChangeKind.changed,), "message flow", change.before.name or change.before.id,
            change.after.name or change.after.id, "", None, changes=change.changes,
            ids=(change.before.id, change.id),
        )  # fmt: skip
    for pool in result.added_pools:
        yield ChangeRow((ChangeKind.added,), "pool", "", pool.name or pool.id, "", None, ids=(pool.id,))
    for pool in result.removed_pools:
        yield ChangeRow((ChangeKind.removed,), "pool", pool.name or pool.id, "", "", None, ids=(pool.id,))
    for pool_change in result.changed_pools:
        yield ChangeRow(
            (ChangeKind.renamed,), "pool", pool_change.before.name, pool_change.after.name, "", None,
            changes=pool_change.changes, ids=(pool_change.before.id, pool_change.id),
        )  # fmt: skip
    for lane in result.added_lanes:
        yield ChangeRow((ChangeKind.added,), "lane", "", lane.name, lane.name, lane.kind, ids=(lane.id,))
    for lane in result.removed_lanes:
        yield ChangeRow((ChangeKind.removed,), "lane", lane.name, "", lane.name, lane.kind, ids=(lane.id,))
    for element_id in result.layout_changed:
        yield ChangeRow((ChangeKind.layout,), "layout", element_id, element_id, "", None, ids=(element_id,))


def change_table(result: ModelDiff) -> list[ChangeRow]:
    """Every row of the change table: steps first (changed, added, removed), then message flows,
    pools, lanes and layout changes."""
    return [*_step_rows(result), *_collaboration_rows(result)]


def kind_counts(rows: Iterable[ChangeRow]) -> dict[ChangeKind, int]:
    """How many rows carry each kind (a row may carry several: renamed and moved)."""
    counts: dict[ChangeKind, int] = defaultdict(int)
    for row in rows:
        for kind in row.kinds:
            counts[kind] += 1
    return {kind: counts[kind] for kind in ChangeKind if counts[kind]}


def by_role(rows: Iterable[ChangeRow]) -> dict[str, list[ChangeRow]]:
    """The step rows grouped by the role (lane) they concern, roles in order of first appearance;
    steps in no lane under ""."""
    groups: dict[str, list[ChangeRow]] = {}
    for row in rows:
        if row.element == "step":
            groups.setdefault(row.role, []).append(row)
    return groups
