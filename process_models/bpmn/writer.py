"""Process models -> BPMN 2.0 XML with diagram interchange that Camunda Modeler and bpmn.io open.

The writer never changes the models it is given: it works on copies. A model without coordinates
is laid out by `process_models.layout.layout`; what is still missing afterwards (a flow's bends, a
pool around lanes, a place for a data object) is filled in here so that every element is drawn.
Several models are written as pools of one collaboration, stacked so they do not overlap; ids
that two models share are made unique in the file (the later model's element gets a suffix).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from importlib import metadata
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from process_models.bpmn.names import BPMNDI, DC, DI, MODEL, WORKBENCH, XSI, q, split
from process_models.bpmn.reader import APPROXIMATED, LOOPS
from process_models.bpmn.safety import BpmnError
from process_models.bpmn.xmltext import parse_fragment, to_text
from process_models.enums import LaneKind, NodeKind
from process_models.model import Artifact, Bounds, Flow, MessageFlow, ModelError, Node, Pool, ProcessModel

EXPORTER = "Loyalty workbench"
TARGET_NAMESPACE = "https://loyalty-workbench.example/processes"
# Keys of `extra` that hold what the reader derived or kept, not XML attributes of the element.
RESERVED_KEYS = {
    "children",
    "process",
    "eventDefinition",
    "loop",
    "isExpanded",
    "labelBounds",
    "di",
    "element",
    "documentation",
    "conditionAttributes",
    "sourceRefs",
    "targetRef",
    "scope",
    "rootElements",
    "namespaces",
    "processName",
    "laneSet",
    "collaborationChildren",
}
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
POOL_HEADER = 30.0
GAP = 40.0
TASK_SIZE = (100.0, 80.0)
EVENT_SIZE = 36.0
ARTIFACT_SIZES = {
    "dataObjectReference": (36.0, 50.0),
    "dataObject": (36.0, 50.0),
    "dataStoreReference": (50.0, 50.0),
    "textAnnotation": (100.0, 30.0),
    "group": (150.0, 120.0),
}
EDGE_KINDS = {"association", "dataInputAssociation", "dataOutputAssociation"}

# Order of the children of an element in the BPMN 2.0 schema (documentation first, flow content
# late); the reader keeps unknown children verbatim and the writer puts them back in order.
_RANK = {
    "documentation": 0,
    "extensionElements": 1,
    "auditing": 2,
    "monitoring": 3,
    "categoryValueRef": 4,
    "conditionExpression": 5,
    "incoming": 6,
    "outgoing": 7,
    "supportedInterfaceRef": 8,
    "ioSpecification": 9,
    "ioBinding": 10,
    "property": 11,
    "dataInput": 12,
    "dataOutput": 12,
    "dataInputAssociation": 13,
    "dataOutputAssociation": 14,
    "inputSet": 15,
    "outputSet": 15,
    "resourceRole": 16,
    "performer": 16,
    "humanPerformer": 16,
    "potentialOwner": 16,
    "standardLoopCharacteristics": 17,
    "multiInstanceLoopCharacteristics": 17,
    "eventDefinitionRef": 19,
    "laneSet": 21,
    "flow": 22,
    "artifact": 23,
    "correlationSubscription": 24,
    "supports": 25,
}
_PROCESS_LATE = {"resourceRole", "performer", "humanPerformer", "potentialOwner"}
_DEFINITIONS_RANK = {"documentation": 0, "extensionElements": 1, "import": 2, "extension": 3}


def _rank(element: Element, container: str) -> float:
    namespace, name = split(element.tag)
    if namespace != MODEL:
        return 1.5
    if container == "process" and name in _PROCESS_LATE:
        return 23.5
    if name.endswith("EventDefinition"):
        return 18
    return _RANK.get(name, 20)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _version() -> str:
    try:
        return metadata.version("loyalty-workbench")
    except metadata.PackageNotFoundError:
        return "0"


@dataclass
class _Prepared:
    """A model ready to draw: geometry complete, ids unique, its participant decided."""

    model: ProcessModel
    relaid: bool
    participant: Pool | None = None


def _box(bounds: Iterable[Bounds]) -> Bounds | None:
    boxes = list(bounds)
    if not boxes:
        return None
    x0 = min(b.x for b in boxes)
    y0 = min(b.y for b in boxes)
    x1 = max(b.x + b.width for b in boxes)
    y1 = max(b.y + b.height for b in boxes)
    return Bounds(x0, y0, x1 - x0, y1 - y0)


def _centre(b: Bounds) -> tuple[float, float]:
    return b.x + b.width / 2, b.y + b.height / 2


def _route(source: Bounds, target: Bounds, *, from_bottom: bool = False) -> tuple[tuple[float, float], ...]:
    """Orthogonal bends for a flow between two boxes: right side to left side when the target is
    ahead, under both boxes when it loops back."""
    sx, sy = _centre(source)
    tx, ty = _centre(target)
    if from_bottom:
        start = (sx, source.y + source.height)
        if abs(sx - tx) < 1:
            return start, (tx, target.y if target.y > start[1] else target.y + target.height)
        return start, (sx, ty), (target.x if tx > sx else target.x + target.width, ty)
    if target.x >= source.x + source.width:
        start, end = (source.x + source.width, sy), (target.x, ty)
        if abs(sy - ty) < 1:
            return start, end
        mid = (start[0] + end[0]) / 2
        return start, (mid, sy), (mid, ty), end
    if abs(sx - tx) < 1:
        return (
            ((sx, source.y + source.height), (tx, target.y))
            if ty > sy
            else ((sx, source.y), (tx, target.y + target.height))
        )
    below = max(source.y + source.height, target.y + target.height) + 30
    return (sx, source.y + source.height), (sx, below), (tx, below), (tx, target.y + target.height)


def _clip(box: Bounds, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from the box's centre to `toward` leaves the box."""
    cx, cy = _centre(box)
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(
        (box.width / 2) / abs(dx) if dx else float("inf"),
        (box.height / 2) / abs(dy) if dy else float("inf"),
    )
    scale = min(scale, 1.0)
    return cx + dx * scale, cy + dy * scale


