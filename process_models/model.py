"""A process model: flow nodes in lanes, joined by sequence flows, held as a networkx graph.

Plain Python with no framework: the workbench stores `to_dict()` as JSON, BPMN import/export
reads and writes it, validation and diff walk it. Element ids are kept as given (BPMN ids from a
modeler survive a round trip); new elements get readable generated ids.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import networkx as nx

from process_models.enums import LaneKind, NodeKind, Variant


class ModelError(Exception):
    """A change the model refuses (unknown node, duplicate id, a flow to nowhere), naming the element."""


@dataclass(frozen=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Lane:
    id: str
    name: str
    kind: LaneKind = LaneKind.role
    bounds: Bounds | None = None


@dataclass(frozen=True)
class Node:
    id: str
    kind: NodeKind
    name: str = ""
    lane: str | None = None
    description: str = ""
    system: str = ""
    bounds: Bounds | None = None
    # Attributes a modeler wrote that the model keeps but does not interpret (e.g. eventDefinition).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    name: str = ""
    condition: str = ""
    waypoints: tuple[tuple[float, float], ...] = ()


@dataclass
class ProcessModel:
    """One process (AS-IS or TO-BE): lanes, nodes and flows."""

    name: str
    variant: Variant = Variant.as_is
    id: str = "Process_1"
    lanes: dict[str, Lane] = field(default_factory=dict)
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1), repr=False)

    # --- reading -----------------------------------------------------------------------------

    def node(self, node_id: str) -> Node:
        if node_id not in self.graph:
            raise ModelError(f"no node {node_id!r}")
        node: Node = self.graph.nodes[node_id]["node"]
        return node

    def nodes(self) -> Iterator[Node]:
        for node_id in self.graph.nodes:
            yield self.graph.nodes[node_id]["node"]

    def flows(self) -> Iterator[Flow]:
        for _, _, data in self.graph.edges(data=True):
            yield data["flow"]

    def flow(self, flow_id: str) -> Flow:
        for flow in self.flows():
            if flow.id == flow_id:
                return flow
        raise ModelError(f"no flow {flow_id!r}")

    def nodes_in_lane(self, lane_id: str | None) -> list[Node]:
        return [n for n in self.nodes() if n.lane == lane_id]

    def __len__(self) -> int:
        return int(self.graph.number_of_nodes())

    # --- changing ----------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        while True:
            candidate = f"{prefix}_{next(self._counter)}"
            if candidate not in self.graph and candidate not in self.lanes and not self._has_flow(candidate):
                return candidate

    def _has_flow(self, flow_id: str) -> bool:
        return any(f.id == flow_id for f in self.flows())

    def add_lane(self, name: str, kind: LaneKind = LaneKind.role, *, id: str | None = None, bounds: Bounds | None = None) -> Lane:
        lane_id = id or self._new_id("Lane")
        if lane_id in self.lanes:
            raise ModelError(f"lane id {lane_id!r} is already used")
        lane = Lane(lane_id, name, kind, bounds)
        self.lanes[lane_id] = lane
        return lane

    def add_node(
        self,
        kind: NodeKind,
        name: str = "",
        *,
        lane: str | None = None,
        id: str | None = None,
        description: str = "",
        system: str = "",
        bounds: Bounds | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Node:
        node_id = id or self._new_id(_ID_PREFIX.get(kind, "Activity"))
        if node_id in self.graph:
            raise ModelError(f"node id {node_id!r} is already used")
        if lane is not None and lane not in self.lanes:
            raise ModelError(f"node {node_id!r}: no lane {lane!r}")
        node = Node(node_id, kind, name, lane, description, system, bounds, dict(extra or {}))
        self.graph.add_node(node_id, node=node)
        return node

    def add_flow(
        self,
        source: str,
        target: str,
        *,
        name: str = "",
        condition: str = "",
        id: str | None = None,
        waypoints: tuple[tuple[float, float], ...] = (),
    ) -> Flow:
        for end in (source, target):
            if end not in self.graph:
                raise ModelError(f"flow {id or ''} {source!r} -> {target!r}: no node {end!r}".replace("  ", " "))
        flow_id = id or self._new_id("Flow")
        if self._has_flow(flow_id):
            raise ModelError(f"flow id {flow_id!r} is already used")
        flow = Flow(flow_id, source, target, name, condition, tuple(waypoints))
        self.graph.add_edge(source, target, key=flow_id, flow=flow)
        return flow

    def update_node(self, node_id: str, **changes: Any) -> Node:
        """Rename, move to another lane, retype or describe a node (its id stays)."""
        node = self.node(node_id)
        if "lane" in changes and changes["lane"] is not None and changes["lane"] not in self.lanes:
            raise ModelError(f"node {node_id!r}: no lane {changes['lane']!r}")
        updated = replace(node, **changes)
        self.graph.nodes[node_id]["node"] = updated
        return updated

    def remove_node(self, node_id: str) -> None:
        """Remove a node and every flow touching it."""
        self.node(node_id)
        self.graph.remove_node(node_id)

    def remove_flow(self, flow_id: str) -> None:
        flow = self.flow(flow_id)
        self.graph.remove_edge(flow.source, flow.target, key=flow_id)

    # --- storage -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form (what the workbench stores)."""
        return {
            "id": self.id,
            "name": self.name,
            "variant": self.variant.value,
            "lanes": [_plain(asdict(lane)) for lane in self.lanes.values()],
            "nodes": [_plain(asdict(node)) for node in self.nodes()],
            "flows": [_plain(asdict(flow)) for flow in self.flows()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProcessModel:
        model = cls(name=data.get("name", ""), variant=Variant(data.get("variant", "as-is")), id=data.get("id", "Process_1"))
        for lane in data.get("lanes", []):
            model.add_lane(lane["name"], LaneKind(lane.get("kind", "role")), id=lane["id"], bounds=_bounds(lane.get("bounds")))
        for node in data.get("nodes", []):
            model.add_node(
                NodeKind(node["kind"]),
                node.get("name", ""),
                lane=node.get("lane"),
                id=node["id"],
                description=node.get("description", ""),
                system=node.get("system", ""),
                bounds=_bounds(node.get("bounds")),
                extra=node.get("extra") or {},
            )
        for flow in data.get("flows", []):
            model.add_flow(
                flow["source"],
                flow["target"],
                name=flow.get("name", ""),
                condition=flow.get("condition", ""),
                id=flow["id"],
                waypoints=tuple(tuple(p) for p in flow.get("waypoints", ())),  # type: ignore[misc]
            )
        return model

    def copy(self) -> ProcessModel:
        return ProcessModel.from_dict(self.to_dict())


_ID_PREFIX = {
    NodeKind.start_event: "StartEvent",
    NodeKind.end_event: "EndEvent",
    NodeKind.exclusive_gateway: "Gateway",
    NodeKind.parallel_gateway: "Gateway",
    NodeKind.inclusive_gateway: "Gateway",
    NodeKind.event_based_gateway: "Gateway",
    NodeKind.complex_gateway: "Gateway",
    NodeKind.intermediate_catch_event: "Event",
    NodeKind.intermediate_throw_event: "Event",
    NodeKind.boundary_event: "Event",
}


def _bounds(data: dict[str, float] | None) -> Bounds | None:
    return Bounds(**data) if data else None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, LaneKind | NodeKind | Variant):
        return value.value
    return value
