"""Validation of a process model, after bpmnlint's `recommended` rules.

`validate(model)` returns a list of `Finding`s, each naming its rule, a severity (`error` or
`warning`), the element it is about (`node_id`, `flow_id` or `lane_id`; all three empty for a
finding about the whole process) and a message that names the element by name and id, so a
consultant can find it on the diagram. The inside of an expanded sub-process (its content kept in
`Node.extra["process"]`) is checked by the same rules; its findings carry `sub_process_id`.

Rules (bpmnlint's id where one exists, its severity in the `recommended` configuration):

start-event-required (error)
    The process has at least one start event.
end-event-required (error)
    The process has at least one end event.
single-blank-start-event (error)
    At most one start event without an event definition (a blank start): with two, nobody knows
    which one the process starts from. Reported on every blank start after the first.
no-dangling-flow (error)
    A flow whose source or target is not a node of the model, or whose ends disagree with the
    graph edge carrying it. `ProcessModel.add_flow` refuses these, so this only fires on a graph
    edited by hand; it is checked because every other rule trusts the flows' ends.
no-duplicate-flows (error)
    Two flows with the same source, target and condition (bpmnlint's
    no-duplicate-sequence-flows); reported on every duplicate after the first.
no-disconnected (error)
    A node with no incoming and no outgoing flow. Boundary events, event sub-processes and
    compensation activities are exempt (they are linked by attachment, not flows).
no-implicit-start (error)
    A node other than a start event with no incoming flow spawns tokens implicitly. Boundary
    events, event sub-processes, link catch events and compensation activities are exempt, and so
    is a node already reported as disconnected (one finding per cause).
no-implicit-end (error)
    A node other than an end event with no outgoing flow swallows tokens implicitly. Event
    sub-processes, link throw events and compensation activities are exempt, and so is a node
    already reported as disconnected.
no-unreachable (error)
    Every node is reachable from a start event (the issue's "reachable from a start"). Only
    checked when the process has a start event, and not reported on nodes that already have a
    disconnected or implicit-start finding.
no-dead-end (error)
    From every node an end event can be reached (a loop with no way out is the usual cause).
    Only checked when the process has an end event, and not reported on nodes that already have
    a disconnected or implicit-end finding.
superfluous-gateway (warning)
    A gateway with exactly one incoming and one outgoing flow neither splits nor joins.
no-gateway-join-fork (error)
    A gateway with several incoming and several outgoing flows both joins and splits; model a
    joining and a splitting gateway so the semantics of each are explicit.
fake-join (warning)
    A task, sub-process or event with several incoming flows: it does not wait for them (each
    token runs it again); model a joining gateway.
no-implicit-split (error)
    A task, sub-process or event with several unconditional outgoing flows splits implicitly;
    model a splitting gateway.
conditional-flows (error)
    When a node has a default flow or a conditional outgoing flow, every other outgoing flow
    needs a condition too (else it is always taken).
event-based-gateway (error)
    An event-based gateway has at least two outgoing flows, none of them conditional.
label-required (error)
    Tasks, events, sub-processes and splitting exclusive/inclusive/complex gateways have a name;
    so do lanes and conditional flows. Parallel and event-based gateways and joining gateways
    need none, as in bpmnlint.
task-in-lane (error)
    When the process has lanes, every node is in one of them (and the lane exists). A model
    without lanes is not checked.
no-complex-gateway (error)
    Complex gateways are hard to read and poorly supported by engines.
no-inclusive-gateway (warning)
    Inclusive gateways are allowed, but their joining semantics surprise readers.

bpmnlint rules not carried over: ad-hoc-sub-process, event-sub-process-typed-start-event,
sub-process-blank-start-event, link-event and global (they need ad-hoc markers, event-definition
details or global elements the model does not interpret), single-event-definition and
superfluous-termination (event definitions are kept uninterpreted in `Node.extra`), no-bpmndi and
no-overlapping-elements (the workbench lays out any model without coordinates), superfluous-label
(no text annotations).

Attributes a modeler writes and the model keeps uninterpreted are read from `Node.extra` (the
BPMN reader keeps them there under their BPMN names): `eventDefinition` (space-separated; an event
is "blank" without one), `default` (a gateway's or activity's default flow id; a flow whose own
`extra` says `default`/`isDefault` counts too), `attachedToRef` (a boundary event's host),
`triggeredByEvent` (event sub-process) and `isForCompensation`.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from process_models.enums import NodeKind
from process_models.model import Flow, Node, ProcessModel

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One rule broken by one element (or by the whole process when no id is set)."""

    rule: str
    severity: Severity
    message: str
    node_id: str | None = None
    flow_id: str | None = None
    lane_id: str | None = None
    # Set when the element is inside an expanded sub-process: that sub-process's node id.
    sub_process_id: str | None = None

    @property
    def element_id(self) -> str | None:
        """The id of the node, flow or lane the finding is about (None: the whole process)."""
        return self.node_id or self.flow_id or self.lane_id

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-safe form for the workbench and the CLI."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "node_id": self.node_id,
            "flow_id": self.flow_id,
            "lane_id": self.lane_id,
            "sub_process_id": self.sub_process_id,
        }