def _straight(source: Bounds, target: Bounds) -> tuple[tuple[float, float], ...]:
    return _clip(source, _centre(target)), _clip(target, _centre(source))


def _shift_points(
    points: tuple[tuple[float, float], ...], dx: float, dy: float
) -> tuple[tuple[float, float], ...]:
    return tuple((x + dx, y + dy) for x, y in points)


def _shift(bounds: Bounds | None, dx: float, dy: float) -> Bounds | None:
    return None if bounds is None else Bounds(bounds.x + dx, bounds.y + dy, bounds.width, bounds.height)


def _from_dict(data: dict[str, Any]) -> ProcessModel:
    """`ProcessModel.from_dict`, with the flows added in one batch (linear, not quadratic)."""
    model = ProcessModel.from_dict({**data, "flows": []})
    model.add_flows(
        Flow(
            f["id"],
            f["source"],
            f["target"],
            f.get("name", ""),
            f.get("condition", ""),
            tuple((float(p[0]), float(p[1])) for p in f.get("waypoints") or ()),
            dict(f.get("extra") or {}),
        )
        for f in data.get("flows", [])
    )
    return model


def _copy(model: ProcessModel) -> ProcessModel:
    return _from_dict(model.to_dict())


def _inner(node: Node) -> ProcessModel | None:
    data = node.extra.get("process")
    if not isinstance(data, dict):
        return None
    try:
        return _from_dict(data)
    except (KeyError, TypeError, ValueError, IndexError, ModelError) as exc:
        raise BpmnError(f"sub-process {node.id!r}: its kept content cannot be read ({exc})") from None


def _set_inner(model: ProcessModel, node_id: str, inner: ProcessModel) -> None:
    node = model.node(node_id)
    model.update_node(node_id, extra={**node.extra, "process": inner.to_dict()})


def _all_bounds(model: ProcessModel) -> Iterator[Bounds]:
    for node in model.nodes():
        if node.bounds is not None:
            yield node.bounds
    for lane in model.lanes.values():
        if lane.bounds is not None:
            yield lane.bounds
    for artifact in model.artifacts:
        if artifact.bounds is not None and artifact.kind != "group":
            yield artifact.bounds
    if model.pool is not None and model.pool.bounds is not None:
        yield model.pool.bounds
    for partner in model.partners:
        if partner.bounds is not None:
            yield partner.bounds


# --- ids ---------------------------------------------------------------------------------------


def _ids_of(data: dict[str, Any]) -> Iterator[str]:
    yield data["id"]
    if data.get("pool"):
        yield data["pool"]["id"]
    for key in ("lanes", "flows", "artifacts", "message_flows"):
        for item in data.get(key, []):
            yield item["id"]
    for node in data.get("nodes", []):
        yield node["id"]
        inner = (node.get("extra") or {}).get("process")
        if isinstance(inner, dict):
            yield from _ids_of(inner)


def _rename(data: dict[str, Any], mapping: dict[str, str]) -> None:
    """Apply an id mapping to a model's stored form, references included."""

    def m(value: Any) -> Any:
        return mapping.get(value, value) if isinstance(value, str) else value

    data["id"] = m(data["id"])
    if data.get("pool"):
        data["pool"]["id"] = m(data["pool"]["id"])
    for lane in data.get("lanes", []):
        lane["id"] = m(lane["id"])
    for node in data.get("nodes", []):
        node["id"], node["lane"] = m(node["id"]), m(node.get("lane"))
        extra = node.get("extra") or {}
        for key in ("default", "attachedToRef"):
            if key in extra:
                extra[key] = m(extra[key])
        if isinstance(extra.get("process"), dict):
            _rename(extra["process"], mapping)
    for key in ("flows", "artifacts", "message_flows"):
        for item in data.get(key, []):
            item["id"], item["source"], item["target"] = (
                m(item["id"]),
                m(item.get("source", "")),
                m(item.get("target", "")),
            )


def _make_unique(models: list[ProcessModel]) -> list[ProcessModel]:
    used: set[str] = set()
    shared = {p.id for model in models for p in model.partners}
    result: list[ProcessModel] = []
    for model in models:
        data = model.to_dict()
        mapping: dict[str, str] = {}
        ids = list(_ids_of(data))
        for element_id in ids:
            if element_id in used and element_id not in shared and element_id not in mapping:
                n = 2
                while f"{element_id}_{n}" in used or f"{element_id}_{n}" in ids:
                    n += 1
                mapping[element_id] = f"{element_id}_{n}"
        if mapping:
            # References from other models to a renamed element (a message flow) are not
            # followed: ids only collide between models from different files.
            _rename(data, mapping)
        used.update(_ids_of(data))
        result.append(_from_dict(data))
    return result


# --- geometry ----------------------------------------------------------------------------------


def _needs_layout(model: ProcessModel) -> bool:
    return any(node.bounds is None for node in model.nodes()) or any(
        lane.bounds is None for lane in model.lanes.values()
    )


