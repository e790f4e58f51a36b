"""The difference between two process models: AS-IS against TO-BE, or two versions of one.

`diff(before, after, links=...)` pairs the steps (nodes) of the two models in stages, then the
flows, lanes, pools and message flows, and reports what was added, removed and changed, with the
kind of each change. `diff_collaboration(befores, afters)` does the same for every process of two
BPMN collaborations (pools paired by process id, then pool name), message flows between pools too.

Steps are paired in four stages; each stage only sees what the earlier ones left unpaired.

1. **By id.** A model edited here, or a BPMN file re-saved by a modeler, keeps its ids.
2. **By the consultant's links** (`StepLink`): "TO-BE step X replaces AS-IS steps A and B". A
   link with several AS-IS steps is a merge, one with several TO-BE steps a split. A link with
   no step on one side explains a step that is new, or dropped, on purpose: the step stays added
   or removed, but `link_notes` holds the reason, so it is not "unexplained".
3. **By name similarity, across lanes.** Names are compared by their Russian and English stems
   (`process_models.similarity`); a pair at or above `NAME_SIMILARITY_THRESHOLD` is the same step
   (renamed, moved or retyped as may be). Only steps of the same family pair (an activity with an
   activity, a gateway with a gateway, an event with an event of the same kind). The best scores
   pair first; among equal scores, the same lane (by lane name), then the same kind, then model
   order. Unnamed leftovers (joining gateways, mostly) pair with an unnamed leftover of the same
   kind in the same lane that shares the most already paired neighbours (at least one).
4. What is left is added or removed.

Each pairing is a `NodeMatch` with its stage and the kinds of change (`ChangeKind`): renamed,
moved to another lane (another role or system), retyped, automated (retyped from a manual or
user task to a service, script, rule, send or receive task), merged, split.

Flows are paired in three passes. First by id when the ends agree too (through the node
pairing). Then the leftovers by their ends: a flow of `before` whose source and target pair with
the source and target of a flow of `after` (several such flows prefer the same condition, then the
same name). Last, a leftover keeping its id and one of its ends: it was reconnected at the other
end. Ends come before a bare id because generated ids ("Flow_12") are handed out again after a
flow is deleted, and because a connection that still exists is the same flow whatever its id; a
same-id flow whose both ends changed is another flow (removed, and one added). Message flows are
paired the same way, their ends through the step and pool pairings.

Layout: an element kept under the same id whose shape moved or resized by more than
`LAYOUT_TOLERANCE` pixels, or whose waypoints did, is listed in `layout_changed` (as bpmn-js-differ
does). Elements paired by link or name were redrawn, so where they stand says nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol, TypeVar

from process_models.enums import NodeKind
from process_models.model import Bounds, Flow, Lane, MessageFlow, Node, Pool, ProcessModel
from process_models.similarity import NAME_SIMILARITY_THRESHOLD, name_stems

# Shapes or waypoints that moved by more than this many pixels (in x, y, width or height) have a
# changed layout; less is a modeler's rounding or a nudge nobody meant.
LAYOUT_TOLERANCE = 3.0

# Task kinds a machine performs: a step retyped to one of these from another kind is automated.
AUTOMATED_KINDS = frozenset(
    {
        NodeKind.service_task,
        NodeKind.script_task,
        NodeKind.business_rule_task,
        NodeKind.send_task,
        NodeKind.receive_task,
    }
)


class MatchStage(str, Enum):
    """How a step of `before` was paired with one of `after` (the stages, in their order)."""

    id = "id"
    link = "link"
    name = "name"
    neighbours = "neighbours"


class ChangeKind(str, Enum):
    """The kinds of change the comparison reports (the change table filters by them)."""

    added = "added"
    removed = "removed"
    renamed = "renamed"
    moved = "moved"
    retyped = "retyped"
    automated = "automated"
    merged = "merged"
    split_up = "split"  # not `split`: the member would hide str.split
    changed = "changed"  # a flow, message flow or pool whose ends or name changed
    layout = "layout_changed"


@dataclass(frozen=True)
class StepLink:
    """A consultant's record that TO-BE steps `after` replace AS-IS steps `before` (node ids).

    Several `before` steps: merged into one; several `after` steps: one split in several. An
    empty side says the other side's steps are new (or dropped) on purpose, and `note` says why.
    """

    before: tuple[str, ...]
    after: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class NodeMatch:
    """Steps of `before` paired with steps of `after` (one each, except merges and splits)."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    stage: MatchStage
    score: float = 1.0  # the name similarity for stage "name"; 1.0 otherwise
    kinds: tuple[ChangeKind, ...] = ()
    note: str = ""  # the link's note, for stage "link"


