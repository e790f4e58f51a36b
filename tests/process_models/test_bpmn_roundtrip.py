"""BPMN round trip: import -> export -> import gives the same graph, on the workbench's own
(demo) models and on the 21 real files of tests/data/bpmn-corpus/; and what the workbench
writes is BPMN 2.0 with diagram interchange that Camunda Modeler / bpmn.io lay out readably.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from process_models.bpmn import EXPORTER, BpmnError, Outcome, export_bpmn, import_bpmn
from process_models.bpmn.names import BPMNDI, DC, DI, MODEL, XSI
from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import Artifact, MessageFlow, Pool, ProcessModel
from tests.bpmn_corpus import BPMN_CORPUS
from tests.process_models.support import by_process, normalise

CORPUS = BPMN_CORPUS
FILES = sorted(CORPUS.glob("*.bpmn"))


def parse(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)  # our own output, in a test


# --- the corpus ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_corpus_file_round_trips_to_the_same_graph(path: Path) -> None:
    first = import_bpmn(path.read_bytes(), source=path.name)
    exported = export_bpmn(first.models)
    second = import_bpmn(exported, source=f"{path.name} exported")
    assert by_process(second.models) == by_process(first.models)
    # What the workbench writes, it reads back completely.
    assert second.report.complete, second.report.summary()
    # And a second trip changes nothing at all, byte for byte.
    assert export_bpmn(second.models) == exported


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 21


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_exported_element_is_drawn(path: Path) -> None:
    """Camunda Modeler shows only what has diagram information: every pool, lane, node and
    flow of the export has a shape or an edge (models without coordinates were laid out)."""
    root = parse(export_bpmn(import_bpmn(path.read_bytes()).models))
    drawn = {
        e.get("bpmnElement")
        for e in root.iter()
        if e.tag in (f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge")
    }
    wanted = {
        "participant",
        "lane",
        "sequenceFlow",
        "messageFlow",
        "association",
        "textAnnotation",
        "dataObjectReference",
        "dataStoreReference",
        "group",
    }
    undrawn = []
    for element in root.iter():
        namespace, _, name = element.tag[1:].partition("}")
        if namespace != MODEL or not element.get("id"):
            continue
        if (name in wanted or name in {k.value for k in NodeKind}) and element.get("id") not in drawn:
            undrawn.append(f"{name} {element.get('id')}")
    assert not undrawn, undrawn
    for edge in root.iter(f"{{{BPMNDI}}}BPMNEdge"):
        assert len(edge.findall(f"{{{DI}}}waypoint")) >= 2


def test_vertical_pools_stay_vertical() -> None:
    root = parse(export_bpmn(import_bpmn((CORPUS / "05_miwg_A.4.1.bpmn").read_bytes()).models))
    shapes = [s for s in root.iter(f"{{{BPMNDI}}}BPMNShape") if s.get("isHorizontal") is not None]
    assert shapes and all(s.get("isHorizontal") == "false" for s in shapes)


def test_expanded_sub_processes_stay_expanded_and_collapsed_ones_get_their_own_diagram() -> None:
    root = parse(export_bpmn(import_bpmn((CORPUS / "04_miwg_A.4.0.bpmn").read_bytes()).models))
    expanded = [s for s in root.iter(f"{{{BPMNDI}}}BPMNShape") if s.get("isExpanded") == "true"]
    assert len(expanded) == 2
    assert len(root.findall(f"{{{BPMNDI}}}BPMNDiagram")) == 1
    # 20: a sub-process without any drawing is laid out, collapsed.
    root = parse(
        export_bpmn(import_bpmn((CORPUS / "20_bpmnjs_subprocess-missing-di.bpmn").read_bytes()).models)
    )
    shape = next(
        s for s in root.iter(f"{{{BPMNDI}}}BPMNShape") if s.get("bpmnElement") == "SUB_PROCESS_NO_DI"
    )
    assert shape.get("isExpanded") == "false"


# --- the workbench's own models ------------------------------------------------------------


def enrolment() -> ProcessModel:
    """AS-IS enrolment at the till (no coordinates: as the workbench builds models)."""
    model = ProcessModel("Enrolment at the till", Variant.as_is, id="Process_enrolment")
    cashier = model.add_lane("Cashier", id="Lane_cashier")
    pos = model.add_lane("POS", LaneKind.system, id="Lane_pos")
    model.add_node(NodeKind.start_event, "Customer at the till", lane=cashier.id, id="start")
    model.add_node(
        NodeKind.user_task, "Ask for the phone", lane=cashier.id, id="ask", description="Phone in E.164"
    )
    model.add_node(NodeKind.exclusive_gateway, "Already a member?", lane=cashier.id, id="member")
    model.add_node(NodeKind.service_task, "Enrol in the loyalty core", lane=pos.id, id="enrol", system="POS")
    model.add_node(NodeKind.end_event, "Member enrolled", lane=pos.id, id="end")
    model.add_flow("start", "ask", id="f1")
    model.add_flow("ask", "member", id="f2")
    model.add_flow("member", "enrol", id="f3", name="no", condition="${!member}")
    model.add_flow("member", "end", id="f4", name="yes", condition="${member}")
    model.add_flow("enrol", "end", id="f5")
    return model


def purchase() -> ProcessModel:
    """TO-BE purchase with points: a sub-process, a boundary timer, data, a partner pool."""
    model = ProcessModel(
        "Purchase with points", Variant.to_be, id="Process_purchase", documentation="Stage 2 TO-BE"
    )
    cashier = model.add_lane("Cashier", id="Lane_till")
    core = model.add_lane("Loyalty core", LaneKind.system, id="Lane_core")
    model.add_node(NodeKind.start_event, "Receipt totalled", lane=cashier.id, id="p_start")
    model.add_node(NodeKind.user_task, "Scan the card", lane=cashier.id, id="scan")
    model.add_node(NodeKind.service_task, "Quote points", lane=core.id, id="quote", system="Loyalty core")
    model.add_node(
        NodeKind.boundary_event,
        "Core down",
        lane=core.id,
        id="core_down",
        extra={"attachedToRef": "quote", "cancelActivity": "true", "eventDefinition": "timerEventDefinition"},
    )
    model.add_node(
        NodeKind.exclusive_gateway, "Redeem?", lane=cashier.id, id="redeem", extra={"default": "no_redeem"}
    )
    inner = ProcessModel("Redeem points", id="pay")
    inner.add_node(NodeKind.start_event, id="pay_start")
    inner.add_node(NodeKind.service_task, "Commit redemption", id="commit", extra={"loop": "sequential"})
    inner.add_node(NodeKind.end_event, id="pay_end")
    inner.add_flow("pay_start", "commit", id="pay_f1")
    inner.add_flow("commit", "pay_end", id="pay_f2")
    model.add_node(
        NodeKind.sub_process, "Redeem points", lane=core.id, id="pay", extra={"process": inner.to_dict()}
    )
    model.add_node(NodeKind.end_event, "Paid", lane=cashier.id, id="paid")
    model.add_node(NodeKind.end_event, "Paid without points", lane=core.id, id="offline")
    model.add_flow("p_start", "scan", id="s1")
    model.add_flow("scan", "quote", id="s2")
    model.add_flow("quote", "redeem", id="s3")
    model.add_flow("redeem", "pay", id="yes_redeem", name="yes", condition="${redeem > 0}")
    model.add_flow("redeem", "paid", id="no_redeem", name="no")
    model.add_flow("pay", "paid", id="s6")
    model.add_flow("core_down", "offline", id="s7")
    model.partners.append(Pool("Participant_customer", "Customer"))
    model.message_flows.append(MessageFlow("card_shown", "Participant_customer", "scan", "loyalty card"))
    model.artifacts += [
        Artifact("note", "textAnnotation", "At most 50% of the check"),
        Artifact("note_link", "association", source="note", target="redeem"),
        Artifact("ledger", "dataStoreReference", "Points ledger"),
        Artifact("to_ledger", "dataOutputAssociation", source="pay", target="ledger"),
    ]
    return model


DEMO = {"enrolment": enrolment, "purchase": purchase}


@pytest.mark.parametrize("build", DEMO.values(), ids=list(DEMO))
def test_demo_model_round_trips(build: Any) -> None:
    model = build()
    again = import_bpmn(export_bpmn(model), source="demo")
    assert again.report.complete, again.report.summary()
    (read,) = again.models
    assert normalise(read) == normalise(model)
    assert read.variant is model.variant and read.name == model.name


def test_demo_models_together_round_trip_as_two_pools() -> None:
    models = [enrolment(), purchase()]
    exported = export_bpmn(models)
    again = import_bpmn(exported)
    assert by_process(again.models) == by_process(models)
    participants = parse(exported).findall(f"{{{MODEL}}}collaboration/{{{MODEL}}}participant")
    assert [p.get("name") for p in participants] == [
        "Enrolment at the till",
        "Purchase with points",
        "Customer",
    ]
    pools = [m.pool.bounds for m in again.models if m.pool is not None and m.pool.bounds is not None]
    assert len(pools) == 2 and pools[0].y + pools[0].height <= pools[1].y  # stacked, not overlapping


def test_models_without_coordinates_get_a_layered_layout() -> None:
    model = enrolment()
    assert all(n.bounds is None for n in model.nodes())
    (read,) = import_bpmn(export_bpmn(model)).models
    assert all(n.bounds is not None for n in read.nodes())
    assert all(lane.bounds is not None for lane in read.lanes.values())
    assert all(len(f.waypoints) >= 2 for f in read.flows())
    xs = {n.id: n.bounds.x for n in read.nodes() if n.bounds is not None}
    assert xs["start"] < xs["ask"] < xs["member"] < xs["enrol"]  # left to right, as bpmn.io draws
    # Each node sits inside its lane.
    for node in read.nodes():
        lane = read.lanes[node.lane or ""].bounds
        assert lane is not None and node.bounds is not None
        assert lane.y <= node.bounds.y and node.bounds.y + node.bounds.height <= lane.y + lane.height


def test_coordinates_a_model_has_are_kept() -> None:
    (model,) = import_bpmn((CORPUS / "01_miwg_A.1.0.bpmn").read_bytes()).models
    (read,) = import_bpmn(export_bpmn(model)).models
    assert {n.id: n.bounds for n in read.nodes()} == {n.id: n.bounds for n in model.nodes()}
    assert {f.id: f.waypoints for f in read.flows()} == {f.id: f.waypoints for f in model.flows()}


def test_the_export_is_bpmn_2_with_a_collaboration_lanes_conditions_and_diagram() -> None:
    exported = export_bpmn(purchase())
    root = parse(exported)
    m = f"{{{MODEL}}}"
    assert root.tag == f"{m}definitions"
    assert root.get("exporter") == EXPORTER and root.get("targetNamespace")
    (collaboration,) = root.findall(f"{m}collaboration")
    participant = collaboration.find(f"{m}participant[@processRef='Process_purchase']")
    assert participant is not None and participant.get("name") == "Purchase with points"
    (process,) = root.findall(f"{m}process")
    assert process.get("isExecutable") == "false"
    lanes = process.findall(f"{m}laneSet/{m}lane")
    assert [lane.get("name") for lane in lanes] == ["Cashier", "Loyalty core"]
    refs = {ref.text for ref in lanes[1].findall(f"{m}flowNodeRef")}
    assert {"quote", "core_down", "pay", "offline"} <= refs
    condition = process.find(f"{m}sequenceFlow[@id='yes_redeem']/{m}conditionExpression")
    assert condition is not None and condition.text == "${redeem > 0}"
    assert condition.get(f"{{{XSI}}}type") == "bpmn:tFormalExpression"
    assert f'xmlns:bpmn="{MODEL}"'.encode() in exported
    gateway = process.find(f"{m}exclusiveGateway[@id='redeem']")
    assert gateway is not None and gateway.get("default") == "no_redeem"
    assert [e.text for e in gateway.findall(f"{m}outgoing")] == ["yes_redeem", "no_redeem"]
    boundary = process.find(f"{m}boundaryEvent[@id='core_down']")
    assert boundary is not None and boundary.get("attachedToRef") == "quote"
    assert boundary.find(f"{m}timerEventDefinition") is not None
    sub = process.find(f"{m}subProcess[@id='pay']")
    assert (
        sub is not None
        and sub.find(f"{m}serviceTask[@id='commit']/{m}multiInstanceLoopCharacteristics") is not None
    )
    # Diagram: pool and lanes (horizontal), every node and flow; sub-process content in a drill-down plane.
    diagrams = root.findall(f"{{{BPMNDI}}}BPMNDiagram")
    planes = [d.find(f"{{{BPMNDI}}}BPMNPlane") for d in diagrams]
    assert [p.get("bpmnElement") for p in planes if p is not None] == [collaboration.get("id"), "pay"]
    shapes = {s.get("bpmnElement"): s for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    for element_id in ["Participant_Process_purchase", "Lane_till", "Lane_core"]:
        assert shapes[element_id].get("isHorizontal") == "true"
    for element_id in [
        "p_start",
        "scan",
        "quote",
        "core_down",
        "redeem",
        "pay",
        "paid",
        "offline",
        "commit",
        "note",
        "ledger",
    ]:
        bounds = shapes[element_id].find(f"{{{DC}}}Bounds")
        assert bounds is not None and float(bounds.get("width", 0)) > 0
    assert shapes["pay"].get("isExpanded") == "false"
    edges = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")}
    assert {
        "s1",
        "s2",
        "s3",
        "yes_redeem",
        "no_redeem",
        "s6",
        "s7",
        "pay_f1",
        "pay_f2",
        "card_shown",
        "note_link",
        "to_ledger",
    } <= edges


def test_a_boundary_event_sits_on_its_host() -> None:
    (read,) = import_bpmn(export_bpmn(purchase())).models
    host, event = read.node("quote").bounds, read.node("core_down").bounds
    assert host is not None and event is not None
    centre_y = event.y + event.height / 2
    assert (
        host.x <= event.x + event.width / 2 <= host.x + host.width
        and abs(centre_y - (host.y + host.height)) < 1
    )


def test_exporting_does_not_change_the_models() -> None:
    model = purchase()
    before = model.to_dict()
    export_bpmn(model)
    assert model.to_dict() == before


def test_models_sharing_ids_are_written_with_unique_ids() -> None:
    """An AS-IS and its TO-BE copy share every id; BPMN needs ids unique in the file."""
    as_is = enrolment()
    to_be = as_is.copy()
    to_be.variant = Variant.to_be
    to_be.name = "Enrolment at the till (TO-BE)"
    exported = export_bpmn([as_is, to_be])
    ids = [e.get("id") for e in parse(exported).iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    first, second = import_bpmn(exported).models
    assert normalise(first) == normalise(as_is)
    assert second.variant is Variant.to_be and second.id != first.id
    assert {n.name for n in second.nodes()} == {n.name for n in as_is.nodes()}
    assert len(list(second.flows())) == 5 and second.node("ask_2").lane == "Lane_cashier_2"
    assert {f.condition for f in second.flows()} == {"", "${member}", "${!member}"}


def test_a_single_model_without_lanes_is_a_plain_process() -> None:
    model = ProcessModel("Points expiry job", id="Process_expiry")
    model.add_node(
        NodeKind.start_event, "Nightly", id="nightly", extra={"eventDefinition": "timerEventDefinition"}
    )
    model.add_node(NodeKind.service_task, "Expire points", id="expire")
    model.add_node(NodeKind.end_event, id="done")
    model.add_flow("nightly", "expire", id="a")
    model.add_flow("expire", "done", id="b")
    root = parse(export_bpmn(model))
    assert root.find(f"{{{MODEL}}}collaboration") is None
    process = root.find(f"{{{MODEL}}}process")
    assert process is not None and process.get("name") == "Points expiry job"
    plane = root.find(f"{{{BPMNDI}}}BPMNDiagram/{{{BPMNDI}}}BPMNPlane")
    assert plane is not None and plane.get("bpmnElement") == "Process_expiry"
    (read,) = import_bpmn(export_bpmn(model)).models
    assert (
        read.name == "Points expiry job"
        and read.node("nightly").extra["eventDefinition"] == "timerEventDefinition"
    )


def test_nothing_to_export_is_a_clear_error() -> None:
    with pytest.raises(BpmnError, match="nothing to export"):
        export_bpmn([])


def test_a_model_whose_kept_xml_is_damaged_is_refused_clearly() -> None:
    model = enrolment()
    model.update_node("ask", extra={"children": ["<bpmn:extensionElements"]})
    with pytest.raises(BpmnError, match="'ask'"):
        export_bpmn(model)


def test_the_import_report_lists_what_it_did_not_keep() -> None:
    result = import_bpmn((CORPUS / "12_miwg_B.1.0-roundtrip.bpmn").read_bytes(), source="B.1.0 Bizagi")
    summary = result.report.summary()
    assert summary.startswith("B.1.0 Bizagi:")
    assert Outcome.verbatim.value in summary
    assert all(item.kind and item.message for item in result.report.items)


def test_an_element_deleted_in_the_workbench_leaves_no_dangling_reference() -> None:
    model = purchase()
    model.remove_node("redeem")  # the gateway the note is attached to, and the default flow's source
    root = parse(export_bpmn(model))
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    for element in root.iter():
        for attribute in ("sourceRef", "targetRef", "default", "attachedToRef", "bpmnElement"):
            value = element.get(attribute)
            assert value is None or value in ids, f"{element.tag} {attribute}={value}"
    again = import_bpmn(export_bpmn(model))
    assert again.report.complete and {a.id for a in again.models[0].artifacts} == {
        "note",
        "ledger",
        "to_ledger",
    }


# --- a diagram saved by bpmn-js (the browser modeller) -----------------------------------------

# The demo's returns TO-BE as bpmn-js 18 saved it from the workbench's modeller, after adding a
# user task into a lane, connecting it and renaming a step (the edits of the modeller's browser
# test, made through bpmn-js's modeling API). bpmn-js keeps the exporter attribute it read.
SAVED_BY_BPMN_JS = Path(__file__).parent / "data" / "returns_to_be_saved_by_bpmn_js.bpmn"


def _diagram_interchange(xml: bytes) -> dict[str, tuple[float, ...]]:
    """Each drawn element's DI: a shape's bounds, an edge's waypoints (labels left out)."""
    drawn: dict[str, tuple[float, ...]] = {}
    root = parse(xml)
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        bounds = shape.find(f"{{{DC}}}Bounds")
        assert bounds is not None
        drawn[shape.get("bpmnElement", "")] = tuple(
            float(bounds.get(k, "nan")) for k in ("x", "y", "width", "height")
        )
    for edge in root.iter(f"{{{BPMNDI}}}BPMNEdge"):
        points = edge.findall(f"{{{DI}}}waypoint")
        drawn[edge.get("bpmnElement", "")] = tuple(float(p.get(k, "nan")) for p in points for k in ("x", "y"))
    return drawn


def test_a_diagram_saved_by_bpmn_js_round_trips_with_its_diagram_interchange() -> None:
    """What the modeller saves, the workbench stores and exports again: the same graph, and
    every shape and edge where bpmn-js put it (so it opens in bpmn-js as it was left)."""
    saved = SAVED_BY_BPMN_JS.read_bytes()
    first = import_bpmn(saved, source=SAVED_BY_BPMN_JS.name)
    assert first.report.complete, first.report.summary()
    exported = export_bpmn(first.models)
    second = import_bpmn(exported, source="exported")
    assert by_process(second.models) == by_process(first.models)
    assert export_bpmn(second.models) == exported
    assert _diagram_interchange(exported) == _diagram_interchange(saved)
