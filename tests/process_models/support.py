"""What the process_models tests share: a small sample model, and the comparison that says two
models are the same graph (the BPMN round trip's test, used by the demo models' tests too)."""

from __future__ import annotations

from typing import Any

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ProcessModel

K = NodeKind


def enrolment(
    variant: Variant = Variant.as_is, *, name: str = "Enrolment at the till", no_label: str = ""
) -> ProcessModel:
    """Enrolment at the till, AS-IS: the cashier asks for the phone; a member is looked up, anyone
    else fills in a paper form. Two lanes (a role and a system), a decision and its join."""
    model = ProcessModel(name, variant)
    model.add_lane("Cashier", id="L_cashier")
    model.add_lane("POS", LaneKind.system, id="L_pos")
    model.add_node(K.start_event, "Customer at the till", lane="L_cashier", id="start")
    model.add_node(K.user_task, "Ask for the phone", lane="L_cashier", id="ask")
    model.add_node(K.exclusive_gateway, "Member already?", lane="L_cashier", id="split")
    model.add_node(K.service_task, "Look up member", lane="L_pos", id="lookup")
    model.add_node(K.user_task, "Fill in the paper form", lane="L_cashier", id="form")
    model.add_node(K.exclusive_gateway, "", lane="L_cashier", id="join")
    model.add_node(K.end_event, "Member at the till", lane="L_cashier", id="end")
    model.add_flow("start", "ask", id="f1")
    model.add_flow("ask", "split", id="f2")
    model.add_flow("split", "lookup", id="f3", name="yes", condition="${member}")
    model.add_flow("split", "form", id="f4", name=no_label, condition="${!member}")
    model.add_flow("lookup", "join", id="f5")
    model.add_flow("form", "join", id="f6")
    model.add_flow("join", "end", id="f7")
    return model


# Where the diagram is drawn may change (a layout for models without coordinates, labels the
# file did not place); what the model says may not.
GEOMETRY = {"labelBounds", "isExpanded", "di"}


def normalise(model: ProcessModel, *, inner: bool = False) -> dict[str, Any]:
    """What must survive a round trip: ids, kinds, names, lanes by name, flows by id with their
    ends and condition, and everything else the model keeps (sub-process content too; its
    variant is its process's)."""
    lanes = {lane.id: lane.name for lane in model.lanes.values()}
    nodes: dict[str, Any] = {}
    for node in model.nodes():
        extra = {k: v for k, v in node.extra.items() if k not in GEOMETRY | {"process"}}
        content = model.sub_process(node.id)
        nodes[node.id] = {
            "kind": node.kind.value,
            "name": node.name,
            "lane": lanes.get(node.lane or ""),
            "description": node.description,
            "system": node.system,
            "extra": extra,
            "content": normalise(content, inner=True) if content is not None else None,
        }
    return {
        "id": model.id,
        "name": model.name,
        "variant": None if inner else model.variant.value,
        "documentation": model.documentation,
        "lanes": sorted(
            (name, lane.kind.value) for name, lane in zip(lanes.values(), model.lanes.values(), strict=True)
        ),
        "nodes": nodes,
        "flows": {
            f.id: (
                f.source,
                f.target,
                f.condition,
                f.name,
                {k: v for k, v in f.extra.items() if k not in GEOMETRY},
            )
            for f in model.flows()
        },
        "artifacts": {
            a.id: (
                a.kind,
                a.name,
                a.source,
                a.target,
                {k: v for k, v in a.extra.items() if k not in GEOMETRY},
            )
            for a in model.artifacts
        },
        "message_flows": {m.id: (m.source, m.target, m.name) for m in model.message_flows},
        "partners": sorted((p.id, p.name) for p in model.partners),
    }


def by_process(models: list[ProcessModel]) -> dict[str, dict[str, Any]]:
    return {model.id: normalise(model) for model in models}