def _apply_layout(model: ProcessModel) -> None:
    """Lay the model out with the workbench's layered layout, taking only its geometry."""
    from process_models.layout import layout  # lazily: layout is optional for models with coordinates

    laid = layout(model)
    # Only geometry is taken from the laid-out copy; everything else stays this model's own.
    for node in list(model.nodes()):
        bounds = laid.node(node.id).bounds
        extra = {k: v for k, v in node.extra.items() if k not in ("labelBounds", "isExpanded")}
        model.update_node(node.id, bounds=bounds, extra=extra)
    for lane_id, lane in list(model.lanes.items()):
        model.lanes[lane_id] = replace(
            lane, bounds=laid.lanes[lane_id].bounds if lane_id in laid.lanes else None
        )
    laid_flows = {flow.id: flow for flow in laid.flows()}
    for flow in list(model.flows()):
        points = laid_flows[flow.id].waypoints if flow.id in laid_flows else ()
        extra = {k: v for k, v in flow.extra.items() if k != "labelBounds"}
        _replace_flow(model, replace(flow, waypoints=tuple(points), extra=extra))
    if model.pool is not None:
        laid_pool = laid.pool if laid.pool is not None and laid.pool.id == model.pool.id else None
        model.pool = replace(model.pool, bounds=laid_pool.bounds if laid_pool else None, horizontal=True)
    laid_partners = {p.id: p for p in laid.partners}
    model.partners = [
        replace(p, bounds=laid_partners[p.id].bounds if p.id in laid_partners else None, horizontal=True)
        for p in model.partners
    ]
    laid_messages = {m.id: m for m in laid.message_flows}
    model.message_flows = [
        replace(m, waypoints=laid_messages[m.id].waypoints if m.id in laid_messages else ())
        for m in model.message_flows
    ]
    model.artifacts = [replace(a, bounds=None, waypoints=()) for a in model.artifacts]


def _replace_flow(model: ProcessModel, flow: Flow) -> None:
    model.graph.edges[flow.source, flow.target, flow.id]["flow"] = flow


def _complete_flows(model: ProcessModel) -> None:
    for flow in list(model.flows()):
        if flow.waypoints:
            continue
        source, target = model.node(flow.source), model.node(flow.target)
        if source.bounds is None or target.bounds is None:
            continue
        points = _route(source.bounds, target.bounds, from_bottom=source.kind is NodeKind.boundary_event)
        _replace_flow(model, replace(flow, waypoints=points))


def _place_artifacts(model: ProcessModel) -> None:
    """Give every data object, data store, annotation and group without coordinates a place:
    next to the node it is associated with, else in a row under the model."""
    boxes: dict[str, Bounds] = {n.id: n.bounds for n in model.nodes() if n.bounds is not None}
    partner_of: dict[str, str] = {}
    for artifact in model.artifacts:
        if artifact.kind in EDGE_KINDS:
            partner_of.setdefault(artifact.source, artifact.target)
            partner_of.setdefault(artifact.target, artifact.source)
    everything = _box(_all_bounds(model))
    row_x = everything.x if everything else 0.0
    row_y = (everything.y + everything.height + GAP) if everything else 0.0
    placed: list[Artifact] = []
    for artifact in model.artifacts:
        if artifact.bounds is not None or artifact.kind in EDGE_KINDS or artifact.kind == "dataObject":
            placed.append(artifact)
            continue
        width, height = ARTIFACT_SIZES.get(artifact.kind, (100.0, 30.0))
        anchor = boxes.get(partner_of.get(artifact.id, ""))
        if anchor is not None:
            bounds = Bounds(anchor.x + anchor.width + 20, anchor.y - height - 30, width, height)
        else:
            bounds = Bounds(row_x, row_y, width, height)
            row_x += width + GAP
        boxes[artifact.id] = bounds
        placed.append(replace(artifact, bounds=bounds))
    model.artifacts = placed


def _complete_pool(model: ProcessModel, wanted: bool) -> None:
    if not wanted:
        return
    pool = model.pool or Pool(f"Participant_{model.id}", model.name)
    if pool.bounds is not None:
        model.pool = pool
        return
    lanes = _box(lane.bounds for lane in model.lanes.values() if lane.bounds is not None)
    if lanes is not None:
        bounds = (
            Bounds(lanes.x - POOL_HEADER, lanes.y, lanes.width + POOL_HEADER, lanes.height)
            if pool.horizontal
            else Bounds(lanes.x, lanes.y - POOL_HEADER, lanes.width, lanes.height + POOL_HEADER)
        )
    else:
        content = _box(b for b in _all_bounds(model))
        if content is None:
            bounds = Bounds(0, 0, 600, 250)
        else:
            margin = 50.0
            bounds = Bounds(
                content.x - margin - POOL_HEADER,
                content.y - margin,
                content.width + 2 * margin + POOL_HEADER,
                content.height + 2 * margin,
            )
    model.pool = replace(pool, bounds=bounds)


def _translate(model: ProcessModel, dx: float, dy: float) -> None:
    for node in list(model.nodes()):
        extra = dict(node.extra)
        if isinstance(extra.get("labelBounds"), dict):
            label = extra["labelBounds"]
            extra["labelBounds"] = {**label, "x": label["x"] + dx, "y": label["y"] + dy}
        inner = _inner(node)
        if inner is not None and node.extra.get("isExpanded") == "true":
            _translate(inner, dx, dy)
            extra["process"] = inner.to_dict()
        model.update_node(node.id, bounds=_shift(node.bounds, dx, dy), extra=extra)
    for lane_id, lane in list(model.lanes.items()):
        model.lanes[lane_id] = replace(lane, bounds=_shift(lane.bounds, dx, dy))
    for flow in list(model.flows()):
        extra = dict(flow.extra)
        if isinstance(extra.get("labelBounds"), dict):
            label = extra["labelBounds"]
            extra["labelBounds"] = {**label, "x": label["x"] + dx, "y": label["y"] + dy}
        _replace_flow(model, replace(flow, waypoints=_shift_points(flow.waypoints, dx, dy), extra=extra))
    if model.pool is not None:
        model.pool = replace(model.pool, bounds=_shift(model.pool.bounds, dx, dy))
    model.partners = [replace(p, bounds=_shift(p.bounds, dx, dy)) for p in model.partners]
    model.artifacts = [
        replace(a, bounds=_shift(a.bounds, dx, dy), waypoints=_shift_points(a.waypoints, dx, dy))
        for a in model.artifacts
    ]


