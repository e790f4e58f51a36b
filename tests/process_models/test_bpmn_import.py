"""BPMN 2.0 import: real files by other modelers open with their pools, lanes, gateways, flows,
labels and ids, and whatever the model cannot hold is named in the report, never dropped silently.

The files are the shared corpus (tests/data/bpmn-corpus/, see its SOURCES.md).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from process_models.bpmn import BpmnImport, Outcome, import_bpmn
from process_models.bpmn.names import MODEL
from process_models.bpmn.safety import parse_untrusted
from process_models.enums import NodeKind
from process_models.model import ProcessModel
from tests.bpmn_corpus import BPMN_CORPUS

CORPUS = BPMN_CORPUS
FILES = sorted(CORPUS.glob("*.bpmn"))


def corpus(name: str) -> BpmnImport:
    return import_bpmn((CORPUS / name).read_bytes(), source=name)


def all_nodes(model: ProcessModel) -> dict[str, tuple[ProcessModel, str]]:
    """Every node id of a model, sub-process content included -> (the model holding it, kind)."""
    found: dict[str, tuple[ProcessModel, str]] = {}
    for node in model.nodes():
        found[node.id] = (model, node.kind.value)
        inner = model.sub_process(node.id)
        if inner is not None:
            found.update(all_nodes(inner))
    return found


def test_the_corpus_is_there() -> None:
    assert len(FILES) == 21, [f.name for f in FILES]


def test_a_linear_flow_keeps_ids_names_kinds_and_coordinates() -> None:
    """Trisotech, ISO-8859-1, `semantic:` prefix."""
    result = corpus("01_miwg_A.1.0.bpmn")
    (model,) = result.models
    assert model.id == "WFP-6-"
    assert [n.kind for n in model.nodes()].count(NodeKind.task) == 3
    assert {n.name for n in model.nodes()} >= {"Task 1", "Task 2", "Task 3"}
    start = next(n for n in model.nodes() if n.kind is NodeKind.start_event)
    assert start.id == "_93c466ab-b271-4376-a427-f4c353d55ce8"
    assert start.bounds is not None and start.extra.get("labelBounds")
    assert len(list(model.flows())) == 4 and all(len(f.waypoints) >= 2 for f in model.flows())
    assert result.report.complete


def test_gateways_split_and_join() -> None:
    (model,) = corpus("02_miwg_A.2.0.bpmn").models
    gateways = [n for n in model.nodes() if n.kind is NodeKind.exclusive_gateway]
    assert len(gateways) == 2
    split = max(gateways, key=lambda g: model.graph.out_degree(g.id))
    assert model.graph.out_degree(split.id) == 3


def test_boundary_events_and_sub_processes_are_kept() -> None:
    (model,) = corpus("03_miwg_A.3.0.bpmn").models
    boundaries = [n for n in model.nodes() if n.kind is NodeKind.boundary_event]
    assert len(boundaries) == 2
    for event in boundaries:
        assert event.extra["attachedToRef"] in model.graph
        # A bare <messageEventDefinition/> is said by the key alone; the export writes it back.
        assert event.extra["eventDefinition"] in ("messageEventDefinition", "escalationEventDefinition")
        assert not any("EventDefinition" in kept for kept in event.extra.get("children", []))
    assert [n.kind for n in model.nodes()].count(NodeKind.sub_process) == 1


def test_event_definitions_with_content_are_kept_verbatim() -> None:
    """A timer's date or a message reference is more than the key can say: kept as written."""
    result = corpus("06_miwg_B.1.0.bpmn")
    timer = next(
        n
        for m in result.models
        for n in m.nodes()
        if n.extra.get("eventDefinition") == "timerEventDefinition"
    )
    assert any("timeDate" in kept for kept in timer.extra["children"])


