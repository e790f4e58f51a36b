"""The golden check: bpmn-js-differ's pizza collaboration gives bpmn-js-differ's own result.

The two files are bpmn-js-differ's test fixtures (tests/data/bpmn-js-differ/SOURCES.md); the
expected sets are those of its test "should diff pizza collaboration", asserted exactly: every
element added, removed, changed or moved, over steps, sequence flows, message flows and pools.
"""

from __future__ import annotations

from pathlib import Path

from process_models.bpmn import import_bpmn
from process_models.diff import ModelDiff, diff_collaboration

FIXTURES = Path(__file__).parents[1] / "data" / "bpmn-js-differ" / "pizza-collaboration"


def _pizza() -> ModelDiff:
    old = import_bpmn((FIXTURES / "old.bpmn").read_bytes(), source="old.bpmn")
    new = import_bpmn((FIXTURES / "new.bpmn").read_bytes(), source="new.bpmn")
    return diff_collaboration(old.models, new.models)


def test_pizza_collaboration_gives_the_golden_result() -> None:
    result = _pizza()
    added = [n.id for n in result.added_nodes] + [f.id for f in result.added_flows]
    added += [m.id for m in result.added_message_flows] + [p.id for p in result.added_pools]
    removed = [n.id for n in result.removed_nodes] + [f.id for f in result.removed_flows]
    removed += [m.id for m in result.removed_message_flows] + [p.id for p in result.removed_pools]
    assert sorted(added) == sorted(["ManualTask_1", "ExclusiveGateway_1"])
    assert sorted(removed) == sorted(
        ["_6-674", "_6-691", "_6-746", "_6-748", "_6-74", "_6-125", "_6-178", "_6-642"]
    )
    assert result.layout_changed == ["_6-61"]
    assert result.changed_ids() == ["_6-127"]


def test_the_removed_message_flow_is_reported_as_a_message_flow() -> None:
    result = _pizza()
    assert [m.id for m in result.removed_message_flows] == ["_6-642"]
    assert {m.id for m in result.removed_message_flows} <= set(result.to_dict()["message_flows"]["removed"])
    assert result.to_dict()["layout_changed"] == ["_6-61"]


def test_the_renamed_task_is_renamed_and_paired_by_id() -> None:
    (change,) = _pizza().changed_nodes
    assert (change.before.name, change.after.name) == ("Order a pizza", "Order Pasta!")
    assert [k.value for k in change.kinds] == ["renamed"]
