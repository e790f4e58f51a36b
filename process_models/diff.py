"""The difference between two process models: AS-IS against TO-BE, or two versions of one.

`diff(before, after)` pairs the nodes of the two models, then the flows, and reports what was
added, removed and changed.

Nodes are paired by id first (a model edited here, or a BPMN file re-saved by a modeler, keeps its
ids). The nodes left over are paired by name within the same lane: equal normalised name
(case-folded, whitespace collapsed) and equal normalised lane *name*; lane ids are not compared
because two models drawn separately (an AS-IS and a TO-BE) give the same lane different ids. When
several leftovers share a name in a lane, a node of the same kind is preferred, then model order.
Unnamed leftovers (joining gateways, mostly) cannot pair by name: one pairs with an unnamed
leftover of the same kind in the same lane that shares the most already paired neighbours (at
least one); otherwise it is added or removed.

A paired node has changed when its name, its lane (by lane name) or its kind differs.

Flows are paired in three passes. First by id when the ends agree too (through the node
pairing). Then the leftovers by their ends: a flow of `before` whose source and target pair with
the source and target of a flow of `after` (several such flows prefer the same condition, then the
same name). Last, a leftover keeping its id and one of its ends: it was reconnected at the other
end. Ends come before a bare id because generated ids ("Flow_12") are handed out again after a
flow is deleted, and because a connection that still exists is the same flow whatever its id; a
same-id flow whose both ends changed is another flow (removed, and one added).

A paired flow has changed when its source, target, condition or name differs; source and target
are compared through the node pairing, so a flow between two nodes paired by name is not
"changed" because their ids differ.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from process_models.model import Flow, Node, ProcessModel


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
    """A node present in both models with a different name, lane or kind."""

    before: Node
    after: Node
    changes: tuple[FieldChange, ...]

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


@dataclass
class ModelDiff:
    """What changed from `before` to `after`; added elements are `after`'s, removed ones `before`'s."""

    added_nodes: list[Node] = field(default_factory=list)
    removed_nodes: list[Node] = field(default_factory=list)
    changed_nodes: list[NodeChange] = field(default_factory=list)
    added_flows: list[Flow] = field(default_factory=list)
    removed_flows: list[Flow] = field(default_factory=list)
    changed_flows: list[FlowChange] = field(default_factory=list)
    # before id -> after id of every paired node and flow (changed or not).
    node_pairs: dict[str, str] = field(default_factory=dict)
    flow_pairs: dict[str, str] = field(default_factory=dict)
    # Lane id -> lane name in `before`: a diagram of `after` places a removed node in the lane
    # of the same name.
    before_lane_names: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added_nodes
            or self.removed_nodes
            or self.changed_nodes
            or self.added_flows
            or self.removed_flows
            or self.changed_flows
        )

    def removed_node_lane_name(self, node: Node) -> str | None:
        """The name of the lane a removed node was in (None: it was in no lane)."""
        return self.before_lane_names.get(node.lane) if node.lane is not None else None

    def to_dict(self) -> dict[str, Any]:
        """Added, removed and changed element ids (with each change's old and new value), JSON-safe."""

        def changed(items: Sequence[NodeChange | FlowChange]) -> list[dict[str, Any]]:
            return [
                {
                    "id": item.after.id,
                    "before_id": item.before.id,
                    "changes": {c.field: c.to_dict() for c in item.changes},
                }
                for item in items
            ]

        return {
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


def _flow_changes(node_pairs: dict[str, str], old: Flow, new: Flow) -> tuple[FieldChange, ...]:
    changes: list[FieldChange] = []
    if node_pairs.get(old.source) != new.source:
        changes.append(FieldChange("source", old.source, new.source))
    if node_pairs.get(old.target) != new.target:
        changes.append(FieldChange("target", old.target, new.target))
    if old.condition.strip() != new.condition.strip():
        changes.append(FieldChange("condition", old.condition, new.condition))
    if old.name != new.name:
        changes.append(FieldChange("name", old.name, new.name))
    return tuple(changes)


def _ends_in_after(flow: Flow, node_pairs: dict[str, str]) -> tuple[str, str] | None:
    """A flow's source and target as the nodes they pair with in `after` (None: one is gone)."""
    source, target = node_pairs.get(flow.source), node_pairs.get(flow.target)
    return (source, target) if source is not None and target is not None else None


def _shares_an_end(old: Flow, new: Flow, node_pairs: dict[str, str]) -> bool:
    return node_pairs.get(old.source) == new.source or node_pairs.get(old.target) == new.target


def _shared_neighbours(
    before: ProcessModel, old_id: str, after: ProcessModel, new_id: str, node_pairs: dict[str, str]
) -> int:
    """How many of the old node's predecessors and successors are paired with the new node's."""
    old_graph, new_graph = before.graph, after.graph
    shared_in = {node_pairs.get(n) for n in old_graph.predecessors(old_id)} & set(
        new_graph.predecessors(new_id)
    )
    shared_out = {node_pairs.get(n) for n in old_graph.successors(old_id)} & set(new_graph.successors(new_id))
    return len(shared_in) + len(shared_out)


def _pair_unnamed_by_neighbours(
    before: ProcessModel, after: ProcessModel, node_pairs: dict[str, str], paired_after: set[str]
) -> None:
    """Pair leftover unnamed nodes (joining gateways mostly: bpmnlint lets them go unnamed) with
    a leftover of the same kind in the same lane sharing the most paired neighbours, at least
    one. Repeated while it pairs something, so a chain of unnamed gateways pairs link by link."""
    while True:
        candidates: dict[tuple[str, str], list[Node]] = defaultdict(list)
        for node in before.nodes():
            if node.id not in node_pairs and not normalise_name(node.name):
                candidates[(node.kind.value, normalise_name(_lane_name(before, node.lane)))].append(node)
        paired_now = 0
        for node in after.nodes():
            if node.id in paired_after or normalise_name(node.name):
                continue
            pool = candidates.get((node.kind.value, normalise_name(_lane_name(after, node.lane))))
            if not pool:
                continue
            scores = [_shared_neighbours(before, old.id, after, node.id, node_pairs) for old in pool]
            best = max(range(len(pool)), key=lambda i: (scores[i], -i))
            if scores[best] > 0:
                node_pairs[pool[best].id] = node.id
                paired_after.add(node.id)
                pool.pop(best)
                paired_now += 1
        if not paired_now:
            return


def diff(before: ProcessModel, after: ProcessModel) -> ModelDiff:
    """Compare two models: nodes and flows added, removed and changed from `before` to `after`."""
    old_nodes, new_nodes = _nodes_by_id(before), _nodes_by_id(after)
    node_pairs = {node_id: node_id for node_id in old_nodes if node_id in new_nodes}
    paired_after = set(node_pairs.values())

    def name_in_lane(model: ProcessModel) -> Callable[[Node], tuple[str, str] | None]:
        def key(node: Node) -> tuple[str, str] | None:
            name = normalise_name(node.name)
            return (name, normalise_name(_lane_name(model, node.lane))) if name else None

        return key

    # The two models name their lanes alike but give them their own ids, so each side's key is
    # built from its own lanes; a node of `before` and one of `after` pair when the keys are equal.
    for old, new in _pair_leftovers(
        [n for n in old_nodes.values() if n.id not in node_pairs],
        [n for n in new_nodes.values() if n.id not in paired_after],
        key_before=name_in_lane(before),
        key_after=name_in_lane(after),
        preferences=[lambda a, b: a.kind is b.kind],
    ):
        node_pairs[old.id] = new.id
        paired_after.add(new.id)
    _pair_unnamed_by_neighbours(before, after, node_pairs, paired_after)

    result = ModelDiff(
        node_pairs=node_pairs, before_lane_names={lane.id: lane.name for lane in before.lanes.values()}
    )
    result.removed_nodes = [n for n in old_nodes.values() if n.id not in node_pairs]
    result.added_nodes = [n for n in new_nodes.values() if n.id not in paired_after]
    for old_id, new_id in node_pairs.items():
        node_changes = _node_changes(before, after, old_nodes[old_id], new_nodes[new_id])
        if node_changes:
            result.changed_nodes.append(NodeChange(old_nodes[old_id], new_nodes[new_id], node_changes))

    old_flows = {flow.id: flow for flow in before.flows()}
    new_flows = {flow.id: flow for flow in after.flows()}
    flow_pairs = {
        flow_id: flow_id
        for flow_id, flow in old_flows.items()
        if flow_id in new_flows
        and _ends_in_after(flow, node_pairs) == (new_flows[flow_id].source, new_flows[flow_id].target)
    }
    flows_paired_after = set(flow_pairs.values())

    def own_ends(flow: Flow) -> tuple[str, str] | None:
        return (flow.source, flow.target)

    for old_flow, new_flow in _pair_leftovers(
        [f for f in old_flows.values() if f.id not in flow_pairs],
        [f for f in new_flows.values() if f.id not in flows_paired_after],
        key_before=lambda flow: _ends_in_after(flow, node_pairs),
        key_after=own_ends,
        preferences=[
            lambda a, b: a.condition.strip() == b.condition.strip(),
            lambda a, b: normalise_name(a.name) == normalise_name(b.name),
        ],
    ):
        flow_pairs[old_flow.id] = new_flow.id
        flows_paired_after.add(new_flow.id)
    # Last, a flow that kept its id and one end was reconnected at the other end.
    for flow_id, old_flow in old_flows.items():
        same_id = new_flows.get(flow_id)
        if (
            same_id is not None
            and flow_id not in flow_pairs
            and flow_id not in flows_paired_after
            and _shares_an_end(old_flow, same_id, node_pairs)
        ):
            flow_pairs[flow_id] = flow_id
            flows_paired_after.add(flow_id)

    result.flow_pairs = flow_pairs
    result.removed_flows = [f for f in old_flows.values() if f.id not in flow_pairs]
    result.added_flows = [f for f in new_flows.values() if f.id not in flows_paired_after]
    for old_id, new_id in flow_pairs.items():
        flow_changes = _flow_changes(node_pairs, old_flows[old_id], new_flows[new_id])
        if flow_changes:
            result.changed_flows.append(FlowChange(old_flows[old_id], new_flows[new_id], flow_changes))
    return result