def test_a_pool_names_its_process_and_a_process_without_pool_keeps_its_lanes() -> None:
    """A.4.0: one participant, a second process with two lanes, expanded sub-processes, messages."""
    result = corpus("04_miwg_A.4.0.bpmn")
    pool, lanes = result.models
    assert pool.name == "Pool" and pool.pool is not None and pool.pool.bounds is not None
    assert lanes.pool is None and sorted(lane.name for lane in lanes.lanes.values()) == ["Lane 1", "Lane 2"]
    assert all(n.lane for n in lanes.nodes())
    sub = next(n for n in lanes.nodes() if n.name == "Expanded Sub-Process 1")
    assert sub.extra["isExpanded"] == "true" or sub.bounds is not None
    inner = lanes.sub_process(sub.id)
    assert inner is not None
    assert sorted(n.name for n in inner.nodes()) == ["End Event 3", "Start Event 3", "Task 4"]
    assert len(list(inner.flows())) == 2 and all(n.bounds is not None for n in inner.nodes())
    messages = [m for model in result.models for m in model.message_flows]
    assert sorted(m.name for m in messages) == ["Message Flow 1", "Message Flow 2"]
    assert any("Message_1373649949207" in text for text in pool.extra["rootElements"])


def test_vertical_pools_keep_their_orientation() -> None:
    """Signavio, isHorizontal="false"."""
    result = corpus("05_miwg_A.4.1.bpmn")
    assert [m.name for m in result.models] == ["Pool 1", "Pool 2"]
    assert all(m.pool is not None and m.pool.horizontal is False for m in result.models)
    assert sum(len(m.lanes) for m in result.models) == 3
    assert all(
        lane.bounds is not None and lane.bounds.height > lane.bounds.width
        for m in result.models
        for lane in m.lanes.values()
    )


def test_data_objects_annotations_groups_and_call_activities() -> None:
    result = corpus("06_miwg_B.1.0.bpmn")
    artifacts = {a.kind for m in result.models for a in m.artifacts}
    assert {
        "dataObject",
        "dataObjectReference",
        "dataStoreReference",
        "textAnnotation",
        "association",
        "group",
        "dataInputAssociation",
        "dataOutputAssociation",
    } <= artifacts
    group = next(a for m in result.models for a in m.artifacts if a.kind == "group")
    assert group.name == "Group" and group.bounds is not None
    calls = [n for m in result.models for n in m.nodes() if n.kind is NodeKind.call_activity]
    assert len(calls) == 3
    note = next(a for m in result.models for a in m.artifacts if a.kind == "textAnnotation")
    assert note.name.strip() and note.bounds is not None


def test_conditions_lanes_and_message_flows_of_a_collaboration() -> None:
    """Signavio invoice collaboration with Camunda attributes."""
    result = corpus("08_miwg_C.1.0.bpmn")
    assert sum(len(m.lanes) for m in result.models) == 4
    conditions = {f.condition for m in result.models for f in m.flows() if f.condition}
    assert {"${approved}", "${!approved}", "${clarified == 'yes'}"} <= conditions
    assert sum(len(m.message_flows) for m in result.models) == 5
    executable = [m for m in result.models if m.extra.get("isExecutable") == "true"]
    assert len(executable) == 1
    # Camunda's attributes are kept under their namespace for the export.
    assert any(
        key.startswith("{http://activiti.org/bpmn}") or key.startswith("{http://camunda.org")
        for m in result.models
        for n in m.nodes()
        for key in n.extra
    )


def test_documentation_becomes_the_description_and_extensions_are_kept_verbatim() -> None:
    result = corpus("10_miwg_C.8.0.bpmn")
    (model,) = result.models
    assert model.documentation.strip()
    assert any("extensionElements" in text for n in model.nodes() for text in n.extra.get("children", []))
    verbatim = result.report.of(Outcome.verbatim)
    assert verbatim and all(item.element_id for item in verbatim)


def test_many_participants_become_models_and_partner_pools() -> None:
    """bpmn-js complex fixture: 17 participants, 9 processes, 29 message flows."""
    result = corpus("17_bpmnjs_complex.bpmn")
    assert len(result.models) == 9
    partners = {p.id for m in result.models for p in m.partners}
    assert len(partners) == 8
    messages = {mf.id for m in result.models for mf in m.message_flows}
    assert len(messages) == 29
    kinds = [kind for m in result.models for _, kind in all_nodes(m).values()]
    assert sum(1 for kind in kinds if kind.endswith("Gateway")) == 23  # 6 of them inside a sub-process


def test_nested_lanes_are_flattened_to_leaves_named_after_their_parents() -> None:
    result = corpus("18_bpmnjs_vertical-pools.bpmn")
    lanes = sorted(lane.name for m in result.models for lane in m.lanes.values())
    assert lanes == ["Lane with Sublane / Sublane", "Lane with Sublane / Sublane 2", "Single Lane"]
    changed = result.report.of(Outcome.changed)
    assert any(i.kind == "lane" and i.element_id == "Lane_1tqhum3" for i in changed)
    assert [m.name for m in result.models] == ["Extended Pool", "Pool with Lanes"]
    # The pool without a process is a partner pool, not lost.
    assert any(p.name == "Collapsed Pool" for m in result.models for p in m.partners)