@dataclass(frozen=True)
class FieldChange:
    """One attribute of a paired element that differs: its name, old and new value."""

    field: str
    old: str
    new: str

    def to_dict(self) -> dict[str, str]:
        return {"old": self.old, "new": self.new}


@dataclass(frozen=True)
class NodeChange:
    """A node present in both models with a different name, lane or kind, or merged or split."""

    before: Node
    after: Node
    changes: tuple[FieldChange, ...]
    kinds: tuple[ChangeKind, ...] = ()
    stage: MatchStage = MatchStage.id

    @property
    def id(self) -> str:
        """The node's id in the `after` model (the one a diagram of `after` shows)."""
        return self.after.id

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(change.field for change in self.changes)


@dataclass(frozen=True)
class FlowChange:
    """A flow present in both models with a different source, target, condition or name."""

    before: Flow
    after: Flow
    changes: tuple[FieldChange, ...]

    @property
    def id(self) -> str:
        return self.after.id

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(change.field for change in self.changes)


@dataclass(frozen=True)
class MessageFlowChange:
    """A message flow between pools present in both with another source, target or name."""

    before: MessageFlow
    after: MessageFlow
    changes: tuple[FieldChange, ...]

    @property
    def id(self) -> str:
        return self.after.id


@dataclass(frozen=True)
class PoolChange:
    """A pool (BPMN participant) present in both under another name."""

    before: Pool
    after: Pool
    changes: tuple[FieldChange, ...]

    @property
    def id(self) -> str:
        return self.after.id