# --- what a rule sees --------------------------------------------------------------------------


@dataclass
class _Context:
    """The model read once into plain dicts, so every rule is a cheap pass (500 nodes in ms)."""

    model: ProcessModel
    nodes: dict[str, Node]
    flows: list[Flow]  # only flows whose ends are nodes of the model
    dangling: list[tuple[str, str]] = field(default_factory=list)  # (flow id, why)
    incoming: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))
    outgoing: dict[str, list[Flow]] = field(default_factory=lambda: defaultdict(list))
    # Nodes an earlier rule already reported as a token source/sink, so the reachability rules do
    # not report the same cause twice.
    reported_disconnected: set[str] = field(default_factory=set)
    reported_implicit_start: set[str] = field(default_factory=set)
    reported_implicit_end: set[str] = field(default_factory=set)


def _read(model: ProcessModel) -> _Context:
    nodes: dict[str, Node] = {}
    for node_id, data in model.graph.nodes(data=True):
        node = data.get("node")
        if isinstance(node, Node):
            nodes[node_id] = node
    context = _Context(model=model, nodes=nodes, flows=[])
    for source, target, key, data in model.graph.edges(keys=True, data=True):
        flow = data.get("flow")
        if not isinstance(flow, Flow):
            context.dangling.append((str(key), f"edge {source!r} -> {target!r} carries no flow"))
            continue
        missing = [end for end in (flow.source, flow.target) if end not in nodes]
        if missing:
            context.dangling.append((flow.id, "no node " + " and no node ".join(repr(m) for m in missing)))
            continue
        if (flow.source, flow.target) != (source, target):
            context.dangling.append(
                (flow.id, f"it says {flow.source!r} -> {flow.target!r} but joins {source!r} -> {target!r}")
            )
            continue
        context.flows.append(flow)
        context.outgoing[flow.source].append(flow)
        context.incoming[flow.target].append(flow)
    return context


# --- naming elements in messages ---------------------------------------------------------------


def _kind_label(kind: NodeKind) -> str:
    if kind is NodeKind.sub_process:
        return "sub-process"
    # userTask -> "user task", exclusiveGateway -> "exclusive gateway"
    return re.sub(r"(?<!^)([A-Z])", r" \1", kind.value).lower()


def describe_node(node: Node) -> str:
    """`user task 'Ask for the phone' (ask)`, or `unnamed user task (ask)`."""
    if node.name.strip():
        return f"{_kind_label(node.kind)} {node.name.strip()!r} ({node.id})"
    return f"unnamed {_kind_label(node.kind)} ({node.id})"


def _describe_flow(flow: Flow, nodes: dict[str, Node]) -> str:
    def end(node_id: str) -> str:
        node = nodes.get(node_id)
        return f"{node.name.strip()!r} ({node_id})" if node is not None and node.name.strip() else node_id

    label = f"flow {flow.name.strip()!r} ({flow.id})" if flow.name.strip() else f"flow {flow.id}"
    return f"{label} from {end(flow.source)} to {end(flow.target)}"


