"""Requirement candidates from the AS-IS / TO-BE difference: new steps, and steps moving to a system."""

from __future__ import annotations

from gap_analysis.candidates import NEW_STEP, RequirementCandidate, requirement_candidates
from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ProcessModel

K = NodeKind


def as_is() -> ProcessModel:
    """The cashier asks for the phone and fills in a paper form; the old POS looks the member up."""
    model = ProcessModel("Enrolment (AS-IS)", Variant.as_is)
    model.add_lane("Cashier", id="L_cashier")
    model.add_lane("Back office", id="L_office")
    model.add_lane("POS", LaneKind.system, id="L_pos")
    model.add_node(K.start_event, "Customer at the till", lane="L_cashier", id="start")
    model.add_node(K.user_task, "Ask for the phone", lane="L_cashier", id="ask")
    model.add_node(K.service_task, "Look up member", lane="L_pos", id="lookup")
    model.add_node(K.user_task, "Fill in the paper form", lane="L_cashier", id="form")
    model.add_node(K.manual_task, "Check the form", lane="L_office", id="check")
    model.add_node(K.manual_task, "File the form", lane="L_office", id="file")
    model.add_node(K.end_event, "Done", lane="L_office", id="end")
    for source, target in [
        ("start", "ask"),
        ("ask", "lookup"),
        ("lookup", "form"),
        ("form", "check"),
        ("check", "file"),
        ("file", "end"),
    ]:
        model.add_flow(source, target, id=f"f_{source}_{target}")
    return model


def to_be() -> ProcessModel:
    """Drawn separately (its own lane ids): the phone is typed into the POS, the loyalty core
    looks up and registers; the paper form is gone; the form check moved to the core; the filing
    moved to the cashier; gateways, events and an unnamed task ask for nothing."""
    model = ProcessModel("Enrolment (TO-BE)", Variant.to_be)
    model.add_lane("Cashier", id="T_cashier")
    model.add_lane("Loyalty core", LaneKind.system, id="T_core")
    model.add_lane("POS", LaneKind.system, id="T_pos")
    model.add_node(K.start_event, "Customer at the till", lane="T_cashier", id="start")
    model.add_node(
        K.user_task, "Ask for the phone", lane="T_cashier", id="ask", system="POS"
    )  # now on the POS
    model.add_node(K.service_task, "Look up member", lane="T_core", id="lookup")  # POS -> core, same id
    model.add_node(K.exclusive_gateway, "Member already?", lane="T_core", id="known")
    model.add_node(K.service_task, "Check the form", lane="T_core", id="core_check")  # office -> core
    model.add_node(K.sub_process, "Register the member", lane="T_core", id="register")
    model.add_node(K.manual_task, "File the form", lane="T_cashier", id="cashier_file")  # office -> cashier
    model.add_node(K.task, "", lane="T_cashier", id="unnamed")
    model.add_node(K.intermediate_throw_event, "Welcome SMS sent", lane="T_core", id="sms")
    model.add_node(K.end_event, "Member enrolled", lane="T_cashier", id="end")
    for source, target in [
        ("start", "ask"),
        ("ask", "lookup"),
        ("lookup", "known"),
        ("known", "core_check"),
        ("core_check", "register"),
        ("register", "cashier_file"),
        ("cashier_file", "unnamed"),
        ("unnamed", "sms"),
        ("sms", "end"),
    ]:
        model.add_flow(source, target, id=f"t_{source}_{target}")
    return model


def test_new_steps_and_steps_moving_to_a_system_are_candidates_in_process_order() -> None:
    found = requirement_candidates(as_is(), to_be())
    assert found == [
        RequirementCandidate(
            "Ask for the phone",
            "moves to system POS (was: Cashier)",
            "Enrolment (TO-BE)",
            "ask",
            "Cashier",
            "POS",
        ),
        RequirementCandidate(
            "Look up member",
            "moves to system Loyalty core (was: POS)",
            "Enrolment (TO-BE)",
            "lookup",
            "Loyalty core",
            "Loyalty core",
        ),
        RequirementCandidate(
            "Check the form",
            "moves to system Loyalty core (was: Back office)",
            "Enrolment (TO-BE)",
            "core_check",
            "Loyalty core",
            "Loyalty core",
        ),
        RequirementCandidate(
            "Register the member", NEW_STEP, "Enrolment (TO-BE)", "register", "Loyalty core", "Loyalty core"
        ),
    ]


def test_unchanged_steps_and_steps_handed_between_people_are_not_candidates() -> None:
    found = {c.node_id for c in requirement_candidates(as_is(), to_be())}
    # "File the form" went from the back office to the cashier: people, no system.
    assert "cashier_file" not in found
    # Gateways, events and unnamed tasks never are.
    assert not found & {"start", "known", "unnamed", "sms", "end"}
    assert requirement_candidates(as_is(), as_is()) == []


def test_a_step_staying_on_its_system_is_not_a_candidate_but_a_change_of_system_is() -> None:
    before, after = as_is(), as_is()
    after.update_node("ask", system="POS")
    assert [c.reason for c in requirement_candidates(before, after)] == ["moves to system POS (was: Cashier)"]
    before.update_node("ask", system="POS")
    assert requirement_candidates(before, after) == []
    after.update_node("ask", system="Loyalty core")
    assert [c.reason for c in requirement_candidates(before, after)] == [
        "moves to system Loyalty core (was: POS)"
    ]


def test_every_demo_process_gives_candidates() -> None:
    # The demo's models live in the workbench; gap_analysis itself never imports it.
    from workbench.demo.analysis import demo_processes

    models = demo_processes()
    pairs = {key: (models[i][1], models[i + 1][1]) for i, (key, _) in enumerate(models) if i % 2 == 0}
    assert set(pairs) == {"enrolment", "purchase", "pay_with_points", "returns"}
    for key, (before, after) in pairs.items():
        assert before.variant is Variant.as_is and after.variant is Variant.to_be
        found = requirement_candidates(before, after)
        assert found, f"{key}: no requirement candidate"
        for candidate in found:
            node = after.node(candidate.node_id)
            assert node.kind.is_activity and candidate.title == node.name
            assert candidate.process_name == after.name
            assert candidate.reason == NEW_STEP or candidate.reason.startswith("moves to system ")
    enrolment = {c.title: c for c in requirement_candidates(*pairs["enrolment"])}
    lookup = enrolment["Найти участника по телефону"]
    assert (lookup.reason, lookup.lane, lookup.system) == (NEW_STEP, "СУЛ", "СУЛ")