@dataclass
class ModelDiff:
    """What changed from `before` to `after`; added elements are `after`'s, removed ones `before`'s."""

    added_nodes: list[Node] = field(default_factory=list)
    removed_nodes: list[Node] = field(default_factory=list)
    changed_nodes: list[NodeChange] = field(default_factory=list)
    added_flows: list[Flow] = field(default_factory=list)
    removed_flows: list[Flow] = field(default_factory=list)
    changed_flows: list[FlowChange] = field(default_factory=list)
    # before id -> after id of every paired node and flow (changed or not). A merge maps each of
    # its AS-IS steps to the TO-BE step; a split maps the AS-IS step to the first TO-BE step
    # (`matches` has them all).
    node_pairs: dict[str, str] = field(default_factory=dict)
    flow_pairs: dict[str, str] = field(default_factory=dict)
    # Lane id -> lane name in `before`: a diagram of `after` places a removed node in the lane
    # of the same name.
    before_lane_names: dict[str, str] = field(default_factory=dict)
    # Every pairing of steps, with its stage and kinds of change.
    matches: list[NodeMatch] = field(default_factory=list)
    # Added or removed step id -> the note of the consultant's link that says why.
    link_notes: dict[str, str] = field(default_factory=dict)
    added_lanes: list[Lane] = field(default_factory=list)
    removed_lanes: list[Lane] = field(default_factory=list)
    added_pools: list[Pool] = field(default_factory=list)
    removed_pools: list[Pool] = field(default_factory=list)
    changed_pools: list[PoolChange] = field(default_factory=list)
    pool_pairs: dict[str, str] = field(default_factory=dict)
    added_message_flows: list[MessageFlow] = field(default_factory=list)
    removed_message_flows: list[MessageFlow] = field(default_factory=list)
    changed_message_flows: list[MessageFlowChange] = field(default_factory=list)
    message_flow_pairs: dict[str, str] = field(default_factory=dict)
    # Ids (the same in both models) of shapes and connections that moved: see LAYOUT_TOLERANCE.
    layout_changed: list[str] = field(default_factory=list)
    # Node id -> lane name and lane kind, in `after` (for paired and added steps) and in `before`
    # (removed ones): the change table groups by role with it.
    lane_of_after: dict[str, Lane] = field(default_factory=dict)
    lane_of_before: dict[str, Lane] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """No element added, removed or changed (a layout change alone is not a change)."""
        return not (
            self.added_nodes
            or self.removed_nodes
            or self.changed_nodes
            or self.added_flows
            or self.removed_flows
            or self.changed_flows
            or self.added_pools
            or self.removed_pools
            or self.changed_pools
            or self.added_message_flows
            or self.removed_message_flows
            or self.changed_message_flows
        )

    @property
    def unexplained_added(self) -> list[Node]:
        """Added steps no link of the consultant explains."""
        return [n for n in self.added_nodes if n.id not in self.link_notes]

    @property
    def unexplained_removed(self) -> list[Node]:
        """Removed steps no link of the consultant explains."""
        return [n for n in self.removed_nodes if n.id not in self.link_notes]

    def removed_node_lane_name(self, node: Node) -> str | None:
        """The name of the lane a removed node was in (None: it was in no lane)."""
        return self.before_lane_names.get(node.lane) if node.lane is not None else None

    def changed_ids(self) -> list[str]:
        """Ids (in `after`) of every changed step, flow, message flow and pool, once each."""
        ids = [c.id for c in self.changed_nodes] + [c.id for c in self.changed_flows]
        ids += [c.id for c in self.changed_message_flows] + [c.id for c in self.changed_pools]
        return list(dict.fromkeys(ids))

    def absorb(self, other: ModelDiff) -> None:
        """Add another process's diff to this one (a collaboration's diff is the sum of its processes')."""
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(mine, list):
                mine.extend(value)
            else:
                mine.update(value)

    def to_dict(self) -> dict[str, Any]:
        """Added, removed and changed element ids (with each change's old and new value), JSON-safe.

        "nodes" and "flows" always; "message_flows", "pools" and "layout_changed" when there is
        something to say (a collaboration, or moved shapes)."""

        def changed(items: Sequence[NodeChange | FlowChange | MessageFlowChange | PoolChange]) -> list[Any]:
            return [
                {
                    "id": item.after.id,
                    "before_id": item.before.id,
                    "changes": {c.field: c.to_dict() for c in item.changes},
                }
                for item in items
            ]

        document: dict[str, Any] = {
            "nodes": {
                "added": [n.id for n in self.added_nodes],
                "removed": [n.id for n in self.removed_nodes],
                "changed": changed(self.changed_nodes),
            },
            "flows": {
                "added": [f.id for f in self.added_flows],
                "removed": [f.id for f in self.removed_flows],
                "changed": changed(self.changed_flows),
            },
        }
        messages = (self.added_message_flows, self.removed_message_flows, self.changed_message_flows)
        if any(messages) or self.message_flow_pairs:
            document["message_flows"] = {
                "added": [m.id for m in self.added_message_flows],
                "removed": [m.id for m in self.removed_message_flows],
                "changed": changed(self.changed_message_flows),
            }
        if self.added_pools or self.removed_pools or self.changed_pools:
            document["pools"] = {
                "added": [p.id for p in self.added_pools],
                "removed": [p.id for p in self.removed_pools],
                "changed": changed(self.changed_pools),
            }
        if self.layout_changed:
            document["layout_changed"] = list(self.layout_changed)
        return document

    def to_json(self, indent: int | None = 2) -> str:
        """`to_dict()` as a JSON document (what the CLI prints with `--json`)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def normalise_name(name: str) -> str:
    """The form names are compared in: case-folded, runs of whitespace as one space."""
    return " ".join(name.casefold().split())


def _nodes_by_id(model: ProcessModel) -> dict[str, Node]:
    return {node.id: node for node in model.nodes()}


def _lane_name(model: ProcessModel, lane_id: str | None) -> str:
    if lane_id is None:
        return ""
    lane = model.lanes.get(lane_id)
    return lane.name if lane is not None else lane_id


_Item = TypeVar("_Item")
_Key = TypeVar("_Key")


def _pair_leftovers(
    unpaired_before: Iterable[_Item],
    unpaired_after: Iterable[_Item],
    key_before: Callable[[_Item], _Key | None],
    key_after: Callable[[_Item], _Key | None],
    preferences: Sequence[Callable[[_Item, _Item], bool]],
) -> list[tuple[_Item, _Item]]:
    """Pair items whose keys are equal (a None key is never paired). Among several candidates,
    the first satisfying the earliest of `preferences` wins, else the first in model order."""
    candidates: dict[_Key, list[_Item]] = defaultdict(list)
    for item in unpaired_before:
        item_key = key_before(item)
        if item_key is not None:
            candidates[item_key].append(item)
    pairs: list[tuple[_Item, _Item]] = []
    for item in unpaired_after:
        item_key = key_after(item)
        pool = candidates.get(item_key) if item_key is not None else None
        if not pool:
            continue
        chosen = next((i for prefer in preferences for i, c in enumerate(pool) if prefer(c, item)), 0)
        pairs.append((pool.pop(chosen), item))
    return pairs


def _node_changes(before: ProcessModel, after: ProcessModel, old: Node, new: Node) -> tuple[FieldChange, ...]:
    changes: list[FieldChange] = []
    if old.name != new.name:
        changes.append(FieldChange("name", old.name, new.name))
    old_lane, new_lane = _lane_name(before, old.lane), _lane_name(after, new.lane)
    if normalise_name(old_lane) != normalise_name(new_lane):
        changes.append(FieldChange("lane", old_lane, new_lane))
    if old.kind is not new.kind:
        changes.append(FieldChange("kind", old.kind.value, new.kind.value))
    return tuple(changes)


def _kinds_of(changes: Iterable[FieldChange], old: Node, new: Node) -> list[ChangeKind]:
    fields = {change.field for change in changes}
    kinds = [kind for name, kind in _FIELD_KINDS if name in fields]
    if "kind" in fields and new.kind in AUTOMATED_KINDS and old.kind not in AUTOMATED_KINDS:
        kinds.append(ChangeKind.automated)
    return kinds


_FIELD_KINDS = (("name", ChangeKind.renamed), ("lane", ChangeKind.moved), ("kind", ChangeKind.retyped))


class _Connection(Protocol):
    """A flow or a message flow: what pairing connections needs of them."""

    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def name(self) -> str: ...


_Conn = TypeVar("_Conn", bound=_Connection)


def _condition(connection: _Connection) -> str:
    return str(getattr(connection, "condition", "")).strip()


def _connection_changes(
    end_pairs: dict[str, str], old: _Connection, new: _Connection
) -> tuple[FieldChange, ...]:
    changes: list[FieldChange] = []
    if end_pairs.get(old.source) != new.source:
        changes.append(FieldChange("source", old.source, new.source))
    if end_pairs.get(old.target) != new.target:
        changes.append(FieldChange("target", old.target, new.target))
    if _condition(old) != _condition(new):
        changes.append(FieldChange("condition", getattr(old, "condition", ""), getattr(new, "condition", "")))
    if old.name != new.name:
        changes.append(FieldChange("name", old.name, new.name))
    return tuple(changes)


def _ends_in_after(connection: _Connection, end_pairs: dict[str, str]) -> tuple[str, str] | None:
    """A connection's source and target as the elements they pair with in `after` (None: one is gone)."""
    source, target = end_pairs.get(connection.source), end_pairs.get(connection.target)
    return (source, target) if source is not None and target is not None else None