def _process_label(model: ProcessModel) -> str:
    return f"process {model.name!r} ({model.id})" if model.name else f"process {model.id}"


# --- uninterpreted BPMN attributes -------------------------------------------------------------


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def event_definitions(node: Node) -> list[str]:
    """The event definitions a modeler gave an event (`messageEventDefinition`...), from `extra`."""
    found: list[str] = []
    for key in ("eventDefinition", "eventDefinitions", "event_definition"):
        value = node.extra.get(key)
        if isinstance(value, str):
            found.extend(
                value.split()
            )  # the BPMN reader keeps several as "messageEventDefinition timerEventDefinition"
        elif isinstance(value, list | tuple):
            found.extend(str(item) for item in value if item)
        elif isinstance(value, dict) and value:
            found.extend(str(item) for item in value)
    return found


def _is_link_event(node: Node) -> bool:
    definitions = event_definitions(node)
    return bool(definitions) and all("link" in d.lower() for d in definitions)


def _is_default(flow: Flow, source: Node) -> bool:
    """Whether `flow` is its source's default flow (named on the source, or flagged on the flow)."""
    default = source.extra.get("default")
    return (
        (isinstance(default, str) and default == flow.id)
        or _truthy(flow.extra.get("default"))
        or _truthy(flow.extra.get("isDefault"))
    )


def _attached_to(node: Node) -> str | None:
    for key in ("attachedToRef", "attached_to"):
        value = node.extra.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _is_event_sub_process(node: Node) -> bool:
    return node.kind is NodeKind.sub_process and _truthy(node.extra.get("triggeredByEvent"))


def _is_compensation(node: Node) -> bool:
    return node.kind.is_activity and _truthy(node.extra.get("isForCompensation"))


def _may_have_no_incoming(node: Node) -> bool:
    """Token sources by nature: no incoming flow is how they are drawn."""
    return (
        node.kind in (NodeKind.start_event, NodeKind.boundary_event)
        or _is_event_sub_process(node)
        or _is_compensation(node)
        or (node.kind is NodeKind.intermediate_catch_event and _is_link_event(node))
    )


def _may_have_no_outgoing(node: Node) -> bool:
    """Token sinks by nature."""
    return (
        node.kind is NodeKind.end_event
        or _is_event_sub_process(node)
        or _is_compensation(node)
        or (node.kind is NodeKind.intermediate_throw_event and _is_link_event(node))
    )


def _is_activity_or_event(node: Node) -> bool:
    """Activities and events: what fake-join and no-implicit-split look at (not gateways)."""
    return not node.kind.is_gateway


# --- the rules ---------------------------------------------------------------------------------