def test_several_diagrams_each_element_drawn_from_the_diagram_that_shows_it() -> None:
    result = corpus("19_bpmnjs_multiple-diagrams-lanesets.bpmn")
    bounds = {n.id: n.bounds for m in result.models for n in m.nodes()}
    assert bounds["Task_A"] is not None and bounds["Task_B"] is not None
    assert (bounds["Task_B"].x, bounds["Task_B"].y) == (0, 0)


def test_missing_diagram_information_is_fine() -> None:
    result = corpus("20_bpmnjs_subprocess-missing-di.bpmn")
    (model,) = result.models
    sub = model.node("SUB_PROCESS_NO_DI")
    assert sub.kind is NodeKind.sub_process and sub.bounds is None
    assert result.report.complete


def test_the_malformed_xml_declaration_is_read_leniently_and_reported() -> None:
    """`<?xml version="1.0"encoding="UTF-8"?>`: the meaning is unambiguous, so it is repaired."""
    result = corpus("21_bpmnjs_gateway-type-default.bpmn")
    (model,) = result.models
    assert {n.id: n.kind for n in model.nodes()} == {
        "GATEWAY_1": NodeKind.event_based_gateway,
        "GATEWAY_2": NodeKind.event_based_gateway,
    }
    assert model.node("GATEWAY_2").extra["instantiate"] == "true"
    notes = [i.message for i in result.report.of(Outcome.note)]
    assert any("malformed XML declaration" in n for n in notes)


def test_lane_references_to_qualified_ids_are_resolved_and_reported() -> None:
    """BonitaSoft writes ids like "Approvals.Start1" but lists "Start1" in its lanes."""
    result = corpus("28_spiff_Approvals.bpmn")
    approvals = result.model("Approvals")
    assert [lane.name for lane in approvals.lanes.values()] == ["Test", "Supervisor", "Manager"]
    assert approvals.node("Approvals.Start1").lane == "Approvals.Test"
    assert all(n.lane is not None for n in approvals.nodes())
    assert sum(len(m.lanes) for m in result.models) == 8
    assert any(
        i.kind == "flowNodeRef" and i.outcome is Outcome.changed and "Approvals.Start1" in i.message
        for i in result.report.items
    )


def test_nodes_drawn_in_a_lane_that_does_not_list_them_go_in_that_lane() -> None:
    xml = f"""<definitions xmlns="{MODEL}" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
        xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="d">
      <process id="p"><laneSet id="ls"><lane id="top" name="Top"/><lane id="bottom" name="Bottom"/></laneSet>
        <task id="t" name="Unlisted"/></process>
      <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="p">
        <bpmndi:BPMNShape id="a" bpmnElement="top">
          <dc:Bounds x="0" y="0" width="500" height="100"/></bpmndi:BPMNShape>
        <bpmndi:BPMNShape id="b" bpmnElement="bottom">
          <dc:Bounds x="0" y="100" width="500" height="100"/></bpmndi:BPMNShape>
        <bpmndi:BPMNShape id="c" bpmnElement="t">
          <dc:Bounds x="50" y="120" width="100" height="80"/></bpmndi:BPMNShape>
      </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
    </definitions>"""
    result = import_bpmn(xml)
    assert result.models[0].node("t").lane == "bottom"
    assert any(i.element_id == "t" and i.outcome is Outcome.changed for i in result.report.items)


def test_fourteen_lanes_in_four_pools() -> None:
    result = corpus("32_bpmnpy_lanes.bpmn")
    assert sum(len(m.lanes) for m in result.models) == 10  # 14 lanes, 4 of them parents of others
    assert sum(1 for i in result.report.of(Outcome.changed) if i.kind == "lane") == 4


def test_camunda_extensions_and_conditions() -> None:
    result = corpus("35_camex_camunda-testing-job-announcement.bpmn")
    (model,) = result.models
    assert len(model.lanes) == 3 and all(n.lane for n in model.nodes())
    assert {f.condition for f in model.flows() if f.condition} == {"#{approved}", "#{!approved}"}
    call = next(n for n in model.nodes() if n.kind is NodeKind.call_activity)
    assert any("camunda" in text and "jobAnnouncementId" in text for text in call.extra["children"])
    assert any(k.startswith("{http://camunda.org/schema/1.0/bpmn}") for n in model.nodes() for k in n.extra)