def _shares_an_end(old: _Connection, new: _Connection, end_pairs: dict[str, str]) -> bool:
    return end_pairs.get(old.source) == new.source or end_pairs.get(old.target) == new.target


def _pair_connections(
    old: dict[str, _Conn], new: dict[str, _Conn], end_pairs: dict[str, str]
) -> dict[str, str]:
    """Pair flows (or message flows): by id with agreeing ends, then by ends, then by id and one end."""
    pairs = {
        conn_id: conn_id
        for conn_id, conn in old.items()
        if conn_id in new and _ends_in_after(conn, end_pairs) == (new[conn_id].source, new[conn_id].target)
    }
    paired_after = set(pairs.values())

    def own_ends(connection: _Conn) -> tuple[str, str] | None:
        return (connection.source, connection.target)

    for old_conn, new_conn in _pair_leftovers(
        [c for c in old.values() if c.id not in pairs],
        [c for c in new.values() if c.id not in paired_after],
        key_before=lambda connection: _ends_in_after(connection, end_pairs),
        key_after=own_ends,
        preferences=[
            lambda a, b: _condition(a) == _condition(b),
            lambda a, b: normalise_name(a.name) == normalise_name(b.name),
        ],
    ):
        pairs[old_conn.id] = new_conn.id
        paired_after.add(new_conn.id)
    # Last, a connection that kept its id and one end was reconnected at the other end.
    for conn_id, old_conn in old.items():
        same_id = new.get(conn_id)
        if (
            same_id is not None
            and conn_id not in pairs
            and conn_id not in paired_after
            and _shares_an_end(old_conn, same_id, end_pairs)
        ):
            pairs[conn_id] = conn_id
            paired_after.add(conn_id)
    return pairs