def _overlaps(a: Bounds, b: Bounds) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


# --- the writer --------------------------------------------------------------------------------


class Writer:
    """Writes one document for a list of models (see `write`)."""

    def __init__(self, models: list[ProcessModel]) -> None:
        self.source_models = models
        self.used: set[str] = set()
        self.hints: dict[str, str] = {}
        self.boxes: dict[str, Bounds] = {}
        self.root_ids: set[str] = set()
        self.extra_roots: list[Element] = []
        self.message_ids: set[str] = set()
        self.elements: set[str] = set()

    def fresh(self, base: str) -> str:
        """An id not used anywhere in the document yet, starting from `base`."""
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}_{n}"
        self.used.add(candidate)
        return candidate

    # --- preparing ---------------------------------------------------------------------

    def prepare(self) -> list[_Prepared]:
        """Copies of the models with unique ids and complete geometry, placed not to overlap."""
        models = _make_unique([_copy(model) for model in self.source_models])
        collaboration = len(models) > 1 or any(
            m.lanes or m.pool or m.partners or m.message_flows for m in models
        )
        taken = {element_id for model in models for element_id in model.element_ids()}
        taken |= {p.id for model in models for p in model.partners}
        prepared: list[_Prepared] = []
        for model in models:
            relaid = False
            if collaboration and model.pool is None:
                # Before any layout, so the layout leaves room for the pool's name strip.
                pool_id, n = f"Participant_{model.id}", 1
                while pool_id in taken:
                    n += 1
                    pool_id = f"Participant_{model.id}_{n}"
                taken.add(pool_id)
                model.pool = Pool(pool_id, model.name)
            if _needs_layout(model):
                _apply_layout(model)
                relaid = True
            item = _Prepared(model, relaid)
            self._complete_inner(model, relaid)
            _complete_flows(model)
            _place_artifacts(model)
            _complete_pool(model, collaboration)
            item.participant = model.pool
            prepared.append(item)
        self._stack(prepared)
        for item in prepared:
            item.participant = item.model.pool  # stacking may have moved it
        for item in prepared:
            for element_id in _ids_of(item.model.to_dict()):
                self.used.add(element_id)
            self.used.update(p.id for p in item.model.partners)
        # What an association may point to; root elements' ids join when they are read.
        self.elements = set(self.used)
        return prepared

    def _complete_inner(self, model: ProcessModel, relaid: bool) -> None:
        """Give sub-process content coordinates when it will be drawn in its own diagram."""
        for node in list(model.nodes()):
            inner = _inner(node)
            if inner is None:
                continue
            inline = self._inline(node, inner, relaid)
            if inline and node.extra.get("isExpanded") != "true":
                # Decided once: moving the model (stacking) must move the content with its box.
                model.update_node(node.id, extra={**node.extra, "isExpanded": "true"})
            inner_relaid = False
            if not inline and _needs_layout(inner):
                _apply_layout(inner)
                inner_relaid = True
            self._complete_inner(inner, relaid or inner_relaid)
            _complete_flows(inner)
            _place_artifacts(inner)
            _set_inner(model, node.id, inner)

    @staticmethod
    def _inline(node: Node, inner: ProcessModel, relaid: bool) -> bool:
        """Draw sub-process content inside its (expanded) box only where the file drew it so:
        marked expanded, or (tools that omit the flag) with all its content inside the box."""
        if relaid or node.bounds is None or _needs_layout(inner) or node.extra.get("isExpanded") == "false":
            return False
        if node.extra.get("isExpanded") == "true":
            return True
        box, content = node.bounds, _box(_all_bounds(inner))
        return content is not None and (
            box.x <= content.x
            and box.y <= content.y
            and content.x + content.width <= box.x + box.width
            and content.y + content.height <= box.y + box.height
        )

    def _stack(self, prepared: list[_Prepared]) -> None:
        placed: list[Bounds] = []
        for item in prepared:
            box = _box(_all_bounds(item.model))
            if box is None:
                continue
            if any(_overlaps(box, other) for other in placed):
                floor = max(other.y + other.height for other in placed)
                left = min(other.x for other in placed)
                dx, dy = left - box.x, floor + GAP - box.y
                _translate(item.model, dx, dy)
                box = Bounds(box.x + dx, box.y + dy, box.width, box.height)
                for other in prepared:
                    other.model.message_flows = [replace(m, waypoints=()) for m in other.model.message_flows]
            placed.append(box)

    # --- writing -----------------------------------------------------------------------

    def write(self) -> bytes:
        """The BPMN XML document, UTF-8 encoded."""
        prepared = self.prepare()
        for item in prepared:
            for prefix, uri in (item.model.extra.get("namespaces") or {}).items():
                if isinstance(prefix, str) and isinstance(uri, str):
                    self.hints.setdefault(prefix, uri)
        definitions = Element(
            q(MODEL, "definitions"),
            {
                "id": self.fresh("Definitions_1"),
                "targetNamespace": TARGET_NAMESPACE,
                "exporter": EXPORTER,
                "exporterVersion": _version(),
            },
        )
        roots = self._root_elements(prepared)
        collaboration_wanted = any(item.participant is not None for item in prepared)
        collaboration: Element | None = None
        if collaboration_wanted:
            collaboration = Element(q(MODEL, "collaboration"), {"id": self.fresh("Collaboration_1")})
        processes = [self._process(item) for item in prepared]
        partners: list[Pool] = []
        if collaboration is not None:
            partners = self._collaboration(collaboration, prepared)
        children: list[Element] = sorted(
            (r for r in roots if split(r.tag)[1] in _DEFINITIONS_RANK),
            key=lambda r: _DEFINITIONS_RANK[split(r.tag)[1]],
        )
        if collaboration is not None:
            children.append(collaboration)
        children += processes
        children += [r for r in roots if split(r.tag)[1] not in _DEFINITIONS_RANK]
        children += self.extra_roots
        definitions.extend(children)
        self._diagrams(definitions, prepared, partners, collaboration)
        text = to_text(definitions, hints=self.hints, first=[MODEL, BPMNDI, DC, DI, XSI])
        return text.encode("utf-8")

    def _root_elements(self, prepared: list[_Prepared]) -> list[Element]:
        seen: set[str] = set()
        roots: list[Element] = []
        for item in prepared:
            for index, text in enumerate(item.model.extra.get("rootElements") or []):
                element, namespaces = parse_fragment(
                    text, where=f"model {item.model.id!r} rootElements[{index}]"
                )
                for prefix, uri in namespaces.items():
                    if prefix:
                        self.hints.setdefault(prefix, uri)
                key = element.get("id") or text
                if key in seen:
                    continue
                seen.add(key)
                roots.append(element)
                for inner in element.iter():
                    if inner.get("id"):
                        self.root_ids.add(inner.get("id", ""))
                        self.used.add(inner.get("id", ""))
        return roots

    # --- semantic elements -------------------------------------------------------------

    def _attributes(
        self, element: Element, extra: dict[str, Any], *, valid_refs: dict[str, set[str]] | None = None
    ) -> None:
        for key, value in extra.items():
            if key in RESERVED_KEYS or isinstance(value, dict | list | tuple) or value is None:
                continue
            if element.get(key) is not None:
                continue  # what the model says (id, name, ends) wins over a kept attribute
            namespace, name = split(key)
            if not _NCNAME.match(name) or (key.startswith("{") and not namespace):
                continue
            if valid_refs and name in valid_refs and str(value) not in valid_refs[name]:
                continue  # a reference to an element that is gone (e.g. a deleted default flow)
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            element.set(q(namespace, name) if namespace else name, text)

    def _kept(self, texts: Any, where: str) -> list[Element]:
        elements: list[Element] = []
        for index, text in enumerate(texts or []):
            element, namespaces = parse_fragment(text, where=f"{where} children[{index}]")
            for prefix, uri in namespaces.items():
                if prefix:
                    self.hints.setdefault(prefix, uri)
            elements.append(element)
        return elements

    @staticmethod
    def _documentation(text: str) -> Element:
        element = Element(q(MODEL, "documentation"))
        element.text = text
        return element

    def _process(self, item: _Prepared) -> Element:
        model = item.model
        process = Element(q(MODEL, "process"), {"id": model.id})
        # With a pool, the pool carries the model's name; the process keeps the name it had, if any.
        name = model.extra.get("processName") if item.participant is not None else model.name
        if name:
            process.set("name", str(name))
        self._attributes(process, model.extra)
        process.set("isExecutable", str(model.extra.get("isExecutable", "false")))
        process.set(q(WORKBENCH, "variant"), model.variant.value)
        children: list[tuple[float, Element]] = []
        if model.documentation:
            children.append((0, self._documentation(model.documentation)))
        for kept in self._kept(model.extra.get("children"), f"process {model.id!r}"):
            children.append((_rank(kept, "process"), kept))
        if model.lanes:
            lane_set = Element(q(MODEL, "laneSet"), {"id": self._lane_set_id(model)})
            for lane in model.lanes.values():
                lane_element = SubElement(lane_set, q(MODEL, "lane"), {"id": lane.id, "name": lane.name})
                if lane.kind is not LaneKind.role:
                    lane_element.set(q(WORKBENCH, "kind"), lane.kind.value)
                for node in model.nodes_in_lane(lane.id):
                    SubElement(lane_element, q(MODEL, "flowNodeRef")).text = node.id
            children.append((21, lane_set))
        children += [(22, e) for e in self._content(model)]
        children += [(23, e) for e in self._artifacts(model, scope="process")]
        process.extend(e for _, e in sorted(children, key=lambda c: c[0]))
        return process

    def _lane_set_id(self, model: ProcessModel) -> str:
        return self.fresh(str(model.extra.get("laneSet") or f"LaneSet_{model.id}"))

    def _content(self, model: ProcessModel) -> list[Element]:
        """Nodes, then sequence flows, then data objects/stores (all flow elements of the schema)."""
        elements: list[Element] = []
        flow_ids = {flow.id for flow in model.flows()}
        associations: dict[str, list[Artifact]] = {}
        for artifact in model.artifacts:
            if artifact.kind == "dataInputAssociation":
                associations.setdefault(artifact.target, []).append(artifact)
            elif artifact.kind == "dataOutputAssociation":
                associations.setdefault(artifact.source, []).append(artifact)
        for node in model.nodes():
            elements.append(self._node(model, node, flow_ids, associations.get(node.id, [])))
        for flow in model.flows():
            elements.append(self._flow(flow))
        return elements

    def _node(
        self, model: ProcessModel, node: Node, flow_ids: set[str], associations: list[Artifact]
    ) -> Element:
        name = node.kind.value
        original = node.extra.get("element")
        if isinstance(original, str) and APPROXIMATED.get(original) is node.kind:
            name = original
        element = Element(q(MODEL, name), {"id": node.id})
        if node.name:
            element.set("name", node.name)
        self._attributes(element, node.extra, valid_refs={"default": flow_ids})
        if node.system:
            element.set(q(WORKBENCH, "system"), node.system)
        children: list[tuple[float, Element]] = []
        if node.description:
            children.append((0, self._documentation(node.description)))
        kept = self._kept(node.extra.get("children"), f"node {node.id!r}")
        children += [(_rank(k, "activity"), k) for k in kept]
        kept_names = {split(k.tag)[1] for k in kept}
        for _, _, flow_id in model.graph.in_edges(node.id, keys=True):
            children.append((6, self._ref("incoming", flow_id)))
        for _, _, flow_id in model.graph.out_edges(node.id, keys=True):
            children.append((7, self._ref("outgoing", flow_id)))
        for association in associations:
            children.append((_RANK[association.kind], self._data_association(association, node, children)))
        definitions = str(node.extra.get("eventDefinition") or "").split()
        if node.kind.is_event and definitions and not any(n.endswith("EventDefinition") for n in kept_names):
            for definition in definitions:
                if _NCNAME.match(definition) and definition.endswith("EventDefinition"):
                    children.append(
                        (18, Element(q(MODEL, definition), {"id": self.fresh(f"{node.id}_{definition}")}))
                    )
        loop = node.extra.get("loop")
        if (
            node.kind.is_activity
            and loop in ("standard", "parallel", "sequential")
            and not kept_names & set(LOOPS)
        ):
            if loop == "standard":
                children.append((17, Element(q(MODEL, "standardLoopCharacteristics"))))
            else:
                attributes = {"isSequential": "true"} if loop == "sequential" else {}
                children.append((17, Element(q(MODEL, "multiInstanceLoopCharacteristics"), attributes)))
        inner = _inner(node)
        if inner is not None:
            children += [(22, e) for e in self._content(inner)]
            children += [(23, e) for e in self._artifacts(inner, scope="process")]
        element.extend(e for _, e in sorted(children, key=lambda c: c[0]))
        return element

    @staticmethod
    def _ref(name: str, value: str) -> Element:
        element = Element(q(MODEL, name))
        element.text = value
        return element

    def _data_association(
        self, association: Artifact, node: Node, siblings: list[tuple[float, Element]]
    ) -> Element:
        element = Element(q(MODEL, association.kind), {"id": association.id})
        self._attributes(element, association.extra)
        if association.kind == "dataInputAssociation":
            sources = association.extra.get("sourceRefs") or [association.source]
            target = association.extra.get("targetRef")
            if target is None:
                # bpmn.io's convention: the association targets a placeholder property of the task.
                target = self.fresh(f"{node.id}_targetRef")
                siblings.append(
                    (11, Element(q(MODEL, "property"), {"id": target, "name": "__targetRef_placeholder"}))
                )
        else:
            sources = association.extra.get("sourceRefs") or []
            target = association.target
        for source in sources:
            if source:
                element.append(self._ref("sourceRef", str(source)))
        element.extend(self._kept(association.extra.get("children"), f"association {association.id!r}"))
        if target:
            element.append(self._ref("targetRef", str(target)))
        return element

    def _flow(self, flow: Flow) -> Element:
        element = Element(q(MODEL, "sequenceFlow"), {"id": flow.id})
        if flow.name:
            element.set("name", flow.name)
        element.set("sourceRef", flow.source)
        element.set("targetRef", flow.target)
        self._attributes(element, flow.extra)
        children: list[tuple[float, Element]] = []
        if flow.extra.get("documentation"):
            children.append((0, self._documentation(str(flow.extra["documentation"]))))
        children += [
            (_rank(k, "flow"), k) for k in self._kept(flow.extra.get("children"), f"flow {flow.id!r}")
        ]
        if flow.condition:
            condition = Element(
                q(MODEL, "conditionExpression"), {q(XSI, "type"): q(MODEL, "tFormalExpression")}
            )
            attributes = flow.extra.get("conditionAttributes")
            if isinstance(attributes, dict):
                self._attributes(condition, attributes)
            condition.text = flow.condition
            children.append((5, condition))
        element.extend(e for _, e in sorted(children, key=lambda c: c[0]))
        return element

    def _artifacts(self, model: ProcessModel, *, scope: str) -> list[Element]:
        """Data objects, data stores, annotations, groups and associations of one scope."""
        elements: list[Element] = []
        for artifact in model.artifacts:
            if artifact.kind in ("dataInputAssociation", "dataOutputAssociation"):
                continue
            if (artifact.extra.get("scope") == "collaboration") != (scope == "collaboration"):
                continue
            if artifact.kind == "association" and not {artifact.source, artifact.target} <= self.elements:
                continue  # an end was deleted in the workbench: a dangling association breaks modelers
            element = Element(q(MODEL, artifact.kind), {"id": artifact.id})
            if artifact.name and artifact.kind not in ("textAnnotation", "group"):
                element.set("name", artifact.name)
            self._attributes(element, artifact.extra)
            if artifact.kind == "association":
                element.set("sourceRef", artifact.source)
                element.set("targetRef", artifact.target)
            if artifact.kind == "group":
                self._category(element, artifact)
            if artifact.extra.get("documentation"):
                element.append(self._documentation(str(artifact.extra["documentation"])))
            element.extend(self._kept(artifact.extra.get("children"), f"artifact {artifact.id!r}"))
            if artifact.kind == "textAnnotation":
                SubElement(element, q(MODEL, "text")).text = artifact.name
            elements.append(element)
        flow_like = {"dataObject", "dataObjectReference", "dataStoreReference"}
        return [e for e in elements if split(e.tag)[1] in flow_like] + [
            e for e in elements if split(e.tag)[1] not in flow_like
        ]

    def _category(self, element: Element, group: Artifact) -> None:
        """A group's label lives in a category value; make one when the group has none."""
        if element.get("categoryValueRef") in self.root_ids or not group.name:
            return
        category = Element(q(MODEL, "category"), {"id": self.fresh(f"{group.id}_category")})
        value = SubElement(
            category, q(MODEL, "categoryValue"), {"id": self.fresh(f"{group.id}_value"), "value": group.name}
        )
        element.set("categoryValueRef", value.get("id", ""))
        self.extra_roots.append(category)

    def _collaboration(self, collaboration: Element, prepared: list[_Prepared]) -> list[Pool]:
        kept_texts: list[str] = []
        for item in prepared:
            for text in item.model.extra.get("collaborationChildren") or []:
                if text not in kept_texts:
                    kept_texts.append(text)
        collaboration.extend(self._kept(kept_texts, "collaboration"))
        written: set[str] = set()
        for item in prepared:
            pool = item.participant
            if pool is None:
                continue
            collaboration.append(self._participant(pool, item.model.name, item.model.id))
            written.add(pool.id)
        partners: list[Pool] = []
        for item in prepared:
            for pool in item.model.partners:
                if pool.id in written:
                    continue
                written.add(pool.id)
                self.used.add(pool.id)
                partners.append(pool)
                collaboration.append(self._participant(pool, pool.name, ""))
        self._place_partners(prepared, partners)
        targets = set(written)
        for item in prepared:
            targets.update(self._drawable_ids(item.model))
        seen: set[str] = set()
        for item in prepared:
            for message in item.model.message_flows:
                if message.id in seen or message.source not in targets or message.target not in targets:
                    continue  # an end is in a model not being exported: the flow cannot point to it
                seen.add(message.id)
                collaboration.append(self._message_flow(message))
        self.message_ids = seen
        for item in prepared:
            collaboration.extend(self._artifacts(item.model, scope="collaboration"))
        return partners

    def _message_flow(self, message: MessageFlow) -> Element:
        element = Element(q(MODEL, "messageFlow"), {"id": message.id})
        if message.name:
            element.set("name", message.name)
        element.set("sourceRef", message.source)
        element.set("targetRef", message.target)
        self._attributes(element, message.extra)
        if message.extra.get("documentation"):
            element.append(self._documentation(str(message.extra["documentation"])))
        element.extend(self._kept(message.extra.get("children"), f"message flow {message.id!r}"))
        return element

    def _participant(self, pool: Pool, name: str, process_id: str) -> Element:
        element = Element(q(MODEL, "participant"), {"id": pool.id})
        if name:
            element.set("name", name)
        if process_id:
            element.set("processRef", process_id)
        self._attributes(element, pool.extra)
        if pool.extra.get("documentation"):
            element.append(self._documentation(str(pool.extra["documentation"])))
        element.extend(self._kept(pool.extra.get("children"), f"pool {pool.id!r}"))
        return element

    @staticmethod
    def _drawable_ids(model: ProcessModel) -> set[str]:
        ids = set(model.graph.nodes)
        for node in model.nodes():
            inner = _inner(node)
            if inner is not None:
                ids |= Writer._drawable_ids(inner)
        return ids

    def _place_partners(self, prepared: list[_Prepared], partners: list[Pool]) -> None:
        everything = _box(b for item in prepared for b in _all_bounds(item.model))
        left = everything.x if everything else 0.0
        width = everything.width if everything else 600.0
        floor = (everything.y + everything.height + GAP) if everything else 0.0
        for index, pool in enumerate(partners):
            if pool.bounds is None:
                partners[index] = replace(pool, bounds=Bounds(left, floor, width, 60.0), horizontal=True)
                floor += 60.0 + GAP

    # --- diagram interchange ---------------------------------------------------------------

    def _diagrams(
        self,
        definitions: Element,
        prepared: list[_Prepared],
        partners: list[Pool],
        collaboration: Element | None,
    ) -> None:
        diagram = SubElement(definitions, q(BPMNDI, "BPMNDiagram"), {"id": self.fresh("BPMNDiagram_1")})
        plane_element = collaboration.get("id", "") if collaboration is not None else prepared[0].model.id
        plane = SubElement(
            diagram, q(BPMNDI, "BPMNPlane"), {"id": self.fresh("BPMNPlane_1"), "bpmnElement": plane_element}
        )
        drilldowns: list[tuple[str, ProcessModel]] = []
        for item in prepared:
            model = item.model
            horizontal = item.participant.horizontal if item.participant is not None else True
            if item.participant is not None and item.participant.bounds is not None:
                self._shape(
                    plane,
                    item.participant.id,
                    item.participant.bounds,
                    {"isHorizontal": "true" if horizontal else "false"},
                )
                self.boxes[item.participant.id] = item.participant.bounds
            for lane in model.lanes.values():
                if lane.bounds is not None:
                    self._shape(
                        plane, lane.id, lane.bounds, {"isHorizontal": "true" if horizontal else "false"}
                    )
            self._draw(plane, model, item.relaid, drilldowns)
        for pool in partners:
            if pool.bounds is not None:
                self._shape(
                    plane, pool.id, pool.bounds, {"isHorizontal": "true" if pool.horizontal else "false"}
                )
                self.boxes[pool.id] = pool.bounds
        for item in prepared:
            self._draw_artifacts(plane, item.model, scope="collaboration")
        for item in prepared:
            for message in item.model.message_flows:
                if message.id not in self.message_ids:
                    continue
                points = message.waypoints
                if not points and message.source in self.boxes and message.target in self.boxes:
                    points = self._message_route(self.boxes[message.source], self.boxes[message.target])
                self._edge(plane, message.id, points, message.extra)
        for sub_process_id, inner in drilldowns:
            sub_diagram = SubElement(
                definitions, q(BPMNDI, "BPMNDiagram"), {"id": self.fresh(f"BPMNDiagram_{sub_process_id}")}
            )
            sub_plane = SubElement(
                sub_diagram,
                q(BPMNDI, "BPMNPlane"),
                {"id": self.fresh(f"BPMNPlane_{sub_process_id}"), "bpmnElement": sub_process_id},
            )
            nested: list[tuple[str, ProcessModel]] = []
            self._draw(sub_plane, inner, False, nested)
            drilldowns += nested

    @staticmethod
    def _message_route(source: Bounds, target: Bounds) -> tuple[tuple[float, float], ...]:
        sx, _ = _centre(source)
        tx, _ = _centre(target)
        if source.y + source.height <= target.y:
            start, end = (sx, source.y + source.height), (tx, target.y)
        elif target.y + target.height <= source.y:
            start, end = (sx, source.y), (tx, target.y + target.height)
        else:
            return _straight(source, target)
        if abs(sx - tx) < 1:
            return start, end
        mid = (start[1] + end[1]) / 2
        return start, (sx, mid), (tx, mid), end

    def _draw(
        self, plane: Element, model: ProcessModel, relaid: bool, drilldowns: list[tuple[str, ProcessModel]]
    ) -> None:
        nodes = sorted(model.nodes(), key=lambda n: n.kind is NodeKind.boundary_event)
        for node in nodes:
            if node.bounds is None:
                continue
            self.boxes[node.id] = node.bounds
            attributes: dict[str, str] = {}
            inner = _inner(node)
            is_container = node.kind is NodeKind.sub_process
            inline = inner is not None and self._inline(node, inner, relaid)
            if is_container:
                expanded = inline or (inner is None and node.extra.get("isExpanded") == "true" and not relaid)
                attributes["isExpanded"] = "true" if expanded else "false"
            self._shape(plane, node.id, node.bounds, attributes, node.extra)
            if inner is not None:
                if inline:
                    self._draw(plane, inner, relaid, drilldowns)
                else:
                    drilldowns.append((node.id, inner))
        for flow in model.flows():
            self._edge(plane, flow.id, flow.waypoints, flow.extra)
        self._draw_artifacts(plane, model, scope="process")

    def _draw_artifacts(self, plane: Element, model: ProcessModel, *, scope: str) -> None:
        for artifact in model.artifacts:
            if artifact.kind == "dataObject" or (artifact.extra.get("scope") == "collaboration") != (
                scope == "collaboration"
            ):
                continue
            if artifact.kind not in EDGE_KINDS and artifact.bounds is not None:
                self._shape(plane, artifact.id, artifact.bounds, {}, artifact.extra)
                self.boxes[artifact.id] = artifact.bounds
        for artifact in model.artifacts:
            if artifact.kind not in EDGE_KINDS or (artifact.extra.get("scope") == "collaboration") != (
                scope == "collaboration"
            ):
                continue
            if artifact.kind == "association" and not {artifact.source, artifact.target} <= self.elements:
                continue
            points = artifact.waypoints
            if not points and artifact.source in self.boxes and artifact.target in self.boxes:
                points = _straight(self.boxes[artifact.source], self.boxes[artifact.target])
            self._edge(plane, artifact.id, points, artifact.extra)

    def _shape(
        self,
        plane: Element,
        element_id: str,
        bounds: Bounds,
        attributes: dict[str, str],
        extra: dict[str, Any] | None = None,
    ) -> None:
        shape = SubElement(
            plane,
            q(BPMNDI, "BPMNShape"),
            {"id": self.fresh(f"{element_id}_di"), "bpmnElement": element_id, **attributes},
        )
        self._di_attributes(shape, extra)
        SubElement(shape, q(DC, "Bounds"), self._bounds(bounds))
        self._label(shape, extra)

    def _edge(
        self, plane: Element, element_id: str, points: tuple[tuple[float, float], ...], extra: dict[str, Any]
    ) -> None:
        if len(points) < 2:
            return
        edge = SubElement(
            plane, q(BPMNDI, "BPMNEdge"), {"id": self.fresh(f"{element_id}_di"), "bpmnElement": element_id}
        )
        self._di_attributes(edge, extra)
        for x, y in points:
            SubElement(edge, q(DI, "waypoint"), {"x": _num(x), "y": _num(y)})
        self._label(edge, extra)

    def _di_attributes(self, element: Element, extra: dict[str, Any] | None) -> None:
        di = (extra or {}).get("di")
        if isinstance(di, dict):
            self._attributes(element, {k: v for k, v in di.items() if k.startswith("{")})

    def _label(self, element: Element, extra: dict[str, Any] | None) -> None:
        label = (extra or {}).get("labelBounds")
        if isinstance(label, dict) and all(
            isinstance(label.get(k), int | float) for k in ("x", "y", "width", "height")
        ):
            holder = SubElement(element, q(BPMNDI, "BPMNLabel"))
            SubElement(
                holder,
                q(DC, "Bounds"),
                self._bounds(Bounds(label["x"], label["y"], label["width"], label["height"])),
            )

    @staticmethod
    def _bounds(bounds: Bounds) -> dict[str, str]:
        return {
            "x": _num(bounds.x),
            "y": _num(bounds.y),
            "width": _num(bounds.width),
            "height": _num(bounds.height),
        }


def write(models: list[ProcessModel]) -> bytes:
    """BPMN 2.0 XML for the models (one pool each when there are several)."""
    if not models:
        raise BpmnError("nothing to export: no process model was given")
    for model in models:
        if not isinstance(model, ProcessModel):
            raise BpmnError(f"cannot export {type(model).__name__}: expected a ProcessModel")
    return Writer(models).write()
