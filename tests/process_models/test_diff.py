"""Diff of two models, table-driven: each kind of change, and how nodes and flows are paired."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from process_models.diff import ChangeKind, MatchStage, ModelDiff, diff, normalise_name
from process_models.enums import NodeKind
from process_models.model import ProcessModel
from tests.process_models.support import enrolment

K = NodeKind


def as_is() -> ProcessModel:
    return enrolment(name="Enrolment", no_label="no")


def _redrawn(model: ProcessModel) -> ProcessModel:
    """The same process drawn again in a modeler: every lane, node and flow gets a new id."""
    data = model.to_dict()
    lane_ids = {lane["id"]: f"Lane_{i}" for i, lane in enumerate(data["lanes"])}
    node_ids = {node["id"]: f"Activity_{i}" for i, node in enumerate(data["nodes"])}
    for lane in data["lanes"]:
        lane["id"] = lane_ids[lane["id"]]
    for node in data["nodes"]:
        node["id"], node["lane"] = node_ids[node["id"]], lane_ids.get(node["lane"])
    for i, flow in enumerate(data["flows"]):
        flow["id"], flow["source"], flow["target"] = (
            f"Flow_{i}",
            node_ids[flow["source"]],
            node_ids[flow["target"]],
        )
    return ProcessModel.from_dict(data)


def _steps(*changes: Callable[[ProcessModel], object]) -> Callable[[ProcessModel], None]:
    def apply(model: ProcessModel) -> None:
        for change in changes:
            change(model)

    return apply


def _replace_flow(flow_id: str, **changes: str) -> Callable[[ProcessModel], None]:
    def change(model: ProcessModel) -> None:
        flow = replace(model.flow(flow_id), **changes)  # type: ignore[arg-type]
        model.remove_flow(flow_id)
        model.add_flow(flow.source, flow.target, id=flow.id, name=flow.name, condition=flow.condition)

    return change


def summary(result: ModelDiff) -> dict[str, Any]:
    """The diff in a compact form the tables spell out: only the non-empty parts."""
    found: dict[str, Any] = {
        "nodes added": [n.id for n in result.added_nodes],
        "nodes removed": [n.id for n in result.removed_nodes],
        "nodes changed": {c.id: {f.field: (f.old, f.new) for f in c.changes} for c in result.changed_nodes},
        "flows added": [f.id for f in result.added_flows],
        "flows removed": [f.id for f in result.removed_flows],
        "flows changed": {c.id: {f.field: (f.old, f.new) for f in c.changes} for c in result.changed_flows},
    }
    return {key: value for key, value in found.items() if value}


CHANGES: dict[str, tuple[Callable[[ProcessModel], object], dict[str, Any]]] = {
    "nothing": (lambda m: None, {}),
    "node added": (
        _steps(
            lambda m: m.add_node(K.task, "Print a card", lane="L_pos", id="print"),
            lambda m: m.add_flow("lookup", "print", id="f_print"),
        ),
        {"nodes added": ["print"], "flows added": ["f_print"]},
    ),
    "node removed (with its flows)": (
        lambda m: m.remove_node("form"),
        {"nodes removed": ["form"], "flows removed": ["f4", "f6"]},
    ),
    "node renamed": (
        lambda m: m.update_node("ask", name="Ask for the phone number"),
        {"nodes changed": {"ask": {"name": ("Ask for the phone", "Ask for the phone number")}}},
    ),
    "node moved to another lane": (
        lambda m: m.update_node("ask", lane="L_pos"),
        {"nodes changed": {"ask": {"lane": ("Cashier", "POS")}}},
    ),
    "node retyped": (
        lambda m: m.update_node("form", kind=K.service_task),
        {"nodes changed": {"form": {"kind": ("userTask", "serviceTask")}}},
    ),
    "node renamed, moved and retyped at once": (
        lambda m: m.update_node("form", name="Enrol by SMS", lane="L_pos", kind=K.service_task),
        {
            "nodes changed": {
                "form": {
                    "name": ("Fill in the paper form", "Enrol by SMS"),
                    "lane": ("Cashier", "POS"),
                    "kind": ("userTask", "serviceTask"),
                }
            }
        },
    ),
    "flow added": (
        lambda m: m.add_flow("ask", "end", id="f_skip", name="skip", condition="${skip}"),
        {"flows added": ["f_skip"]},
    ),
    "flow removed": (lambda m: m.remove_flow("f5"), {"flows removed": ["f5"]}),
    "flow condition changed": (
        _replace_flow("f3", condition="${isMember}"),
        {"flows changed": {"f3": {"condition": ("${member}", "${isMember}")}}},
    ),
    "flow renamed": (
        _replace_flow("f3", name="member"),
        {"flows changed": {"f3": {"name": ("yes", "member")}}},
    ),
    "flow retargeted": (
        _replace_flow("f4", target="join"),
        {"flows changed": {"f4": {"target": ("form", "join")}}},
    ),
    "flow given another source": (
        _replace_flow("f5", source="form"),
        {"flows changed": {"f5": {"source": ("lookup", "form")}}},
    ),
    "flow id reused for another connection": (
        _steps(
            lambda m: m.remove_flow("f5"),
            lambda m: m.remove_flow("f1"),
            lambda m: m.add_flow("start", "lookup", id="f5"),
        ),
        {"flows added": ["f5"], "flows removed": ["f1", "f5"]},
    ),
    "flow with a new id between the same nodes": (
        _steps(lambda m: m.remove_flow("f7"), lambda m: m.add_flow("join", "end", id="f7b")),
        {},
    ),
    "flow with a new id and another condition": (
        _steps(
            lambda m: m.remove_flow("f3"),
            lambda m: m.add_flow("split", "lookup", id="f3b", name="yes", condition="${member == true}"),
        ),
        {"flows changed": {"f3b": {"condition": ("${member}", "${member == true}")}}},
    ),
    "node with a new id, same name in the same lane": (
        _steps(
            lambda m: m.remove_node("lookup"),
            lambda m: m.add_node(K.service_task, "  look UP   member ", lane="L_pos", id="Activity_0x1"),
            lambda m: m.add_flow("split", "Activity_0x1", id="f3", name="yes", condition="${member}"),
            lambda m: m.add_flow("Activity_0x1", "join", id="f5"),
        ),
        {"nodes changed": {"Activity_0x1": {"name": ("Look up member", "  look UP   member ")}}},
    ),
    # Name matching crosses lanes (stage 3): the namesake in another lane is the step, moved.
    "node with a new id, same name in another lane": (
        _steps(
            lambda m: m.remove_node("lookup"),
            lambda m: m.add_node(K.service_task, "Look up member", lane="L_cashier", id="Activity_0x1"),
        ),
        {"nodes changed": {"Activity_0x1": {"lane": ("POS", "Cashier")}}, "flows removed": ["f3", "f5"]},
    ),
    "unnamed node with a new id and the same neighbours": (
        _steps(
            lambda m: m.remove_node("join"),
            lambda m: m.add_node(K.exclusive_gateway, "", lane="L_cashier", id="Gateway_new"),
            lambda m: m.add_flow("lookup", "Gateway_new", id="f5"),
            lambda m: m.add_flow("Gateway_new", "end", id="f7"),
        ),
        {"flows removed": ["f6"]},
    ),
    "unnamed node with a new id and no shared neighbour": (
        _steps(
            lambda m: m.remove_node("join"),
            lambda m: m.add_node(K.exclusive_gateway, "", lane="L_cashier", id="Gateway_new"),
        ),
        {"nodes added": ["Gateway_new"], "nodes removed": ["join"], "flows removed": ["f5", "f6", "f7"]},
    ),
    "unnamed node with a new id and another kind": (
        _steps(
            lambda m: m.remove_node("join"),
            lambda m: m.add_node(K.parallel_gateway, "", lane="L_cashier", id="Gateway_new"),
            lambda m: m.add_flow("lookup", "Gateway_new", id="f5"),
            lambda m: m.add_flow("Gateway_new", "end", id="f7"),
        ),
        {
            "nodes added": ["Gateway_new"],
            "nodes removed": ["join"],
            "flows removed": ["f6"],
            "flows changed": {
                "f5": {"target": ("join", "Gateway_new")},
                "f7": {"source": ("join", "Gateway_new")},
            },
        },
    ),
}


@pytest.mark.parametrize(("change", "expected"), CHANGES.values(), ids=CHANGES.keys())
def test_each_kind_of_change(change: Callable[[ProcessModel], object], expected: dict[str, Any]) -> None:
    before = as_is()
    after = as_is()
    change(after)
    assert summary(diff(before, after)) == expected


def test_a_redrawn_model_with_new_ids_everywhere_pairs_by_name_within_lane_and_neighbours() -> None:
    before = as_is()
    after = _redrawn(before)
    result = diff(before, after)
    assert result.is_empty, summary(result)
    assert result.node_pairs["lookup"] == after.nodes_in_lane("Lane_1")[0].id
    assert len(result.flow_pairs) == 7


def test_a_redrawn_model_with_a_change_reports_only_the_change() -> None:
    before = as_is()
    after = _redrawn(before)
    form = next(n for n in after.nodes() if n.name == "Fill in the paper form")
    after.update_node(form.id, name="Fill in the tablet form")
    # Renamed and with a new id: the stems of the names (fill, form; paper / tablet) tie it to
    # the old step, so it is renamed, and its flows are the old ones.
    result = diff(before, after)
    assert summary(result) == {
        "nodes changed": {form.id: {"name": ("Fill in the paper form", "Fill in the tablet form")}}
    }
    assert result.changed_nodes[0].kinds == (ChangeKind.renamed,)
    assert result.changed_nodes[0].stage is MatchStage.name


def test_lanes_are_compared_by_name_not_id() -> None:
    before = as_is()
    data = before.to_dict()  # the same nodes, but lanes under new ids
    for lane in data["lanes"]:
        lane["id"] = "New_" + lane["id"]
    for node in data["nodes"]:
        node["lane"] = "New_" + node["lane"]
    after = ProcessModel.from_dict(data)
    assert diff(before, after).is_empty
    after.update_node("ask", lane="New_L_pos")
    assert summary(diff(before, after)) == {"nodes changed": {"ask": {"lane": ("Cashier", "POS")}}}


def test_a_step_moved_to_another_lane_under_a_new_id_is_paired_as_moved() -> None:
    """Name pairing crosses lanes: a redesign moves steps between roles and systems."""
    before = as_is()
    after = _redrawn(before)
    ask = next(n for n in after.nodes() if n.name == "Ask for the phone")
    after.update_node(ask.id, lane="Lane_1")  # the POS lane under its new id
    result = diff(before, after)
    assert summary(result) == {"nodes changed": {ask.id: {"lane": ("Cashier", "POS")}}}
    assert result.changed_nodes[0].kinds == (ChangeKind.moved,)


@pytest.mark.parametrize(
    ("kinds_before", "kinds_after", "paired_with"),
    [
        ((K.service_task, K.user_task), (K.user_task, K.service_task), {"old_a": "new_b", "old_b": "new_a"}),
        ((K.user_task, K.user_task), (K.user_task, K.user_task), {"old_a": "new_a", "old_b": "new_b"}),
    ],
    ids=["same kind preferred", "else model order"],
)
def test_namesakes_in_a_lane_pair_by_kind_then_order(
    kinds_before: tuple[NodeKind, NodeKind],
    kinds_after: tuple[NodeKind, NodeKind],
    paired_with: dict[str, str],
) -> None:
    before, after = ProcessModel("x"), ProcessModel("x")
    before.add_lane("Cashier", id="Lane_before")
    after.add_lane("Cashier", id="Lane_after")
    before.add_node(kinds_before[0], "Check", lane="Lane_before", id="old_a")
    before.add_node(kinds_before[1], "Check", lane="Lane_before", id="old_b")
    after.add_node(kinds_after[0], "Check", lane="Lane_after", id="new_a")
    after.add_node(kinds_after[1], "Check", lane="Lane_after", id="new_b")
    assert diff(before, after).node_pairs == paired_with


def test_to_json_lists_element_ids() -> None:
    before = as_is()
    after = as_is()
    after.remove_node("form")
    after.add_node(K.service_task, "Enrol by SMS", lane="L_pos", id="sms")
    after.add_flow("split", "sms", id="f_sms", name="no", condition="${!member}")
    after.update_node("ask", name="Ask for the phone number")
    document = json.loads(diff(before, after).to_json())
    assert document == {
        "nodes": {
            "added": ["sms"],
            "removed": ["form"],
            "changed": [
                {
                    "id": "ask",
                    "before_id": "ask",
                    "changes": {"name": {"old": "Ask for the phone", "new": "Ask for the phone number"}},
                }
            ],
        },
        "flows": {"added": ["f_sms"], "removed": ["f4", "f6"], "changed": []},
    }


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("Look up member", "look up member"), ("  Look\tup\n MEMBER ", "look up member"), ("", "")],
    ids=["plain", "spacing and case", "empty"],
)
def test_names_are_normalised_for_pairing(raw: str, normal: str) -> None:
    assert normalise_name(raw) == normal