def _family(kind: NodeKind) -> str:
    """Steps pair by name only within a family: any activity with any activity (a user task may
    become a service task), any gateway with any gateway, an event only with an event of its kind."""
    if kind.is_activity:
        return "activity"
    return "gateway" if kind.is_gateway else kind.value


@dataclass(frozen=True)
class _Named:
    """A leftover step as name matching sees it, worked out once."""

    node: Node
    name: str  # normalised
    keys: frozenset[str]  # its stems, or the whole name when it has no word at all
    family: str
    lane: str  # the normalised lane name
    order: int

    @classmethod
    def of(cls, node: Node, model: ProcessModel, order: int) -> _Named:
        name = normalise_name(node.name)
        stems = name_stems(node.name)
        keys = stems or (frozenset({f"={name}"}) if name else frozenset())
        lane = normalise_name(_lane_name(model, node.lane))
        return cls(node, name, keys, _family(node.kind), lane, order)


class _StepMatcher:
    """The four stages of pairing the steps of two models (see the module's docstring)."""

    def __init__(self, before: ProcessModel, after: ProcessModel) -> None:
        self.before, self.after = before, after
        self.old, self.new = _nodes_by_id(before), _nodes_by_id(after)
        self.order_old = {node_id: i for i, node_id in enumerate(self.old)}
        self.order_new = {node_id: i for i, node_id in enumerate(self.new)}
        self.matches: list[NodeMatch] = []
        self.pairs: dict[str, str] = {}
        self.paired_after: set[str] = set()
        self.link_notes: dict[str, str] = {}

    def _pair(
        self, before_ids: Sequence[str], after_ids: Sequence[str], stage: MatchStage, **more: Any
    ) -> None:
        self.matches.append(NodeMatch(tuple(before_ids), tuple(after_ids), stage, **more))
        for before_id in before_ids:
            self.pairs[before_id] = after_ids[0]
        self.paired_after.update(after_ids)

    def by_id(self) -> None:
        for node_id in self.old:
            if node_id in self.new:
                self._pair([node_id], [node_id], MatchStage.id)

    def by_links(self, links: Iterable[StepLink]) -> None:
        for link in links:
            before_ids = [i for i in dict.fromkeys(link.before) if i in self.old and i not in self.pairs]
            after_ids = [i for i in dict.fromkeys(link.after) if i in self.new and i not in self.paired_after]
            if before_ids and after_ids:
                self._pair(before_ids, after_ids, MatchStage.link, note=link.note)
            else:  # a step new, or dropped, on purpose: still added or removed, but explained, and
                # kept out of the later stages (the consultant said it has no counterpart)
                for step_id in before_ids + after_ids:
                    self.link_notes.setdefault(step_id, link.note)

    def by_names(self) -> None:
        """Stage 3: leftovers whose names are alike, best first (see the module's docstring).

        Each leftover's stems, family and lane are worked out once; an index from (family, stem)
        to the AS-IS leftovers counts the stems a TO-BE step shares with each, so only steps that
        share a stem are ever scored (two 500-step models: tens of thousands of counts, not a
        quarter of a million set comparisons)."""
        index: dict[tuple[str, str], list[_Named]] = defaultdict(list)
        for node in self.old.values():
            if node.id not in self.pairs and node.id not in self.link_notes:
                named = _Named.of(node, self.before, self.order_old[node.id])
                for key in named.keys:
                    index[(named.family, key)].append(named)
        candidates: list[tuple[float, bool, bool, int, int, str, str]] = []
        for node in self.new.values():
            if node.id in self.paired_after or node.id in self.link_notes:
                continue
            new = _Named.of(node, self.after, self.order_new[node.id])
            shared: dict[str, int] = defaultdict(int)
            olds: dict[str, _Named] = {}
            for key in new.keys:
                for old in index.get((new.family, key), ()):
                    shared[old.node.id] += 1
                    olds[old.node.id] = old
            for old_id, count in shared.items():
                old = olds[old_id]
                score = 1.0 if old.name == new.name else 2 * count / (len(old.keys) + len(new.keys))
                if score >= NAME_SIMILARITY_THRESHOLD:
                    same_kind = old.node.kind is new.node.kind
                    candidates.append(
                        (-score, old.lane != new.lane, not same_kind, old.order, new.order, old_id, node.id)
                    )
        for negative_score, _lane, _kind, _o, _n, old_id, new_id in sorted(candidates):
            if old_id not in self.pairs and new_id not in self.paired_after:
                self._pair([old_id], [new_id], MatchStage.name, score=round(-negative_score, 3))

    def by_neighbours(self) -> None:
        """Pair leftover unnamed nodes (joining gateways mostly: bpmnlint lets them go unnamed)
        with a leftover of the same kind in the same lane sharing the most paired neighbours, at
        least one. Repeated while it pairs something, so a chain of unnamed gateways pairs link by
        link."""
        while True:
            candidates: dict[tuple[str, str], list[Node]] = defaultdict(list)
            for node in self.old.values():
                if (
                    node.id not in self.pairs
                    and node.id not in self.link_notes
                    and not normalise_name(node.name)
                ):
                    lane = normalise_name(_lane_name(self.before, node.lane))
                    candidates[(node.kind.value, lane)].append(node)
            paired_now = 0
            for node in self.new.values():
                if node.id in self.paired_after or node.id in self.link_notes or normalise_name(node.name):
                    continue
                pool = candidates.get((node.kind.value, normalise_name(_lane_name(self.after, node.lane))))
                if not pool:
                    continue
                scores = [self._shared_neighbours(old.id, node.id) for old in pool]
                best = max(range(len(pool)), key=lambda i: (scores[i], -i))
                if scores[best] > 0:
                    self._pair([pool.pop(best).id], [node.id], MatchStage.neighbours)
                    paired_now += 1
            if not paired_now:
                return

    def _shared_neighbours(self, old_id: str, new_id: str) -> int:
        """How many of the old node's predecessors and successors are paired with the new node's."""
        old_graph, new_graph = self.before.graph, self.after.graph
        shared_in = {self.pairs.get(n) for n in old_graph.predecessors(old_id)} & set(
            new_graph.predecessors(new_id)
        )
        shared_out = {self.pairs.get(n) for n in old_graph.successors(old_id)} & set(
            new_graph.successors(new_id)
        )
        return len(shared_in) + len(shared_out)

    def changes(self) -> tuple[list[NodeMatch], list[NodeChange]]:
        """The matches with their kinds of change, and a NodeChange per changed pair of steps."""
        matches: list[NodeMatch] = []
        node_changes: list[NodeChange] = []
        for match in self.matches:
            grouped = [ChangeKind.merged] * (len(match.before) > 1) + [ChangeKind.split_up] * (
                len(match.after) > 1
            )
            kinds: list[ChangeKind] = []
            for old_id in match.before:
                for new_id in match.after:
                    old, new = self.old[old_id], self.new[new_id]
                    fields = _node_changes(self.before, self.after, old, new)
                    pair_kinds = grouped + _kinds_of(fields, old, new)
                    if pair_kinds:
                        node_changes.append(NodeChange(old, new, fields, tuple(pair_kinds), match.stage))
                    kinds.extend(k for k in pair_kinds if k not in kinds)
            matches.append(
                NodeMatch(match.before, match.after, match.stage, match.score, tuple(kinds), match.note)
            )
        return matches, node_changes


