"""A model read as a list of steps in the order the process runs: what a step table shows.

Order: breadth-first from the start events along the flows (the branches of a gateway one after
the other, as a reader follows them), then whatever no start reaches, in the model's own order.
The role of a step is its lane when the lane is a role; its system is the step's own `system`,
or the lane when the lane is a system.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from process_models.enums import LaneKind, NodeKind
from process_models.model import Flow, Node, ProcessModel

# A step table is read by the client, not by modelers: decisions say what they do; the other
# kinds go by their BPMN name (NodeKind.label).
READER_LABELS = {
    NodeKind.start_event: "Start",
    NodeKind.end_event: "End",
    NodeKind.intermediate_catch_event: "Event (waits)",
    NodeKind.intermediate_throw_event: "Event (signals)",
    NodeKind.exclusive_gateway: "Decision, one way",
    NodeKind.parallel_gateway: "Parallel split / join",
    NodeKind.inclusive_gateway: "Decision, one or more ways",
    NodeKind.event_based_gateway: "Decision, first event",
}


@dataclass(frozen=True)
class StepRow:
    """One line of a step table."""

    number: int
    node_id: str
    kind: str
    name: str
    role: str
    system: str
    description: str
    # Where the step leads: "name [condition]" of each outgoing flow's target, for decisions.
    next_steps: tuple[str, ...] = ()


def ordered_nodes(model: ProcessModel) -> list[Node]:
    """The model's nodes in the order the process runs (see the module docstring)."""
    graph = model.graph
    starts = [n for n in graph.nodes if not any(True for _ in graph.predecessors(n))]
    starts.sort(key=lambda n: (model.node(n).kind is not NodeKind.start_event,))
    seen: dict[str, None] = {}
    queue = deque(starts)
    while queue:
        current = queue.popleft()
        if current in seen:
            continue
        seen[current] = None
        queue.extend(t for t in graph.successors(current) if t not in seen)
    for node_id in graph.nodes:
        if node_id not in seen:
            seen[node_id] = None
            # Reach the rest of an unreached island in flow order too.
            island = deque(graph.successors(node_id))
            while island:
                following = island.popleft()
                if following not in seen:
                    seen[following] = None
                    island.extend(graph.successors(following))
    return [model.node(n) for n in seen]


def step_role(model: ProcessModel, node: Node) -> str:
    """The role doing a step: its lane's name when the lane is a role lane, else ""."""
    lane = model.lanes.get(node.lane or "")
    return lane.name if lane is not None and lane.kind is LaneKind.role else ""


def step_system(model: ProcessModel, node: Node) -> str:
    """The system doing a step: the step's own `system`, else its lane's name when the lane is
    a system lane, else "". (Requirement candidates read a step's system by this rule too.)"""
    if node.system:
        return node.system
    lane = model.lanes.get(node.lane or "")
    return lane.name if lane is not None and lane.kind is LaneKind.system else ""


def step_rows(model: ProcessModel, *, named_only: bool = False) -> list[StepRow]:
    """The step table of a model. With `named_only`, unnamed events and gateways (the plumbing
    of a diagram) are left out; named ones stay."""
    rows: list[StepRow] = []
    for node in ordered_nodes(model):
        if named_only and not node.name and not node.kind.is_activity:
            continue
        next_steps: tuple[str, ...] = ()
        if node.kind.is_gateway:
            next_steps = tuple(
                _target_label(model, flow.target, flow.name or flow.condition)
                for flow in _out_flows(model, node.id)
            )
        rows.append(
            StepRow(
                number=len(rows) + 1,
                node_id=node.id,
                kind=READER_LABELS.get(node.kind, node.kind.label),
                name=node.name,
                role=step_role(model, node),
                system=step_system(model, node),
                description=node.description,
                next_steps=next_steps,
            )
        )
    return rows


def _out_flows(model: ProcessModel, node_id: str) -> list[Flow]:
    return [data["flow"] for _, _, data in model.graph.out_edges(node_id, data=True)]


def _target_label(model: ProcessModel, target: str, label: str) -> str:
    name = model.node(target).name or target
    return f"{label} → {name}" if label else name
