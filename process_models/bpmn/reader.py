"""BPMN 2.0 XML (with diagram interchange) -> process models, with a report of what was not kept.

One model per `process`. A collaboration's participant names the model and becomes its pool;
participants without a process become partner pools of the models their message flows touch.
Lanes are flattened to their leaves. Sub-processes are nodes whose inner content is kept in
`node.extra["process"]` (a model dict, see `ProcessModel.sub_process`). Elements the model has no
field for are kept verbatim as XML text in an `extra["children"]` list when they belong to a
kept element (event definitions, extension elements, I/O specifications, loops), so an export
writes them back. Everything else is named in the report. Elements are matched by namespace URI,
never by prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from process_models.bpmn.names import BPMNDI, DC, DI, MODEL, WORKBENCH, XSI, local, q, split
from process_models.bpmn.report import ImportReport, Outcome
from process_models.bpmn.safety import BpmnError, ParsedXml
from process_models.bpmn.xmltext import fragment
from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import Artifact, Bounds, Flow, MessageFlow, Pool, ProcessModel

NODE_KINDS = {kind.value: kind for kind in NodeKind}
# Elements the model has no kind for, read as the nearest kind; the element name is kept in
# extra["element"] so the writer restores it.
APPROXIMATED = {
    "transaction": NodeKind.sub_process,
    "adHocSubProcess": NodeKind.sub_process,
    "implicitThrowEvent": NodeKind.intermediate_throw_event,
}
SUB_PROCESS_ELEMENTS = {"subProcess", "transaction", "adHocSubProcess"}
ARTIFACT_ELEMENTS = {
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "group",
    "association",
}
DATA_ASSOCIATIONS = {"dataInputAssociation", "dataOutputAssociation"}
LOOPS = {"standardLoopCharacteristics": "standard", "multiInstanceLoopCharacteristics": "parallel"}
# Definitions-level elements other elements refer to (messageRef, errorRef, dataStoreRef,
# categoryValueRef...): kept verbatim with every model of the file so references stay valid.
ROOT_ELEMENTS_KEPT = {
    "message",
    "error",
    "escalation",
    "signal",
    "itemDefinition",
    "dataStore",
    "resource",
    "category",
    "interface",
    "import",
    "extension",
    "correlationProperty",
    "partnerEntity",
    "partnerRole",
    "endPoint",
    "timerEventDefinition",
    "messageEventDefinition",
    "signalEventDefinition",
    "errorEventDefinition",
    "escalationEventDefinition",
    "conditionalEventDefinition",
    "compensateEventDefinition",
    "linkEventDefinition",
    "terminateEventDefinition",
    "cancelEventDefinition",
    "globalTask",
    "globalUserTask",
    "globalManualTask",
    "globalScriptTask",
    "globalBusinessRuleTask",
    "documentation",
    "extensionElements",
}
# Flow elements with no equivalent in a process model (choreographies): reported, not kept.
UNSUPPORTED_FLOW_ELEMENTS = {"callChoreography", "choreographyTask", "subChoreography"}
PROCESS_SKIP_ATTRIBUTES = {"id", "name", q(WORKBENCH, "variant")}


@dataclass
class BpmnImport:
    """The result of an import: one model per process, and the report of what was not kept."""

    models: list[ProcessModel]
    report: ImportReport
    source: str = ""

    def model(self, process_id: str) -> ProcessModel:
        """The model read from the process with this id."""
        for model in self.models:
            if model.id == process_id:
                return model
        raise KeyError(process_id)


@dataclass
class _Shape:
    element: Element
    bounds: Bounds | None
    label: Bounds | None
    horizontal: bool | None
    expanded: bool | None
    attributes: dict[str, str]
    parts: list[Element]


@dataclass
class _Edge:
    element: Element
    waypoints: tuple[tuple[float, float], ...]
    label: Bounds | None
    attributes: dict[str, str]
    parts: list[Element]


@dataclass
class _Pending:
    """A data association met inside an activity, added once every node of the scope exists."""

    element: Element
    node_id: str


@dataclass
class _Scope:
    """The model being filled (a process, or a sub-process's inner content)."""

    model: ProcessModel
    process: str
    lane_of: dict[str, str] = field(default_factory=dict)
    pending: list[_Pending] = field(default_factory=list)


@dataclass
class _Roots:
    """The children of <definitions>, sorted by what reads them."""

    processes: list[Element] = field(default_factory=list)
    collaborations: list[Element] = field(default_factory=list)
    participants: dict[str, Element] = field(default_factory=dict)  # process id -> its first pool
    kept: list[str] = field(default_factory=list)  # root elements kept verbatim


def _number(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def _owners(models: list[ProcessModel]) -> dict[str, ProcessModel]:
    """Which model holds each pool and node id (the nodes inside sub-processes too)."""
    owner: dict[str, ProcessModel] = {}
    for model in models:
        if model.pool is not None:
            owner[model.pool.id] = model
        for node in model.nodes():
            owner[node.id] = model
            inner = node.extra.get("process")
            stack = [inner] if isinstance(inner, dict) else []
            while stack:
                content = stack.pop()
                for inner_node in content.get("nodes", []):
                    owner[inner_node["id"]] = model
                    if isinstance(inner_node.get("extra", {}).get("process"), dict):
                        stack.append(inner_node["extra"]["process"])
    return owner


def _markers(element: Element) -> dict[str, str]:
    """A node's event definitions and loop marker, as the model's extra keeps them."""
    event_definitions: list[str] = []
    loop = ""
    for child in element:
        child_name = local(child.tag)
        if split(child.tag)[0] == MODEL and child_name.endswith("EventDefinition"):
            event_definitions.append(child_name)
        if split(child.tag)[0] == MODEL and child_name in LOOPS:
            loop = LOOPS[child_name]
            if (
                child_name == "multiInstanceLoopCharacteristics"
                and child.get("isSequential", "false").strip() == "true"
            ):
                loop = "sequential"
    found: dict[str, str] = {}
    if event_definitions:
        found["eventDefinition"] = " ".join(event_definitions)
    if loop:
        found["loop"] = loop
    return found


def _text(element: Element) -> str:
    return "".join(element.itertext())


def _join(texts: list[str]) -> str:
    """Documentation texts joined; blank ones (tools write empty elements) add nothing."""
    return "\n\n".join(t for t in texts if t.strip())


class Reader:
    """Reads one parsed document; `read()` returns the models and the report."""

    def __init__(self, parsed: ParsedXml, source: str) -> None:
        self.parsed = parsed
        self.root = parsed.root
        self.source = source
        self.report = ImportReport(source)
        self._consumed: set[int] = set()
        self._reported: set[str] = set()
        # Bare event definitions and loop markers (as the writer makes them from extra keys):
        # not kept verbatim, so a model made in the workbench round-trips to itself.
        self._derived: set[int] = set()
        self.shapes: dict[str, _Shape] = {}
        self.edges: dict[str, _Edge] = {}
        self.by_id: dict[str, Element] = {}
        self.hints = {prefix: uri for prefix, uri in parsed.namespaces.items() if prefix}

    # --- helpers -------------------------------------------------------------------------

    def _is(self, element: Element, *names: str) -> bool:
        namespace, name = split(element.tag)
        return namespace == MODEL and name in names

    def _consume(self, *elements: Element) -> None:
        for element in elements:
            self._consumed.add(id(element))

    def _consume_tree(self, element: Element) -> None:
        for inner in element.iter():
            self._consumed.add(id(inner))

    def _duplicate(self, element: Element, process: str = "") -> bool:
        """True (and reported) when an earlier element of the file has the same id: ids are
        unique in a BPMN file, and references to a repeated one cannot be told apart."""
        element_id = element.get("id", "")
        first = self.by_id.get(element_id)
        if not element_id or first is None or first is element:
            return False
        self._consume_tree(element)
        self.report.add(
            Outcome.not_kept,
            local(element.tag),
            element_id,
            f"the id is already used by a {local(first.tag)} earlier in the file",
            process,
        )
        return True

    def _not_kept(self, element: Element, message: str, process: str = "") -> None:
        element_id = element.get("id", "")
        self._consume_tree(element)
        if element_id:
            self._reported.add(element_id)
        self.report.add(Outcome.not_kept, local(element.tag), element_id, message, process)

    def _keep_verbatim(self, element: Element, owner: str, process: str, kept: list[str]) -> None:
        self._consume_tree(element)
        if id(element) in self._derived:
            return  # fully said by extra["eventDefinition"] / extra["loop"]
        kept.append(fragment(element, self.hints))
        name = local(element.tag)
        if not (name.endswith("EventDefinition") or name == "eventDefinitionRef" or name in LOOPS):
            self.report.add(
                Outcome.verbatim,
                name,
                owner,
                "kept as written and exported again; the workbench does not edit it",
                process,
            )

    def _attributes(self, element: Element, skip: set[str]) -> dict[str, str]:
        """Attributes kept in `extra`: BPMN ones by local name, foreign ones as `{uri}name`."""
        kept: dict[str, str] = {}
        for name, value in element.attrib.items():
            if name in skip:
                continue
            namespace, name_local = split(name)
            kept[name_local if namespace in ("", MODEL) else name] = value
        return kept

    # --- the document --------------------------------------------------------------------

    def read(self) -> BpmnImport:
        """Read every process; report the rest."""
        root = self.root
        self._check_root(root)
        self._consume(root)
        for note in self.parsed.notes:
            self.report.add(Outcome.note, "xml", "", note)
        for element in root.iter():
            element_id = element.get("id")
            if element_id and split(element.tag)[0] == MODEL:
                self.by_id.setdefault(element_id, element)
        self._index_diagrams()
        roots = self._sort_roots(root)
        models: list[ProcessModel] = []
        for process in roots.processes:
            model = self._read_process(process, roots.participants.get(process.get("id", "")))
            if model is not None:
                models.append(model)
        self._read_collaborations(roots.collaborations, roots.participants, models)
        for model in models:
            if roots.kept:
                model.extra["rootElements"] = list(roots.kept)
            if self.hints:
                model.extra["namespaces"] = dict(self.hints)
        if not models:
            self.report.add(
                Outcome.note, "definitions", root.get("id", ""), "the file has no process to import"
            )
        self._sweep(root, "")
        return BpmnImport(models, self.report, self.source)

    def _check_root(self, root: Element) -> None:
        """Refuse a file whose root is not BPMN 2.0's <definitions>, saying what it is instead."""
        if isinstance(root.tag, str) and split(root.tag) == (MODEL, "definitions"):
            return
        namespace, name = split(root.tag) if isinstance(root.tag, str) else ("", "?")
        if name == "definitions" and namespace:
            raise BpmnError(
                f"the root element is <definitions> in namespace {namespace!r}, not BPMN 2.0 ({MODEL})",
                source=self.source,
            )
        shown = f"<{name}>" + (f" (namespace {namespace})" if namespace else "")
        raise BpmnError(
            f"not a BPMN 2.0 file: the root element is {shown}, not <definitions> of {MODEL}",
            source=self.source,
        )

    def _sort_roots(self, root: Element) -> _Roots:
        """The processes, the collaborations (with each process's first pool) and the root
        elements kept verbatim."""
        roots = _Roots()
        for child in root:
            if self._is(child, "process"):
                roots.processes.append(child)
            elif self._is(child, "collaboration"):
                roots.collaborations.append(child)
                self._consume(child)
                for participant in child:
                    if self._is(participant, "participant"):
                        self._consume(participant)
                        ref = participant.get("processRef")
                        if ref and ref not in roots.participants:
                            roots.participants[ref] = participant
            elif self._is(child, *ROOT_ELEMENTS_KEPT):
                self._consume_tree(child)
                roots.kept.append(fragment(child, self.hints))
        return roots

    # --- diagram interchange -------------------------------------------------------------

    def _bounds(self, element: Element | None) -> Bounds | None:
        if element is None:
            return None
        self._consume(element)
        return Bounds(
            _number(element.get("x")),
            _number(element.get("y")),
            _number(element.get("width")),
            _number(element.get("height")),
        )

    def _label(self, element: Element, parts: list[Element]) -> Bounds | None:
        label = element.find(q(BPMNDI, "BPMNLabel"))
        if label is None:
            return None
        parts.append(label)
        bounds = label.find(q(DC, "Bounds"))
        if bounds is not None:
            parts.append(bounds)
        return self._bounds(bounds) if bounds is not None else None

    def _index_diagrams(self) -> None:
        """Index shapes and edges by the element they show: the first diagram showing it wins."""
        for diagram in self.root.findall(q(BPMNDI, "BPMNDiagram")):
            self._consume(diagram)
            for plane in diagram.findall(q(BPMNDI, "BPMNPlane")):
                self._consume(plane)
                for item in plane:
                    target = item.get("bpmnElement", "")
                    if item.tag == q(BPMNDI, "BPMNShape"):
                        if target in self.shapes:
                            self._duplicate_di(item, target)
                            continue
                        parts: list[Element] = []
                        bounds_element = item.find(q(DC, "Bounds"))
                        horizontal = item.get("isHorizontal")
                        expanded = item.get("isExpanded")
                        self.shapes[target] = _Shape(
                            item,
                            Bounds(
                                _number(bounds_element.get("x")),
                                _number(bounds_element.get("y")),
                                _number(bounds_element.get("width")),
                                _number(bounds_element.get("height")),
                            )
                            if bounds_element is not None
                            else None,
                            self._label(item, parts),
                            None if horizontal is None else horizontal.strip() == "true",
                            None if expanded is None else expanded.strip() == "true",
                            {k: v for k, v in item.attrib.items() if split(k)[0] not in ("", BPMNDI)},
                            parts + ([bounds_element] if bounds_element is not None else []),
                        )
                    elif item.tag == q(BPMNDI, "BPMNEdge"):
                        if target in self.edges:
                            self._duplicate_di(item, target)
                            continue
                        points = [p for p in item if p.tag == q(DI, "waypoint")]
                        parts = list(points)
                        self.edges[target] = _Edge(
                            item,
                            tuple((_number(p.get("x")), _number(p.get("y"))) for p in points),
                            self._label(item, parts),
                            {k: v for k, v in item.attrib.items() if split(k)[0] not in ("", BPMNDI)},
                            parts,
                        )

    def _duplicate_di(self, item: Element, target: str) -> None:
        self._consume_tree(item)
        self.report.add(
            Outcome.note,
            local(item.tag),
            item.get("id", ""),
            f"{target!r} is drawn again in another diagram; the first drawing is kept",
        )

    def _shape(self, element_id: str) -> _Shape | None:
        shape = self.shapes.get(element_id)
        if shape is not None:
            self._consume(shape.element, *shape.parts)
        return shape

    def _edge(self, element_id: str) -> _Edge | None:
        edge = self.edges.get(element_id)
        if edge is not None:
            self._consume(edge.element, *edge.parts)
        return edge

    @staticmethod
    def _di_extra(extra: dict[str, Any], shape: _Shape | _Edge | None) -> None:
        if shape is None:
            return
        if shape.label is not None:
            extra["labelBounds"] = _plain_bounds(shape.label)
        if shape.attributes:
            extra["di"] = dict(shape.attributes)

    # --- processes -----------------------------------------------------------------------

    def _read_process(self, process: Element, participant: Element | None) -> ProcessModel | None:
        self._consume(process)
        process_id = process.get("id", "")
        if not process_id:
            self._not_kept(process, "a process without an id cannot be referenced; it was not read")
            return None
        if self._duplicate(process):
            return None
        process_name = process.get("name", "")
        variant_text = process.get(q(WORKBENCH, "variant"), Variant.as_is.value)
        try:
            variant = Variant(variant_text)
        except ValueError:
            variant = Variant.as_is
            self.report.add(
                Outcome.changed,
                "process",
                process_id,
                f"unknown variant {variant_text!r} read as {variant.value!r}",
            )
        pool: Pool | None = None
        name = process_name or process_id
        if participant is not None:
            shape = self._shape(participant.get("id", ""))
            name = participant.get("name") or name
            pool = Pool(
                participant.get("id", ""),
                participant.get("name", ""),
                shape.bounds if shape else None,
                True if shape is None or shape.horizontal is None else shape.horizontal,
                self._pool_extra(participant, process_id),
            )
        model = ProcessModel(name=name, variant=variant, id=process_id, pool=pool)
        model.extra.update(self._attributes(process, PROCESS_SKIP_ATTRIBUTES))
        if process_name:
            model.extra["processName"] = process_name
        scope = _Scope(model, process_id)
        self._read_lanes(process, scope)
        children: list[str] = []
        documentation = self._read_content(process, scope, children, owner=process_id)
        if documentation:
            model.documentation = documentation
        self._lanes_by_drawing(scope)
        if children:
            model.extra["children"] = children
        return model

    def _read_lanes(self, process: Element, scope: _Scope) -> None:
        model = scope.model
        lane_sets = [child for child in process if self._is(child, "laneSet")]
        for index, lane_set in enumerate(lane_sets):
            self._consume(lane_set)
            if index == 0 and lane_set.get("id"):
                model.extra["laneSet"] = lane_set.get("id")
            elif index > 0:
                self.report.add(
                    Outcome.changed,
                    "laneSet",
                    lane_set.get("id", ""),
                    "a second lane set was merged into the first",
                    scope.process,
                )
            for lane in lane_set:
                if self._is(lane, "lane"):
                    self._read_lane(lane, [], scope)
        # Lanes may list elements that are not direct children of the process: inside a
        # sub-process (the sub-process's lane covers them), or not in the file at all.
        known = {child.get("id") for child in process}
        nested = {e.get("id") for e in process.iter() if e.get("id")} - known
        for node_id, lane_id in list(scope.lane_of.items()):
            if node_id not in known:
                del scope.lane_of[node_id]
                lane_name = model.lanes[lane_id].name
                # Some tools (BonitaSoft) qualify ids ("Approvals.Start1") but not references.
                qualified = [k for k in known if isinstance(k, str) and k.endswith("." + node_id)]
                if len(qualified) == 1 and qualified[0] not in scope.lane_of:
                    scope.lane_of[qualified[0]] = lane_id
                    self.report.add(
                        Outcome.changed,
                        "flowNodeRef",
                        node_id,
                        f"lane {lane_name!r} lists {node_id!r}, which is not an id; read as {qualified[0]!r}",
                        scope.process,
                    )
                elif node_id in nested:
                    self.report.add(
                        Outcome.changed,
                        "flowNodeRef",
                        node_id,
                        f"lane {lane_name!r} lists an element inside a sub-process; it stays in its "
                        "sub-process, which has no lanes",
                        scope.process,
                    )
                else:
                    self.report.add(
                        Outcome.note,
                        "flowNodeRef",
                        node_id,
                        f"lane {lane_name!r} lists an element that is not in this process (ignored)",
                        scope.process,
                    )

    def _lanes_by_drawing(self, scope: _Scope) -> None:
        """Nodes no lane lists, drawn inside a lane, go in that lane (some tools write broken
        or no flowNodeRefs; the drawing is what the modeler saw)."""
        model = scope.model
        lanes = [lane for lane in model.lanes.values() if lane.bounds is not None]
        if not lanes:
            return
        for node in list(model.nodes()):
            if node.lane is not None or node.bounds is None:
                continue
            x = node.bounds.x + node.bounds.width / 2
            y = node.bounds.y + node.bounds.height / 2
            for lane in lanes:
                b = lane.bounds
                if b is not None and b.x <= x <= b.x + b.width and b.y <= y <= b.y + b.height:
                    model.update_node(node.id, lane=lane.id)
                    self.report.add(
                        Outcome.changed,
                        local(self.by_id[node.id].tag) if node.id in self.by_id else node.kind.value,
                        node.id,
                        f"no lane lists it; placed in lane {lane.name!r}, where it is drawn",
                        scope.process,
                    )
                    break

    def _read_lane(self, lane: Element, parents: list[str], scope: _Scope) -> list[str]:
        """Read a lane and its child lanes; returns the ids of the leaf lanes under it."""
        self._consume(lane)
        lane_id = lane.get("id", "")
        name = lane.get("name", "")
        refs: list[str] = []
        child_lanes: list[Element] = []
        for child in lane:
            if self._is(child, "flowNodeRef"):
                self._consume(child)
                refs.append((child.text or "").strip())
            elif self._is(child, "childLaneSet"):
                self._consume(child)
                child_lanes += [c for c in child if self._is(c, "lane")]
        if not lane_id:
            self._not_kept(lane, "a lane without an id", scope.process)
            return []
        if self._duplicate(lane, scope.process):
            return []
        if child_lanes:
            leaves: list[str] = []
            for child in child_lanes:
                leaves += self._read_lane(child, [*parents, name] if name else parents, scope)
            shape = self._shape(lane_id)
            detail = " and its drawing" if shape is not None else ""
            self.report.add(
                Outcome.changed,
                "lane",
                lane_id,
                f"lane {name!r} has sub-lanes: it was flattened{detail}, its sub-lanes are named after it",
                scope.process,
            )
            for ref in refs:
                if ref and ref not in scope.lane_of and leaves:
                    scope.lane_of[ref] = leaves[0]
                    self.report.add(
                        Outcome.changed,
                        "flowNodeRef",
                        ref,
                        f"listed in lane {name!r} but in none of its sub-lanes: placed in "
                        f"{scope.model.lanes[leaves[0]].name!r}",
                        scope.process,
                    )
            return leaves
        full_name = " / ".join([*parents, name]) if parents else name
        kind_text = lane.get(q(WORKBENCH, "kind"), LaneKind.role.value)
        kind = LaneKind(kind_text) if kind_text in LaneKind._value2member_map_ else LaneKind.role
        shape = self._shape(lane_id)
        if lane_id in scope.model.lanes:
            self._not_kept(lane, "a second lane with the same id", scope.process)
            return []
        scope.model.add_lane(full_name, kind, id=lane_id, bounds=shape.bounds if shape else None)
        for ref in refs:
            if not ref:
                continue
            if ref in scope.lane_of:
                kept_in = scope.model.lanes[scope.lane_of[ref]].name
                self.report.add(
                    Outcome.changed,
                    "flowNodeRef",
                    ref,
                    f"listed in two lanes; kept in {kept_in!r}",
                    scope.process,
                )
            else:
                scope.lane_of[ref] = lane_id
        return [lane_id]

    def _read_content(
        self,
        container: Element,
        scope: _Scope,
        children: list[str],
        *,
        owner: str,
        outer: list[_Pending] | None = None,
    ) -> str:
        """Read the flow elements and artifacts of a process or sub-process into `scope.model`.

        Children that are not flow content are kept verbatim into `children`; a sub-process's own
        data associations go to `outer` (they join the sub-process node to data of the enclosing
        scope). Returns the documentation text.
        """
        documentation: list[str] = []
        flows: list[Element] = []
        artifacts: list[Element] = []
        is_sub_process = not self._is(container, "process")
        for child in container:
            namespace, name = split(child.tag)
            if namespace != MODEL:
                if namespace in (BPMNDI, DC, DI):
                    continue
                self._keep_verbatim(child, owner, scope.process, children)
            elif name in NODE_KINDS or name in APPROXIMATED:
                self._read_node(child, scope)
            elif name == "sequenceFlow":
                flows.append(child)
            elif name in ARTIFACT_ELEMENTS:
                artifacts.append(child)
            elif name == "documentation":
                self._consume_tree(child)
                documentation.append(_text(child))
            elif name == "laneSet":
                # A process's lane sets were read by _read_lanes (what they hold is checked there).
                if is_sub_process:
                    self._not_kept(
                        child,
                        "lanes inside a sub-process are not kept (the sub-process's elements are)",
                        scope.process,
                    )
            elif name in ("incoming", "outgoing"):
                self._consume_tree(child)
            elif name in UNSUPPORTED_FLOW_ELEMENTS:
                self._not_kept(
                    child, "choreography elements have no equivalent in a process model", scope.process
                )
            elif name in DATA_ASSOCIATIONS and outer is not None:
                outer.append(_Pending(child, owner))
                self._consume(child)
            else:
                self._keep_verbatim(child, owner, scope.process, children)
        self._read_connections(scope, flows, artifacts)
        return _join(documentation)

    def _read_connections(self, scope: _Scope, flows: list[Element], artifacts: list[Element]) -> None:
        """Sequence flows, artifacts and data associations: read once every node they may
        connect is in `scope.model`."""
        read: dict[str, Flow] = {}
        for flow in flows:
            self._read_flow(flow, scope, read)
        # In one batch: adding flows one by one checks each id against all others (quadratic).
        scope.model.add_flows(read.values())
        for artifact in artifacts:
            self._read_artifact(artifact, scope.model, scope.process)
        for pending in scope.pending:
            self._read_data_association(pending, scope.model, scope.process)
        scope.pending.clear()

    def _read_node(self, element: Element, scope: _Scope) -> None:
        model = scope.model
        self._consume(element)
        name = local(element.tag)
        node_id = element.get("id", "")
        if not node_id:
            self._not_kept(element, "a flow node without an id cannot be connected", scope.process)
            return
        if node_id in model.graph or self._duplicate(element, scope.process):
            if node_id in model.graph:
                self._not_kept(element, "a second element with the same id", scope.process)
            return
        kind = NODE_KINDS.get(name) or APPROXIMATED[name]
        extra: dict[str, Any] = self._attributes(element, {"id", "name", q(WORKBENCH, "system")})
        if name in APPROXIMATED:
            extra["element"] = name
            self.report.add(
                Outcome.changed,
                name,
                node_id,
                f"read as a {kind.value} (the element name is kept for export)",
                scope.process,
            )
        self._mark_derived(element, node_id)
        documentation = self._read_node_children(element, scope, node_id, extra)
        extra.update(_markers(element))
        shape = self._shape(node_id)
        if shape is not None and shape.expanded is not None:
            extra["isExpanded"] = "true" if shape.expanded else "false"
        self._di_extra(extra, shape)
        model.add_node(
            kind,
            element.get("name", ""),
            lane=scope.lane_of.get(node_id),
            id=node_id,
            description=documentation,
            system=element.get(q(WORKBENCH, "system"), ""),
            bounds=shape.bounds if shape else None,
            extra=extra,
        )

    def _read_node_children(
        self, element: Element, scope: _Scope, node_id: str, extra: dict[str, Any]
    ) -> str:
        """A node's content (a sub-process's inner model), documentation and data associations;
        other children are kept verbatim. Returns the documentation text."""
        children: list[str] = []
        documentation: list[str] = []
        if local(element.tag) in SUB_PROCESS_ELEMENTS:
            inner = ProcessModel(name=element.get("name", ""), variant=scope.model.variant, id=node_id)
            inner_scope = _Scope(inner, scope.process)
            text = self._read_content(element, inner_scope, children, owner=node_id, outer=scope.pending)
            if text:
                documentation.append(text)
            if len(inner) or inner.artifacts:
                extra["process"] = inner.to_dict()
        else:
            for child in element:
                namespace, child_name = split(child.tag)
                if namespace == MODEL and child_name in ("incoming", "outgoing"):
                    self._consume_tree(child)
                elif namespace == MODEL and child_name == "documentation":
                    self._consume_tree(child)
                    documentation.append(_text(child))
                elif namespace == MODEL and child_name in DATA_ASSOCIATIONS:
                    self._consume(child)
                    scope.pending.append(_Pending(child, node_id))
                else:
                    self._keep_verbatim(child, node_id, scope.process, children)
        if children:
            extra["children"] = children
        return _join(documentation)

    def _mark_derived(self, element: Element, node_id: str) -> None:
        markers: dict[str, list[Element]] = {"event": [], "loop": []}
        for child in element:
            namespace, name = split(child.tag)
            if namespace == MODEL and name.endswith("EventDefinition"):
                markers["event"].append(child)
            elif namespace == MODEL and name in LOOPS:
                markers["loop"].append(child)
        for group in markers.values():
            if group and all(self._bare(child, node_id) for child in group):
                self._derived.update(id(child) for child in group)

    @staticmethod
    def _bare(child: Element, node_id: str) -> bool:
        name = local(child.tag)
        allowed = {"id", "isSequential"} if name == "multiInstanceLoopCharacteristics" else {"id"}
        return (
            len(child) == 0
            and not (child.text or "").strip()
            and set(child.attrib) <= allowed
            and child.get("id") in (None, f"{node_id}_{name}")
        )

    def _read_flow(self, element: Element, scope: _Scope, flows: dict[str, Flow]) -> None:
        model = scope.model
        self._consume(element)
        flow_id = element.get("id", "")
        source, target = element.get("sourceRef", ""), element.get("targetRef", "")
        if not flow_id:
            self._not_kept(
                element, f"a sequence flow without an id ({source!r} -> {target!r})", scope.process
            )
            return
        if flow_id in flows:
            self._not_kept(element, "a second sequence flow with the same id", scope.process)
            return
        if self._duplicate(element, scope.process):
            return
        missing = [end for end in (source, target) if end not in model.graph]
        if missing:
            self._not_kept(
                element,
                f"it connects {source!r} -> {target!r}, and {missing[0]!r} is not a node of this process",
                scope.process,
            )
            return
        extra: dict[str, Any] = self._attributes(element, {"id", "name", "sourceRef", "targetRef"})
        condition = ""
        children: list[str] = []
        documentation: list[str] = []
        for child in element:
            namespace, name = split(child.tag)
            if namespace == MODEL and name == "conditionExpression":
                self._consume_tree(child)
                condition = _text(child).strip()
                attributes = dict(self._attributes(child, {q(XSI, "type")}))
                if attributes:
                    extra["conditionAttributes"] = attributes
                if len(child):
                    self.report.add(
                        Outcome.changed,
                        "conditionExpression",
                        flow_id,
                        "only the text of the condition is kept",
                        scope.process,
                    )
            elif namespace == MODEL and name == "documentation":
                self._consume_tree(child)
                documentation.append(_text(child))
            else:
                self._keep_verbatim(child, flow_id, scope.process, children)
        if _join(documentation):
            extra["documentation"] = _join(documentation)
        if children:
            extra["children"] = children
        edge = self._edge(flow_id)
        self._di_extra(extra, edge)
        flows[flow_id] = Flow(
            flow_id, source, target, element.get("name", ""), condition, edge.waypoints if edge else (), extra
        )

    # --- artifacts -----------------------------------------------------------------------

    def _read_artifact(
        self, element: Element, model: ProcessModel, process: str, scope_note: str = ""
    ) -> None:
        self._consume(element)
        kind = local(element.tag)
        artifact_id = element.get("id", "")
        if not artifact_id:
            self._not_kept(element, f"a {kind} without an id", process)
            return
        if self._duplicate(element, process):
            return
        extra: dict[str, Any] = self._attributes(element, {"id", "name", "sourceRef", "targetRef"})
        if scope_note:
            extra["scope"] = scope_note
        name = element.get("name", "")
        children: list[str] = []
        for child in element:
            namespace, child_name = split(child.tag)
            if namespace == MODEL and child_name == "text" and kind == "textAnnotation":
                self._consume_tree(child)
                name = _text(child)
            elif namespace == MODEL and child_name == "documentation":
                self._consume_tree(child)
                if _text(child).strip():
                    extra["documentation"] = _text(child)
            else:
                self._keep_verbatim(child, artifact_id, process, children)
        if children:
            extra["children"] = children
        if kind == "group":
            value = self.by_id.get(element.get("categoryValueRef", ""))
            if value is not None and not name:
                name = value.get("value", "")
        shape = self._shape(artifact_id)
        edge = self._edge(artifact_id)
        self._di_extra(extra, shape or edge)
        model.artifacts.append(
            Artifact(
                artifact_id,
                kind,
                name,
                element.get("sourceRef", ""),
                element.get("targetRef", ""),
                shape.bounds if shape else None,
                edge.waypoints if edge else (),
                extra,
            )
        )

    def _read_data_association(self, pending: _Pending, model: ProcessModel, process: str) -> None:
        element = pending.element
        if self._duplicate(element, process):
            return
        kind = local(element.tag)
        sources: list[str] = []
        target = ""
        extra: dict[str, Any] = self._attributes(element, {"id"})
        children: list[str] = []
        for child in element:
            namespace, name = split(child.tag)
            if namespace == MODEL and name == "sourceRef":
                self._consume_tree(child)
                sources.append((child.text or "").strip())
            elif namespace == MODEL and name == "targetRef":
                self._consume_tree(child)
                target = (child.text or "").strip()
            else:
                self._keep_verbatim(child, element.get("id", pending.node_id), process, children)
        if children:
            extra["children"] = children
        association_id = element.get("id", "")
        if not association_id:
            taken = model.element_ids()
            n = 1
            while f"{pending.node_id}_{kind}_{n}" in taken:
                n += 1
            association_id = f"{pending.node_id}_{kind}_{n}"
            self.report.add(
                Outcome.changed,
                kind,
                association_id,
                "the association had no id; this one was given",
                process,
            )
        if kind == "dataInputAssociation":
            source, end = (sources[0] if sources else ""), pending.node_id
            if len(sources) > 1:
                extra["sourceRefs"] = sources
            # "" records that the file had no targetRef, so the writer does not invent one.
            extra["targetRef"] = target
        else:
            source, end = pending.node_id, target
            if sources:
                extra["sourceRefs"] = sources
        edge = self._edge(association_id)
        self._di_extra(extra, edge)
        model.artifacts.append(
            Artifact(association_id, kind, "", source, end, None, edge.waypoints if edge else (), extra)
        )

    # --- collaborations ------------------------------------------------------------------

    def _read_collaborations(
        self, collaborations: list[Element], participants: dict[str, Element], models: list[ProcessModel]
    ) -> None:
        owner = _owners(models)
        used_participants = {id(p) for p in participants.values()}
        for collaboration in collaborations:
            partners = self._read_partner_pools(collaboration, used_participants, models)
            attached = self._read_message_flows(collaboration, owner, {p.id for p in partners}, models)
            self._attach_partners(collaboration.get("id", ""), partners, attached, models)
            self._read_collaboration_artifacts(collaboration, models)

    def _read_partner_pools(
        self, collaboration: Element, used_participants: set[int], models: list[ProcessModel]
    ) -> list[Pool]:
        """The collaboration's pools that are not a read process's own pool."""
        collaboration_id = collaboration.get("id", "")
        process_ids = {m.id for m in models}
        partners: list[Pool] = []
        for child in collaboration:
            if not self._is(child, "participant"):
                continue
            if id(child) in used_participants and child.get("processRef") in process_ids:
                continue
            if self._duplicate(child, collaboration_id):
                continue
            partners.append(self._partner_pool(child, used_participants, collaboration_id))
        return partners

    def _partner_pool(self, participant: Element, used_participants: set[int], collaboration_id: str) -> Pool:
        participant_id = participant.get("id", "")
        if participant.get("processRef") and id(participant) not in used_participants:
            self.report.add(
                Outcome.changed,
                "participant",
                participant_id,
                f"a second pool for process {participant.get('processRef')!r}: "
                "kept as a partner pool without process",
                collaboration_id,
            )
        shape = self._shape(participant_id)
        return Pool(
            participant_id,
            participant.get("name", ""),
            shape.bounds if shape else None,
            True if shape is None or shape.horizontal is None else shape.horizontal,
            self._pool_extra(participant, collaboration_id),
        )

    def _read_message_flows(
        self,
        collaboration: Element,
        owner: dict[str, ProcessModel],
        partner_ids: set[str],
        models: list[ProcessModel],
    ) -> dict[str, set[str]]:
        """Add each message flow to the model holding one of its ends; returns partner pool id ->
        the ids of the models its message flows were added to."""
        collaboration_id = collaboration.get("id", "")
        attached: dict[str, set[str]] = {}
        for child in collaboration:
            if not self._is(child, "messageFlow"):
                continue
            self._consume(child)
            home = self._message_flow_home(child, owner, partner_ids, models, collaboration_id)
            if home is None:
                continue
            home.message_flows.append(self._message_flow(child, collaboration_id))
            for end in (child.get("sourceRef", ""), child.get("targetRef", "")):
                if end in partner_ids:
                    attached.setdefault(end, set()).add(home.id)
        return attached

    def _message_flow_home(
        self,
        flow: Element,
        owner: dict[str, ProcessModel],
        partner_ids: set[str],
        models: list[ProcessModel],
        collaboration_id: str,
    ) -> ProcessModel | None:
        """The model to hold a message flow; None (reported) when it cannot be kept."""
        source, target = flow.get("sourceRef", ""), flow.get("targetRef", "")
        if not flow.get("id", ""):
            self._not_kept(flow, "a message flow without an id", collaboration_id)
            return None
        if self._duplicate(flow, collaboration_id):
            return None
        ends_known = all(end in owner or end in partner_ids for end in (source, target))
        home = owner.get(source) or owner.get(target) or (models[0] if models else None)
        if home is None or not ends_known:
            missing = next((e for e in (source, target) if e not in owner and e not in partner_ids), "")
            why = (
                f"{missing!r} is not an imported element" if missing else "the file has no process to hold it"
            )
            self._not_kept(flow, f"message flow {source!r} -> {target!r}: {why}", collaboration_id)
            return None
        return home

    def _message_flow(self, flow: Element, collaboration_id: str) -> MessageFlow:
        flow_id = flow.get("id", "")
        extra: dict[str, Any] = self._attributes(flow, {"id", "name", "sourceRef", "targetRef"})
        children: list[str] = []
        for part in flow:
            if self._is(part, "documentation"):
                self._consume_tree(part)
                if _text(part).strip():
                    extra["documentation"] = _text(part)
            else:
                self._keep_verbatim(part, flow_id, collaboration_id, children)
        if children:
            extra["children"] = children
        edge = self._edge(flow_id)
        self._di_extra(extra, edge)
        return MessageFlow(
            flow_id,
            flow.get("sourceRef", ""),
            flow.get("targetRef", ""),
            flow.get("name", ""),
            edge.waypoints if edge else (),
            extra,
        )

    def _attach_partners(
        self,
        collaboration_id: str,
        partners: list[Pool],
        attached: dict[str, set[str]],
        models: list[ProcessModel],
    ) -> None:
        """Each partner pool goes to the models its message flows reach (else the first model)."""
        for pool in partners:
            homes = [m for m in models if m.id in attached.get(pool.id, set())] or models[:1]
            if not homes:
                self.report.add(
                    Outcome.not_kept,
                    "participant",
                    pool.id,
                    f"pool {pool.name!r} has no process and the file has no process to attach it to",
                    collaboration_id,
                )
                continue
            for model in homes:
                model.partners.append(pool)

    def _read_collaboration_artifacts(self, collaboration: Element, models: list[ProcessModel]) -> None:
        """The collaboration's artifacts and extension elements go to the first model."""
        collaboration_id = collaboration.get("id", "")
        kept: list[str] = []
        for child in collaboration:
            if self._is(child, *ARTIFACT_ELEMENTS):
                if models:
                    self._read_artifact(child, models[0], collaboration_id, scope_note="collaboration")
                else:
                    self._not_kept(child, "the file has no process to attach it to", collaboration_id)
            elif self._is(child, "extensionElements") and models:
                self._keep_verbatim(child, collaboration_id, collaboration_id, kept)
            elif self._is(child, "documentation") and not _text(child).strip():
                self._consume_tree(child)
        if kept:
            models[0].extra.setdefault("collaborationChildren", []).extend(kept)

    def _pool_extra(self, participant: Element, process: str) -> dict[str, Any]:
        """A participant's attributes, documentation and other children (kept verbatim)."""
        extra: dict[str, Any] = self._attributes(participant, {"id", "name", "processRef"})
        children: list[str] = []
        for child in participant:
            if self._is(child, "documentation"):
                self._consume_tree(child)
                if _text(child).strip():
                    extra["documentation"] = _text(child)
            else:
                self._keep_verbatim(child, participant.get("id", ""), process, children)
        if children:
            extra["children"] = children
        return extra

    # --- what is left --------------------------------------------------------------------

    def _sweep(self, element: Element, process: str) -> None:
        """Report every element nothing above has taken (the top one of each left-over subtree)."""
        for child in element:
            if not isinstance(child.tag, str):
                continue
            context = child.get("id", process) if self._is(child, "process", "collaboration") else process
            if id(child) in self._consumed:
                self._sweep(child, context)
                continue
            self._consume_tree(child)
            namespace, name = split(child.tag)
            element_id = child.get("id", "") or child.get("bpmnElement", "")
            if namespace == MODEL and name == "documentation" and not _text(child).strip():
                continue  # an empty documentation element holds nothing to lose
            if namespace == BPMNDI and name in ("BPMNShape", "BPMNEdge"):
                target = child.get("bpmnElement", "")
                if target in self._reported:
                    continue
                message = (
                    f"drawing of {target!r}, which is not an element of this file"
                    if target not in self.by_id
                    else f"drawing of {local(self.by_id[target].tag)} {target!r}, which the workbench does "
                    "not show"
                )
                self.report.add(Outcome.note, name, child.get("id", ""), message)
            elif namespace == BPMNDI and name == "BPMNLabelStyle":
                self.report.add(
                    Outcome.note,
                    name,
                    child.get("id", ""),
                    "label fonts are not kept (modelers use their own)",
                )
            elif namespace in (BPMNDI, DC, DI):
                self.report.add(Outcome.note, name, element_id, "diagram detail not kept")
            else:
                self.report.add(
                    Outcome.not_kept, name, element_id, "the workbench has no place for this element", process
                )


def _plain_bounds(bounds: Bounds) -> dict[str, float]:
    return {"x": bounds.x, "y": bounds.y, "width": bounds.width, "height": bounds.height}


def read(parsed: ParsedXml, source: str) -> BpmnImport:
    """Read a parsed BPMN document into models and a report."""
    return Reader(parsed, source).read()