def _moved(old: Bounds | None, new: Bounds | None) -> bool:
    if old is None or new is None:
        return False
    pairs = ((old.x, new.x), (old.y, new.y), (old.width, new.width), (old.height, new.height))
    return any(abs(a - b) > LAYOUT_TOLERANCE for a, b in pairs)


def _rerouted(old: Sequence[tuple[float, float]], new: Sequence[tuple[float, float]]) -> bool:
    if not old or not new:
        return False
    if len(old) != len(new):
        return True
    return any(
        abs(a[0] - b[0]) > LAYOUT_TOLERANCE or abs(a[1] - b[1]) > LAYOUT_TOLERANCE
        for a, b in zip(old, new, strict=True)
    )


def _process_layout(before: ProcessModel, after: ProcessModel, result: ModelDiff) -> list[str]:
    """Ids kept in both whose shape or route moved beyond LAYOUT_TOLERANCE: lanes, steps, flows."""
    moved = [
        lane_id
        for lane_id, lane in after.lanes.items()
        if lane_id in before.lanes and _moved(before.lanes[lane_id].bounds, lane.bounds)
    ]
    old_nodes = _nodes_by_id(before)
    moved += [n.id for n in after.nodes() if n.id in old_nodes and _moved(old_nodes[n.id].bounds, n.bounds)]
    old_flows = {flow.id: flow for flow in before.flows()}
    moved += [
        f.id
        for f in after.flows()
        if result.flow_pairs.get(f.id) == f.id and _rerouted(old_flows[f.id].waypoints, f.waypoints)
    ]
    return moved


