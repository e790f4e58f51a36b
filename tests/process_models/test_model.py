"""The process model: building, changing and storing a graph of nodes in lanes."""

from __future__ import annotations

import pytest

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ModelError, ProcessModel


def _enrolment() -> ProcessModel:
    model = ProcessModel("Enrolment at the till", Variant.to_be)
    cashier = model.add_lane("Cashier", id="Lane_cashier")
    pos = model.add_lane("POS", LaneKind.system, id="Lane_pos")
    model.add_node(NodeKind.start_event, "Customer at the till", lane=cashier.id, id="start")
    model.add_node(NodeKind.user_task, "Ask for the phone", lane=cashier.id, id="ask")
    model.add_node(NodeKind.service_task, "Enrol in the loyalty core", lane=pos.id, id="enrol", system="POS")
    model.add_node(NodeKind.end_event, "Member enrolled", lane=pos.id, id="end")
    model.add_flow("start", "ask", id="f1")
    model.add_flow("ask", "enrol", id="f2")
    model.add_flow("enrol", "end", id="f3", name="ok")
    return model


def test_a_model_keeps_its_ids_and_round_trips_through_its_stored_form() -> None:
    model = _enrolment()
    stored = model.to_dict()
    again = ProcessModel.from_dict(stored)
    assert again.to_dict() == stored
    assert again.node("enrol").lane == "Lane_pos" and again.flow("f3").name == "ok"


def test_moving_renaming_and_removing_steps() -> None:
    model = _enrolment()
    model.update_node("ask", name="Ask for the phone number", lane="Lane_pos")
    assert model.node("ask").name == "Ask for the phone number" and model.node("ask").lane == "Lane_pos"
    model.remove_node("enrol")
    assert {f.id for f in model.flows()} == {"f1"}
    model.remove_flow("f1")
    assert list(model.flows()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.add_node(NodeKind.task, "x", id="ask"), "node id 'ask' is already used"),
        (lambda m: m.add_node(NodeKind.task, "x", lane="nowhere"), "no lane 'nowhere'"),
        (lambda m: m.add_flow("ask", "ghost"), "no node 'ghost'"),
        (lambda m: m.add_flow("ask", "end", id="f1"), "flow id 'f1' is already used"),
        (lambda m: m.update_node("ask", lane="nowhere"), "no lane 'nowhere'"),
        (lambda m: m.node("ghost"), "no node 'ghost'"),
    ],
    ids=[
        "duplicate node id",
        "unknown lane",
        "flow to nowhere",
        "duplicate flow id",
        "move to unknown lane",
        "unknown node",
    ],
)
def test_bad_changes_are_refused_naming_the_element(change, message: str) -> None:  # type: ignore[no-untyped-def]
    model = _enrolment()
    before = model.to_dict()
    with pytest.raises(ModelError, match=message):
        change(model)
    assert model.to_dict() == before


def test_generated_ids_never_collide_with_given_ones() -> None:
    model = ProcessModel("x")
    model.add_node(NodeKind.task, "a", id="Activity_1")
    generated = model.add_node(NodeKind.task, "b")
    assert generated.id != "Activity_1"