def test_text_input_is_read_like_bytes() -> None:
    raw = (CORPUS / "27_spiff_lanes.bpmn").read_bytes()
    as_text = import_bpmn(raw.decode("utf-8"))
    as_bytes = import_bpmn(raw)
    assert [m.to_dict() for m in as_text.models] == [m.to_dict() for m in as_bytes.models]


def test_prefixes_do_not_matter_only_namespaces() -> None:
    xml = (
        '<x:definitions xmlns:x="{m}" id="d"><x:process id="p"><x:startEvent id="s"/><x:task id="t" '
        'name="T"/>'
        '<x:sequenceFlow id="f" sourceRef="s" targetRef="t"/></x:process></x:definitions>'
    )
    default = xml.replace("x:", "").replace("xmlns:x=", "xmlns=")
    for text in (xml, default):
        (model,) = import_bpmn(text.format(m=MODEL)).models
        assert {n.id for n in model.nodes()} == {"s", "t"} and model.flow("f").target == "t"


def test_what_does_not_fit_is_reported_with_id_and_kind() -> None:
    xml = f"""<definitions xmlns="{MODEL}" id="d">
      <choreography id="chor"/>
      <process id="p">
        <startEvent id="s"/>
        <task id="t"/>
        <sequenceFlow id="f_ok" sourceRef="s" targetRef="t"/>
        <sequenceFlow id="f_bad" sourceRef="s" targetRef="ghost"/>
        <callChoreography id="cc"/>
        <subProcess id="sp"><laneSet id="inner_lanes"><lane id="l"/></laneSet></subProcess>
      </process>
    </definitions>"""
    result = import_bpmn(xml, source="odd.bpmn")
    dropped = {(i.kind, i.element_id) for i in result.report.not_kept}
    assert {
        ("choreography", "chor"),
        ("sequenceFlow", "f_bad"),
        ("callChoreography", "cc"),
        ("laneSet", "inner_lanes"),
    } <= dropped
    assert not result.report.complete
    assert "odd.bpmn" in result.report.summary() and "f_bad" in result.report.summary()
    assert "ghost" in next(i.message for i in result.report.not_kept if i.element_id == "f_bad")


def _kept_ids(result: BpmnImport) -> set[str]:
    ids: set[str] = set()
    texts: list[str] = []
    for model in result.models:
        data = json.dumps(model.to_dict())
        ids.add(model.id)
        texts.append(data)
    blob = "\n".join(texts)
    ids |= set(re.findall(r'"id": "([^"]*)"', blob))
    ids |= set(re.findall(r'id=\\"([^\\"]*)\\"', blob))  # inside kept XML fragments
    ids |= {str(v) for v in re.findall(r'"laneSet": "([^"]*)"', blob)}
    return ids


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_element_of_the_file_is_kept_or_reported(path: Path) -> None:
    """No silent drop: each id-bearing BPMN element is in the models (directly or verbatim) or
    named in the report."""
    result = import_bpmn(path.read_bytes(), source=path.name)
    accounted = _kept_ids(result) | {i.element_id for i in result.report.items}
    root = parse_untrusted(path.read_bytes()).root
    missing = []
    for element in root.iter():
        element_id = element.get("id")
        if not element_id or not element.tag.startswith("{" + MODEL + "}"):
            continue
        if element.tag.split("}")[1] in ("definitions", "collaboration", "childLaneSet"):
            # Containers the exporter writes anew; a child lane set's lanes are flattened into
            # leaves, and that is reported on its parent lane.
            continue
        if element.tag.endswith("}documentation") and not "".join(element.itertext()).strip():
            continue  # nothing to lose
        if element_id not in accounted:
            missing.append(f"{element.tag.split('}')[1]} {element_id}")
    assert not missing, missing


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_imported_models_survive_storage(path: Path) -> None:
    """What the workbench stores (to_dict as JSON) gives the same model back."""
    for model in import_bpmn(path.read_bytes()).models:
        stored = json.loads(json.dumps(model.to_dict()))
        assert ProcessModel.from_dict(stored).to_dict() == stored
