"""A process model: flow nodes in lanes, joined by sequence flows, held as a networkx graph.

Plain Python with no framework: the workbench stores `to_dict()` as JSON, BPMN import/export
reads and writes it, validation and diff walk it. Element ids are kept as given (BPMN ids from a
modeler survive a round trip); new elements get readable generated ids.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
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
    # Like Node.extra: what a modeler wrote on the flow that the model keeps but does not interpret.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Pool:
    """A BPMN participant: the pool that shows a process, or a partner pool with no process in it
    (a "black box" such as the customer or a bank) that message flows go to."""

    id: str
    name: str = ""
    bounds: Bounds | None = None
    # Vertical pools (isHorizontal="false") exist in the wild; the flag keeps their look on export.
    horizontal: bool = True
    # Like Node.extra: what a modeler wrote on the participant that the model keeps but does not interpret.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MessageFlow:
    """A message between pools: source and target are node ids or pool (participant) ids."""

    id: str
    source: str
    target: str
    name: str = ""
    waypoints: tuple[tuple[float, float], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Artifact:
    """A diagram element outside the flow, kept so it is not lost on a round trip.

    `kind` is the BPMN element local name: dataObject, dataObjectReference, dataStoreReference,
    textAnnotation (its text in `name`), group, association, dataInputAssociation,
    dataOutputAssociation (the last three join `source` to `target`, both element ids).
    """

    id: str
    kind: str
    name: str = ""
    source: str = ""
    target: str = ""
    bounds: Bounds | None = None
    waypoints: tuple[tuple[float, float], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProcessModel:
    """One process (AS-IS or TO-BE): lanes, nodes and flows."""

    name: str
    variant: Variant = Variant.as_is
    id: str = "Process_1"
    lanes: dict[str, Lane] = field(default_factory=dict)
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    documentation: str = ""
    # The pool (BPMN participant) showing this process, when the model came from or goes to one.
    pool: Pool | None = None
    # Partner pools with no process of their own that message flows of this model go to or come from.
    partners: list[Pool] = field(default_factory=list)
    message_flows: list[MessageFlow] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    # Process-level attributes and elements a modeler wrote that the model keeps but does not interpret.
    extra: dict[str, Any] = field(default_factory=dict)

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

    def sub_process(self, node_id: str) -> ProcessModel | None:
        """The inner content of a sub-process node (kept in its extra["process"]), or None."""
        inner = self.node(node_id).extra.get("process")
        return ProcessModel.from_dict(inner) if isinstance(inner, dict) else None

    def element_ids(self) -> set[str]:
        """Every id this model uses (process, pool, lanes, nodes, flows, artifacts, message flows)."""
        ids = {self.id, *self.lanes, *self.graph.nodes}
        ids.update(f.id for f in self.flows())
        ids.update(a.id for a in self.artifacts)
        ids.update(m.id for m in self.message_flows)
        if self.pool is not None:
            ids.add(self.pool.id)
        return ids

    def __len__(self) -> int:
        return int(self.graph.number_of_nodes())

    # --- changing ----------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        # Random suffixes, as bpmn.io writes them: an id deleted in one version is never handed
        # to a different element in the next, so diffs that match by id stay truthful.
        while True:
            candidate = f"{prefix}_{secrets.token_hex(4)}"
            if candidate not in self.graph and candidate not in self.lanes and not self._has_flow(candidate):
                return candidate

    def _has_flow(self, flow_id: str) -> bool:
        return any(f.id == flow_id for f in self.flows())

    def add_lane(
        self,
        name: str,
        kind: LaneKind = LaneKind.role,
        *,
        id: str | None = None,
        bounds: Bounds | None = None,
    ) -> Lane:
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
        extra: dict[str, Any] | None = None,
    ) -> Flow:
        for end in (source, target):
            if end not in self.graph:
                raise ModelError(
                    f"flow {id or ''} {source!r} -> {target!r}: no node {end!r}".replace("  ", " ")
                )
        flow_id = id or self._new_id("Flow")
        if self._has_flow(flow_id):
            raise ModelError(f"flow id {flow_id!r} is already used")
        flow = Flow(flow_id, source, target, name, condition, tuple(waypoints), dict(extra or {}))
        self.graph.add_edge(source, target, key=flow_id, flow=flow)
        return flow

    def add_flows(self, flows: Iterable[Flow]) -> None:
        """Add many flows at once (an import of thousands): the same checks as `add_flow`, but the
        ids are checked against a set, not by a scan of every flow per flow. All or nothing."""
        taken = {flow.id for flow in self.flows()}
        batch = list(flows)
        for flow in batch:
            for end in (flow.source, flow.target):
                if end not in self.graph:
                    raise ModelError(f"flow {flow.id} {flow.source!r} -> {flow.target!r}: no node {end!r}")
            if flow.id in taken:
                raise ModelError(f"flow id {flow.id!r} is already used")
            taken.add(flow.id)
        for flow in batch:
            self.graph.add_edge(flow.source, flow.target, key=flow.id, flow=flow)

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
            "documentation": self.documentation,
            "pool": _plain(asdict(self.pool)) if self.pool is not None else None,
            "partners": [_plain(asdict(pool)) for pool in self.partners],
            "message_flows": [_plain(asdict(message)) for message in self.message_flows],
            "artifacts": [_plain(asdict(artifact)) for artifact in self.artifacts],
            "extra": _plain(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProcessModel:
        model = cls(
            name=data.get("name", ""),
            variant=Variant(data.get("variant", "as-is")),
            id=data.get("id", "Process_1"),
            documentation=data.get("documentation", ""),
            pool=_pool(data.get("pool")),
            partners=[p for p in map(_pool, data.get("partners", [])) if p is not None],
            message_flows=[
                MessageFlow(
                    m["id"],
                    m["source"],
                    m["target"],
                    m.get("name", ""),
                    _points(m.get("waypoints")),
                    dict(m.get("extra") or {}),
                )
                for m in data.get("message_flows", [])
            ],
            artifacts=[
                Artifact(
                    a["id"],
                    a["kind"],
                    a.get("name", ""),
                    a.get("source", ""),
                    a.get("target", ""),
                    _bounds(a.get("bounds")),
                    _points(a.get("waypoints")),
                    dict(a.get("extra") or {}),
                )
                for a in data.get("artifacts", [])
            ],
            extra=dict(data.get("extra") or {}),
        )
        for lane in data.get("lanes", []):
            model.add_lane(
                lane["name"],
                LaneKind(lane.get("kind", "role")),
                id=lane["id"],
                bounds=_bounds(lane.get("bounds")),
            )
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
        # add_flows checks ids against a set: a stored model of thousands of flows loads in linear time.
        model.add_flows(
            Flow(
                id=flow["id"],
                source=flow["source"],
                target=flow["target"],
                name=flow.get("name", ""),
                condition=flow.get("condition", ""),
                waypoints=_points(flow.get("waypoints")),
                extra=dict(flow.get("extra") or {}),
            )
            for flow in data.get("flows", [])
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


def _points(data: Any) -> tuple[tuple[float, float], ...]:
    return tuple((float(p[0]), float(p[1])) for p in data or ())


def _pool(data: dict[str, Any] | None) -> Pool | None:
    if not data:
        return None
    return Pool(
        data["id"],
        data.get("name", ""),
        _bounds(data.get("bounds")),
        bool(data.get("horizontal", True)),
        dict(data.get("extra") or {}),
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, LaneKind | NodeKind | Variant):
        return value.value
    return value