def _lanes(before: ProcessModel, after: ProcessModel, result: ModelDiff) -> None:
    """Lanes are compared by name (two models drawn apart give one lane two ids)."""
    old_names = {normalise_name(lane.name) for lane in before.lanes.values()}
    new_names = {normalise_name(lane.name) for lane in after.lanes.values()}
    result.added_lanes = [lane for lane in after.lanes.values() if normalise_name(lane.name) not in old_names]
    result.removed_lanes = [
        lane for lane in before.lanes.values() if normalise_name(lane.name) not in new_names
    ]


def _diff_process(before: ProcessModel, after: ProcessModel, links: Iterable[StepLink]) -> ModelDiff:
    """Steps, flows, lanes and layout of one process against another (no pools, no messages)."""
    matcher = _StepMatcher(before, after)
    matcher.by_id()
    matcher.by_links(links)
    matcher.by_names()
    matcher.by_neighbours()
    result = ModelDiff(
        node_pairs=matcher.pairs,
        before_lane_names={lane.id: lane.name for lane in before.lanes.values()},
        link_notes=matcher.link_notes,
    )
    result.matches, result.changed_nodes = matcher.changes()
    result.removed_nodes = [n for n in matcher.old.values() if n.id not in matcher.pairs]
    result.added_nodes = [n for n in matcher.new.values() if n.id not in matcher.paired_after]
    result.lane_of_after = {n.id: after.lanes[n.lane] for n in after.nodes() if n.lane in after.lanes}
    result.lane_of_before = {n.id: before.lanes[n.lane] for n in before.nodes() if n.lane in before.lanes}

    old_flows = {flow.id: flow for flow in before.flows()}
    new_flows = {flow.id: flow for flow in after.flows()}
    result.flow_pairs = _pair_connections(old_flows, new_flows, matcher.pairs)
    paired_flows = set(result.flow_pairs.values())
    result.removed_flows = [f for f in old_flows.values() if f.id not in result.flow_pairs]
    result.added_flows = [f for f in new_flows.values() if f.id not in paired_flows]
    for old_id, new_id in result.flow_pairs.items():
        flow_changes = _connection_changes(matcher.pairs, old_flows[old_id], new_flows[new_id])
        if flow_changes:
            result.changed_flows.append(FlowChange(old_flows[old_id], new_flows[new_id], flow_changes))
    _lanes(before, after, result)
    result.layout_changed = _process_layout(before, after, result)
    return result


def _pools(models: Iterable[ProcessModel]) -> dict[str, Pool]:
    """Every pool of a collaboration: each process's own and the partner pools, once each."""
    pools: dict[str, Pool] = {}
    for model in models:
        for pool in ([model.pool] if model.pool is not None else []) + model.partners:
            pools.setdefault(pool.id, pool)
    return pools


