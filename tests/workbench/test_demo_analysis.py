"""The demo project's analysis content (workbench.demo.analysis): eight valid process models that
survive a BPMN round trip, interviews whose findings point at real steps, and an inventory whose
integrations join systems of their own variant. Plain data, no app."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pytest

from process_models.bpmn import export_bpmn, import_bpmn
from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ProcessModel
from process_models.validation import validate
from tests.process_models.support import by_process, normalise
from workbench.demo.analysis import INTERVIEWS, INVENTORY, PROCESS_KEYS, demo_processes

PROCESSES = demo_processes()
IDS = [f"{key}-{model.variant.value}" for key, model in PROCESSES]
MODELS = {(key, model.variant.value): model for key, model in PROCESSES}
CATEGORIES = {"algorithm", "form", "report", "system", "integration"}


def systems_of(variant: str) -> set[str]:
    return {item.name for item in INVENTORY if item.category == "system" and item.variant == variant}


# --- the process models ----------------------------------------------------------------------


def test_eight_models_four_processes_as_is_then_to_be() -> None:
    assert [(key, model.variant) for key, model in PROCESSES] == [
        (key, variant) for key in PROCESS_KEYS for variant in (Variant.as_is, Variant.to_be)
    ]
    assert PROCESS_KEYS == ("enrolment", "purchase", "pay_with_points", "returns")
    for key, model in PROCESSES:
        assert model.id == f"Process_{key}_{model.variant.name}"
        assert model.name.endswith(" (AS-IS)" if model.variant is Variant.as_is else " (TO-BE)")
        assert model.documentation.strip()
    assert len({model.id for _, model in PROCESSES}) == 8


def test_each_call_builds_fresh_models() -> None:
    first, second = demo_processes()[0][1], demo_processes()[0][1]
    assert first is not second and first.to_dict() == second.to_dict()


@pytest.mark.parametrize(("key", "model"), PROCESSES, ids=IDS)
def test_model_validates_without_findings(key: str, model: ProcessModel) -> None:
    findings = validate(model)
    assert [f.message for f in findings if f.severity == "error"] == []
    assert [f.message for f in findings if f.severity == "warning"] == []


@pytest.mark.parametrize(("key", "model"), PROCESSES, ids=IDS)
def test_model_round_trips_through_bpmn_to_the_same_graph(key: str, model: ProcessModel) -> None:
    again = import_bpmn(export_bpmn(model), source=f"demo {key}")
    assert again.report.complete, again.report.summary()
    (read,) = again.models
    assert normalise(read) == normalise(model)
    assert read.variant is model.variant and read.name == model.name
    assert {lane.id: (lane.name, lane.kind) for lane in read.lanes.values()} == {
        lane.id: (lane.name, lane.kind) for lane in model.lanes.values()
    }
    assert {n.id: n.lane for n in read.nodes()} == {n.id: n.lane for n in model.nodes()}


def test_all_eight_models_round_trip_together_in_one_file() -> None:
    models = [model for _, model in PROCESSES]
    again = import_bpmn(export_bpmn(models), source="demo project")
    assert again.report.complete, again.report.summary()
    assert by_process(again.models) == by_process(models)


def test_ids_are_unique_across_all_models() -> None:
    ids = Counter(
        element_id
        for _, model in PROCESSES
        for element_id in [*model.graph.nodes, *model.lanes, *(f.id for f in model.flows())]
    )
    assert [element_id for element_id, count in ids.items() if count > 1] == []


@pytest.mark.parametrize(("key", "model"), PROCESSES, ids=IDS)
def test_model_shape(key: str, model: ProcessModel) -> None:
    assert 8 <= len(model) <= 16
    assert 2 <= len(model.lanes) <= 4
    assert {lane.kind for lane in model.lanes.values()} == {LaneKind.role, LaneKind.system}
    kinds = Counter(node.kind for node in model.nodes())
    assert kinds[NodeKind.start_event] >= 1 and kinds[NodeKind.end_event] >= 1
    tasks = {kind for kind in kinds if kind.is_activity}
    assert len(tasks) >= 2, tasks
    for node in model.nodes():
        assert node.name.strip() and node.description.strip(), node.id
        assert node.lane in model.lanes, node.id


@pytest.mark.parametrize(("key", "model"), PROCESSES, ids=IDS)
def test_model_has_an_exclusive_gateway_with_named_conditioned_flows(key: str, model: ProcessModel) -> None:
    splits = [
        node
        for node in model.nodes()
        if node.kind is NodeKind.exclusive_gateway and model.graph.out_degree(node.id) >= 2
    ]
    assert splits
    for gateway in splits:
        outgoing = [f for f in model.flows() if f.source == gateway.id]
        assert all(f.condition.strip() and f.name.strip() for f in outgoing), gateway.id


def test_the_models_use_every_task_kind_and_a_to_be_has_a_parallel_split_and_join() -> None:
    kinds = {node.kind for _, model in PROCESSES for node in model.nodes()}
    assert {
        NodeKind.user_task,
        NodeKind.service_task,
        NodeKind.manual_task,
        NodeKind.send_task,
        NodeKind.business_rule_task,
    } <= kinds
    with_parallel = []
    for key, model in PROCESSES:
        gateways = [n for n in model.nodes() if n.kind is NodeKind.parallel_gateway]
        splits = [g for g in gateways if model.graph.out_degree(g.id) >= 2]
        joins = [g for g in gateways if model.graph.in_degree(g.id) >= 2]
        if splits and joins:
            with_parallel.append((key, model.variant))
    assert any(variant is Variant.to_be for _, variant in with_parallel)


@pytest.mark.parametrize(("key", "model"), PROCESSES, ids=IDS)
def test_systems_named_in_the_model_are_systems_of_its_variant(key: str, model: ProcessModel) -> None:
    systems = systems_of(model.variant.value)
    assert {node.system for node in model.nodes() if node.system} <= systems
    assert {lane.name for lane in model.lanes.values() if lane.kind is LaneKind.system} <= systems


# --- the interviews --------------------------------------------------------------------------


def test_interviews() -> None:
    assert len(INTERVIEWS) >= 6
    assert len({i.stakeholder for i in INTERVIEWS}) == len(INTERVIEWS)
    for interview in INTERVIEWS:
        assert interview.stakeholder and interview.position and interview.department and interview.notes
        assert datetime.date(2026, 9, 1) <= interview.held_on <= datetime.date(2026, 10, 31)
        assert any("консультант" in p for p in interview.participants)
        assert 2 <= len(interview.findings) <= 5, interview.stakeholder
        for finding in interview.findings:
            assert finding.kind in {"pain_point", "need", "fact", "risk"}
            assert finding.text.strip()
            assert finding.variant in {"as-is", "to-be"}
            assert finding.process is None or finding.process in PROCESS_KEYS


def test_findings_point_at_steps_that_exist() -> None:
    linked = 0
    for interview in INTERVIEWS:
        for finding in interview.findings:
            if finding.step is None:
                continue
            assert finding.process is not None, finding.text
            model = MODELS[(finding.process, finding.variant)]
            assert finding.step in model.graph, f"{finding.step} is no step of {model.name}"
            linked += 1
    assert linked >= 8


# --- the inventory ---------------------------------------------------------------------------


def test_inventory_covers_every_category_in_both_variants() -> None:
    assert len(INVENTORY) >= 25
    present = {(item.category, item.variant) for item in INVENTORY}
    assert present == {(category, variant) for category in CATEGORIES for variant in ("as-is", "to-be")}
    assert len({(item.category, item.variant, item.name) for item in INVENTORY}) == len(INVENTORY)
    for item in INVENTORY:
        assert item.name.strip() and item.description.strip() and item.owner.strip(), item.name


def test_integrations_join_systems_of_their_variant() -> None:
    for item in INVENTORY:
        if item.category != "integration":
            assert not (item.source or item.target or item.transport or item.frequency), item.name
            continue
        systems = systems_of(item.variant)
        assert item.source in systems and item.target in systems, item.name
        assert item.source != item.target and item.transport and item.frequency, item.name


def test_a_misspelt_or_missing_field_in_the_demo_content_names_the_file_and_the_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workbench.demo import analysis, content

    monkeypatch.setattr(content, "HERE", tmp_path)
    (tmp_path / "interviews.yaml").write_text(
        "interviews:\n- stakeholder: A\n  position: B\n  department: C\n  held_on: 2026-09-08\n"
        "  participants: []\n  notes: ''\n  findings: []\n- stakeholder: D\n  postion: E\n  department: F\n"
        "  held_on: 2026-09-09\n  participants: []\n  notes: ''\n  findings: []\n",
        encoding="utf-8",
    )
    (tmp_path / "inventory.yaml").write_text(
        "inventory:\n- category: form\n  variant: as-is\n", encoding="utf-8"
    )
    content._parsed.cache_clear()
    try:
        with pytest.raises(content.DemoContentError, match=r"interviews.yaml: interviews\[1\]: .*postion"):
            content.records("interviews.yaml", "interviews", analysis._interview)
        with pytest.raises(content.DemoContentError, match=r"inventory.yaml: inventory\[0\]: .*name"):
            content.records("inventory.yaml", "inventory", lambda entry: analysis.DemoInventoryItem(**entry))
    finally:
        content._parsed.cache_clear()