_Check = Callable[[_Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A rule's id, its severity and what it asks (for help texts and the CLI)."""

    id: str
    severity: Severity
    summary: str
    check: _Check


def _start_event_required(ctx: _Context) -> Iterator[Finding]:
    if not any(n.kind is NodeKind.start_event for n in ctx.nodes.values()):
        yield Finding("start-event-required", "error", f"{_process_label(ctx.model)} has no start event")


def _end_event_required(ctx: _Context) -> Iterator[Finding]:
    if not any(n.kind is NodeKind.end_event for n in ctx.nodes.values()):
        yield Finding("end-event-required", "error", f"{_process_label(ctx.model)} has no end event")


def _single_blank_start_event(ctx: _Context) -> Iterator[Finding]:
    blank = [n for n in ctx.nodes.values() if n.kind is NodeKind.start_event and not event_definitions(n)]
    for extra_start in blank[1:]:
        yield Finding(
            "single-blank-start-event",
            "error",
            f"{describe_node(extra_start)} is another blank start event besides {describe_node(blank[0])}: "
            "give it an event definition (message, timer...) or merge them",
            node_id=extra_start.id,
        )


def _no_dangling_flow(ctx: _Context) -> Iterator[Finding]:
    for flow_id, why in ctx.dangling:
        yield Finding("no-dangling-flow", "error", f"flow {flow_id} is dangling: {why}", flow_id=flow_id)


def _no_duplicate_flows(ctx: _Context) -> Iterator[Finding]:
    first_with_key: dict[tuple[str, str, str], Flow] = {}
    for flow in ctx.flows:
        key = (flow.source, flow.target, flow.condition.strip())
        original = first_with_key.setdefault(key, flow)
        if original is not flow:
            yield Finding(
                "no-duplicate-flows",
                "error",
                f"{_describe_flow(flow, ctx.nodes)} duplicates flow {original.id}",
                flow_id=flow.id,
            )


def _is_exempt_from_connection(node: Node) -> bool:
    return node.kind is NodeKind.boundary_event or _is_event_sub_process(node) or _is_compensation(node)


def _no_disconnected(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        if ctx.incoming.get(node.id) or ctx.outgoing.get(node.id) or _is_exempt_from_connection(node):
            continue
        ctx.reported_disconnected.add(node.id)
        yield Finding(
            "no-disconnected", "error", f"{describe_node(node)} is not connected to any flow", node_id=node.id
        )


def _no_implicit_start(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        if ctx.incoming.get(node.id) or _may_have_no_incoming(node) or node.id in ctx.reported_disconnected:
            continue
        ctx.reported_implicit_start.add(node.id)
        yield Finding(
            "no-implicit-start",
            "error",
            f"{describe_node(node)} has no incoming flow: it starts the process implicitly (connect it or "
            "use a start event)",
            node_id=node.id,
        )


def _no_implicit_end(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        if ctx.outgoing.get(node.id) or _may_have_no_outgoing(node) or node.id in ctx.reported_disconnected:
            continue
        ctx.reported_implicit_end.add(node.id)
        yield Finding(
            "no-implicit-end",
            "error",
            f"{describe_node(node)} has no outgoing flow: it ends the process implicitly (connect it or use "
            "an end event)",
            node_id=node.id,
        )


def _reach(ctx: _Context, roots: Iterable[str], *, forward: bool) -> set[str]:
    """Node ids reachable from `roots` along the flows (backwards when not `forward`)."""
    # A boundary event is reached when its host is: the attachment is its "incoming flow".
    attached: dict[str, list[str]] = defaultdict(list)
    for node in ctx.nodes.values():
        host = _attached_to(node)
        if node.kind is NodeKind.boundary_event and host is not None and host in ctx.nodes:
            if forward:
                attached[host].append(node.id)
            else:
                attached[node.id].append(host)
    seen = set(roots)
    queue = deque(seen)
    while queue:
        current = queue.popleft()
        flows = ctx.outgoing.get(current, []) if forward else ctx.incoming.get(current, [])
        neighbours = [f.target if forward else f.source for f in flows] + attached.get(current, [])
        for neighbour in neighbours:
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return seen


def _no_unreachable(ctx: _Context) -> Iterator[Finding]:
    if not any(n.kind is NodeKind.start_event for n in ctx.nodes.values()):
        return  # start-event-required says it
    # Boundary events with a known host are reached through it; the others count as sources.
    roots = [
        n.id
        for n in ctx.nodes.values()
        if _may_have_no_incoming(n)
        and not (n.kind is NodeKind.boundary_event and _attached_to(n) in ctx.nodes)
    ]
    reached = _reach(ctx, roots, forward=True)
    already = ctx.reported_disconnected | ctx.reported_implicit_start
    for node in ctx.nodes.values():
        if node.id not in reached and node.id not in already:
            yield Finding(
                "no-unreachable",
                "error",
                f"{describe_node(node)} cannot be reached from any start event",
                node_id=node.id,
            )


def _no_dead_end(ctx: _Context) -> Iterator[Finding]:
    if not any(n.kind is NodeKind.end_event for n in ctx.nodes.values()):
        return  # end-event-required says it
    sinks = [n.id for n in ctx.nodes.values() if _may_have_no_outgoing(n)]
    can_finish = _reach(ctx, sinks, forward=False)
    already = ctx.reported_disconnected | ctx.reported_implicit_end
    for node in ctx.nodes.values():
        if node.id not in can_finish and node.id not in already:
            yield Finding(
                "no-dead-end",
                "error",
                f"{describe_node(node)} can never reach an end event (a loop with no way out?)",
                node_id=node.id,
            )


def _superfluous_gateway(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        if (
            node.kind.is_gateway
            and len(ctx.incoming.get(node.id, [])) == 1
            and len(ctx.outgoing.get(node.id, [])) == 1
        ):
            yield Finding(
                "superfluous-gateway",
                "warning",
                f"{describe_node(node)} has one incoming and one outgoing flow: it neither splits nor joins",
                node_id=node.id,
            )


def _no_gateway_join_fork(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        ins, outs = len(ctx.incoming.get(node.id, [])), len(ctx.outgoing.get(node.id, []))
        if node.kind.is_gateway and ins > 1 and outs > 1:
            yield Finding(
                "no-gateway-join-fork",
                "error",
                f"{describe_node(node)} joins {ins} flows and splits into {outs}: use one gateway to join "
                "and another to split",
                node_id=node.id,
            )


def _fake_join(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        ins = len(ctx.incoming.get(node.id, []))
        if _is_activity_or_event(node) and ins > 1:
            yield Finding(
                "fake-join",
                "warning",
                f"{describe_node(node)} has {ins} incoming flows but does not wait for them: join them with "
                "a gateway",
                node_id=node.id,
            )


def _no_implicit_split(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        if not _is_activity_or_event(node):
            continue
        unconditional = [
            f for f in ctx.outgoing.get(node.id, []) if not f.condition.strip() and not _is_default(f, node)
        ]
        if len(unconditional) > 1:
            yield Finding(
                "no-implicit-split",
                "error",
                f"{describe_node(node)} splits into {len(unconditional)} unconditional flows without a "
                "gateway",
                node_id=node.id,
            )


def _conditional_flows(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        outgoing = ctx.outgoing.get(node.id, [])
        if not any(f.condition.strip() or _is_default(f, node) for f in outgoing):
            continue
        for flow in outgoing:
            if not flow.condition.strip() and not _is_default(flow, node):
                yield Finding(
                    "conditional-flows",
                    "error",
                    f"{_describe_flow(flow, ctx.nodes)} has no condition, but its siblings out of "
                    f"{describe_node(node)} do: "
                    "give it a condition or make it the default flow",
                    flow_id=flow.id,
                )


def _event_based_gateway(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        if node.kind is not NodeKind.event_based_gateway:
            continue
        outgoing = ctx.outgoing.get(node.id, [])
        if len(outgoing) < 2:
            yield Finding(
                "event-based-gateway",
                "error",
                f"{describe_node(node)} needs at least 2 outgoing flows (one per event it waits for), it has "
                f"{len(outgoing)}",
                node_id=node.id,
            )
        for flow in outgoing:
            if flow.condition.strip():
                yield Finding(
                    "event-based-gateway",
                    "error",
                    f"{_describe_flow(flow, ctx.nodes)} leaves an event-based gateway and must not have a "
                    "condition",
                    flow_id=flow.id,
                )


def _needs_label(node: Node, outgoing: int) -> bool:
    if node.kind in (NodeKind.parallel_gateway, NodeKind.event_based_gateway, NodeKind.sub_process):
        return False
    if node.kind.is_gateway:
        return outgoing > 1  # a splitting gateway asks a question; a joining one needs no name
    return True


def _label_required(ctx: _Context) -> Iterator[Finding]:
    for lane in ctx.model.lanes.values():
        if not lane.name.strip():
            yield Finding("label-required", "error", f"lane {lane.id} has no name", lane_id=lane.id)
    for node in ctx.nodes.values():
        if not node.name.strip() and _needs_label(node, len(ctx.outgoing.get(node.id, []))):
            yield Finding("label-required", "error", f"{describe_node(node)} has no name", node_id=node.id)
    for flow in ctx.flows:
        if flow.condition.strip() and not flow.name.strip():
            yield Finding(
                "label-required",
                "error",
                f"{_describe_flow(flow, ctx.nodes)} has a condition ({flow.condition.strip()}) but no name "
                "to show it",
                flow_id=flow.id,
            )


def _task_in_lane(ctx: _Context) -> Iterator[Finding]:
    if not ctx.model.lanes:
        return
    for node in ctx.nodes.values():
        if node.lane is None:
            yield Finding("task-in-lane", "error", f"{describe_node(node)} is in no lane", node_id=node.id)
        elif node.lane not in ctx.model.lanes:
            yield Finding(
                "task-in-lane",
                "error",
                f"{describe_node(node)} is in lane {node.lane!r}, which does not exist",
                node_id=node.id,
            )


def _no_complex_gateway(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        if node.kind is NodeKind.complex_gateway:
            yield Finding(
                "no-complex-gateway",
                "error",
                f"{describe_node(node)} is a complex gateway: use exclusive, parallel or inclusive gateways",
                node_id=node.id,
            )


def _no_inclusive_gateway(ctx: _Context) -> Iterator[Finding]:
    for node in ctx.nodes.values():
        if node.kind is NodeKind.inclusive_gateway:
            yield Finding(
                "no-inclusive-gateway",
                "warning",
                f"{describe_node(node)} is an inclusive gateway: check that readers understand when it joins",
                node_id=node.id,
            )


# Order matters: the implicit start/end rules record what they reported, and the reachability
# rules after them leave those nodes out.
RULES: tuple[Rule, ...] = (
    Rule("start-event-required", "error", "the process has a start event", _start_event_required),
    Rule("end-event-required", "error", "the process has an end event", _end_event_required),
    Rule("single-blank-start-event", "error", "at most one blank start event", _single_blank_start_event),
    Rule("no-dangling-flow", "error", "every flow joins two nodes of the model", _no_dangling_flow),
    Rule(
        "no-duplicate-flows",
        "error",
        "no two flows with the same source, target and condition",
        _no_duplicate_flows,
    ),
    Rule("no-disconnected", "error", "every node has a flow", _no_disconnected),
    Rule("no-implicit-start", "error", "only start events lack incoming flows", _no_implicit_start),
    Rule("no-implicit-end", "error", "only end events lack outgoing flows", _no_implicit_end),
    Rule("no-unreachable", "error", "every node is reachable from a start event", _no_unreachable),
    Rule("no-dead-end", "error", "an end event is reachable from every node", _no_dead_end),
    Rule("superfluous-gateway", "warning", "a gateway splits or joins", _superfluous_gateway),
    Rule("no-gateway-join-fork", "error", "a gateway does not both join and split", _no_gateway_join_fork),
    Rule("fake-join", "warning", "tasks and events do not join flows", _fake_join),
    Rule("no-implicit-split", "error", "tasks and events do not split flows", _no_implicit_split),
    Rule(
        "conditional-flows",
        "error",
        "conditional splits condition every non-default flow",
        _conditional_flows,
    ),
    Rule(
        "event-based-gateway",
        "error",
        "an event-based gateway has 2+ unconditional outgoing flows",
        _event_based_gateway,
    ),
    Rule(
        "label-required",
        "error",
        "tasks, events, splitting gateways, lanes and conditional flows are named",
        _label_required,
    ),
    Rule("task-in-lane", "error", "with lanes, every node is in one", _task_in_lane),
    Rule("no-complex-gateway", "error", "no complex gateways", _no_complex_gateway),
    Rule(
        "no-inclusive-gateway", "warning", "inclusive gateways are flagged for review", _no_inclusive_gateway
    ),
)


def validate(model: ProcessModel) -> list[Finding]:
    """Check `model` against every rule of `RULES`, then the inside of each expanded sub-process
    the same way; findings in rule order, then model order, each sub-process's after its parent's."""
    context = _read(model)
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule.check(context))
    for node in context.nodes.values():
        inner = node.extra.get("process")
        # A collapsed sub-process with no content is not checked: nothing says what it holds.
        if node.kind is NodeKind.sub_process and isinstance(inner, dict) and inner.get("nodes"):
            prefix = f"in {describe_node(node)}: "
            findings.extend(
                replace(
                    finding,
                    message=prefix + finding.message,
                    sub_process_id=finding.sub_process_id or node.id,
                )
                for finding in validate(ProcessModel.from_dict(inner))
            )
    return findings