def _collaboration_parts(
    befores: Sequence[ProcessModel], afters: Sequence[ProcessModel], result: ModelDiff
) -> None:
    """Pools (by id, then name) and message flows (through the step and pool pairings)."""
    old_pools, new_pools = _pools(befores), _pools(afters)
    pool_pairs = {pool_id: pool_id for pool_id in old_pools if pool_id in new_pools}
    for old, new in _pair_leftovers(
        [p for p in old_pools.values() if p.id not in pool_pairs],
        [p for p in new_pools.values() if p.id not in pool_pairs.values()],
        key_before=lambda pool: normalise_name(pool.name) or None,
        key_after=lambda pool: normalise_name(pool.name) or None,
        preferences=[],
    ):
        pool_pairs[old.id] = new.id
    result.pool_pairs = pool_pairs
    result.removed_pools = [p for p in old_pools.values() if p.id not in pool_pairs]
    result.added_pools = [p for p in new_pools.values() if p.id not in pool_pairs.values()]
    for old_id, new_id in pool_pairs.items():
        old, new = old_pools[old_id], new_pools[new_id]
        if old.name != new.name:
            result.changed_pools.append(PoolChange(old, new, (FieldChange("name", old.name, new.name),)))
        if old_id == new_id and _moved(old.bounds, new.bounds):
            result.layout_changed.append(new_id)

    old_messages = {m.id: m for model in befores for m in model.message_flows}
    new_messages = {m.id: m for model in afters for m in model.message_flows}
    end_pairs = {**pool_pairs, **result.node_pairs}
    pairs = _pair_connections(old_messages, new_messages, end_pairs)
    result.message_flow_pairs = pairs
    result.removed_message_flows = [m for m in old_messages.values() if m.id not in pairs]
    result.added_message_flows = [m for m in new_messages.values() if m.id not in set(pairs.values())]
    for old_id, new_id in pairs.items():
        old_message, new_message = old_messages[old_id], new_messages[new_id]
        changes = _connection_changes(end_pairs, old_message, new_message)
        if changes:
            result.changed_message_flows.append(MessageFlowChange(old_message, new_message, changes))
        if old_id == new_id and _rerouted(old_message.waypoints, new_message.waypoints):
            result.layout_changed.append(new_id)


def diff(before: ProcessModel, after: ProcessModel, links: Iterable[StepLink] = ()) -> ModelDiff:
    """Compare two models: steps, flows, lanes, pools and message flows added, removed and changed
    from `before` to `after`, using the consultant's `links` as the second stage of pairing."""
    result = _diff_process(before, after, links)
    _collaboration_parts([before], [after], result)
    return result


def _pair_processes(
    befores: Sequence[ProcessModel], afters: Sequence[ProcessModel]
) -> list[tuple[ProcessModel | None, ProcessModel | None]]:
    """Processes of two collaborations, paired by process id, then pool id, then pool or process name."""
    keys: list[Callable[[ProcessModel], str | None]] = [
        lambda m: m.id,
        lambda m: m.pool.id if m.pool is not None else None,
        lambda m: normalise_name(m.pool.name if m.pool is not None and m.pool.name else m.name) or None,
    ]
    left, right = list(befores), list(afters)
    pairs: list[tuple[ProcessModel | None, ProcessModel | None]] = []
    for key in keys:
        for old, new in _pair_leftovers(left, right, key, key, preferences=[]):
            pairs.append((old, new))
            left.remove(old)
            right.remove(new)
    pairs += [(old, None) for old in left] + [(None, new) for new in right]
    return pairs


def diff_collaboration(
    befores: Sequence[ProcessModel], afters: Sequence[ProcessModel], links: Iterable[StepLink] = ()
) -> ModelDiff:
    """Compare two collaborations (every process of a BPMN file each): the processes paired by
    id or pool, then each pair compared as `diff` does, and pools and message flows across them."""
    result = ModelDiff()
    link_list = list(links)
    for old, new in _pair_processes(befores, afters):
        empty = ProcessModel("")
        result.absorb(_diff_process(old or empty, new or empty, link_list))
    _collaboration_parts(befores, afters, result)
    return result
