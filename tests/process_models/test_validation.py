"""Validation rules, table-driven: for each rule a model that breaks it and one that does not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import Flow, ProcessModel
from process_models.validation import RULES, Finding, validate

K = NodeKind


def enrolment(*, lanes: bool = True) -> ProcessModel:
    """A clean model: start, ask, an exclusive split on two conditions, a join, an end."""
    model = ProcessModel("Enrolment", Variant.to_be)
    cashier = pos = None
    if lanes:
        cashier = model.add_lane("Cashier", id="L_cashier").id
        pos = model.add_lane("POS", LaneKind.system, id="L_pos").id
    model.add_node(K.start_event, "Customer at the till", lane=cashier, id="start")
    model.add_node(K.user_task, "Ask for the phone", lane=cashier, id="ask")
    model.add_node(K.exclusive_gateway, "Member already?", lane=cashier, id="split")
    model.add_node(K.service_task, "Look up member", lane=pos, id="lookup")
    model.add_node(K.service_task, "Enrol", lane=pos, id="enrol")
    model.add_node(K.exclusive_gateway, "", lane=cashier, id="join")
    model.add_node(K.end_event, "Member at the till", lane=cashier, id="end")
    model.add_flow("start", "ask", id="f_start")
    model.add_flow("ask", "split", id="f_ask")
    model.add_flow("split", "lookup", id="f_yes", name="yes", condition="${member}")
    model.add_flow("split", "enrol", id="f_no", name="no", condition="${!member}")
    model.add_flow("lookup", "join", id="f_lookup")
    model.add_flow("enrol", "join", id="f_enrol")
    model.add_flow("join", "end", id="f_end")
    return model


def _retype(node_id: str, kind: NodeKind) -> Callable[[ProcessModel], object]:
    return lambda m: m.update_node(node_id, kind=kind)


def _replace_flow(flow_id: str, **changes: str) -> Callable[[ProcessModel], None]:
    def change(model: ProcessModel) -> None:
        flow = model.flow(flow_id)
        model.remove_flow(flow_id)
        updated = replace(flow, **changes)  # type: ignore[arg-type]
        model.add_flow(
            updated.source, updated.target, id=updated.id, name=updated.name, condition=updated.condition
        )

    return change


def _steps(*changes: Callable[[ProcessModel], object]) -> Callable[[ProcessModel], None]:
    def apply(model: ProcessModel) -> None:
        for change in changes:
            change(model)

    return apply


def _insert_between(
    source: str,
    target: str,
    flow_id: str,
    kind: NodeKind,
    name: str,
    node_id: str,
    lane: str | None = "L_cashier",
) -> Callable[[ProcessModel], None]:
    """Put a new node on the flow `flow_id` (source -> target)."""
    return _steps(
        lambda m: m.remove_flow(flow_id),
        lambda m: m.add_node(kind, name, lane=lane, id=node_id),
        lambda m: m.add_flow(source, node_id, id=f"{flow_id}_in"),
        lambda m: m.add_flow(node_id, target, id=f"{flow_id}_out"),
    )


def _dangling_edge(model: ProcessModel) -> None:
    # add_flow refuses this; a graph edited by hand (or a buggy importer) can still hold it.
    model.graph.add_edge("ask", "ghost", key="f_ghost", flow=Flow("f_ghost", "ask", "ghost"))


def _lying_edge(model: ProcessModel) -> None:
    model.graph.add_edge("ask", "end", key="f_liar", flow=Flow("f_liar", "start", "end"))


def _unknown_lane(model: ProcessModel) -> None:
    model.graph.nodes["ask"]["node"] = replace(model.node("ask"), lane="L_gone")


def _event_based_wait(*, second_branch: bool, conditional: bool) -> Callable[[ProcessModel], None]:
    """ask -> event-based gateway -> 'Reply received' -> split (and a '1 day' timer -> end)."""

    def change(model: ProcessModel) -> None:
        model.remove_flow("f_ask")
        model.add_node(K.event_based_gateway, "", lane="L_cashier", id="wait")
        model.add_node(
            K.intermediate_catch_event,
            "Reply received",
            lane="L_cashier",
            id="reply",
            extra={"eventDefinition": "messageEventDefinition"},
        )
        model.add_flow("ask", "wait", id="f_wait")
        model.add_flow(
            "wait",
            "reply",
            id="f_reply",
            name="reply" if conditional else "",
            condition="${x}" if conditional else "",
        )
        model.add_flow("reply", "split", id="f_replied")
        if second_branch:
            model.add_node(
                K.intermediate_catch_event,
                "1 day",
                lane="L_cashier",
                id="timer",
                extra={"eventDefinition": "timerEventDefinition"},
            )
            model.add_flow("wait", "timer", id="f_timer")
            model.add_flow("timer", "end", id="f_timeout")

    return change


@dataclass(frozen=True)
class Case:
    rule: str
    breaks: Callable[[ProcessModel], object]
    element: str | None  # the id the finding points at (None: the whole process)
    lanes: bool = True


BROKEN = {
    "no start event": Case("start-event-required", _retype("start", K.intermediate_catch_event), None),
    "no end event": Case("end-event-required", _retype("end", K.intermediate_throw_event), None),
    "two blank start events": Case(
        "single-blank-start-event",
        _steps(
            lambda m: m.add_node(K.start_event, "Sign-up online", lane="L_cashier", id="start2"),
            lambda m: m.add_flow("start2", "ask"),
        ),
        "start2",
    ),
    "flow to a node that is not there": Case("no-dangling-flow", _dangling_edge, "f_ghost"),
    "flow whose ends disagree with its edge": Case("no-dangling-flow", _lying_edge, "f_liar"),
    "same flow twice": Case(
        "no-duplicate-flows", lambda m: m.add_flow("start", "ask", id="f_again"), "f_again"
    ),
    "task with no flows": Case(
        "no-disconnected", lambda m: m.add_node(K.task, "Orphan", lane="L_cashier", id="orphan"), "orphan"
    ),
    "task nobody flows into": Case(
        "no-implicit-start",
        _steps(
            lambda m: m.add_node(K.task, "Stray", lane="L_cashier", id="stray"),
            lambda m: m.add_flow("stray", "join"),
        ),
        "stray",
    ),
    "task flowing nowhere": Case(
        "no-implicit-end",
        _steps(
            lambda m: m.add_node(K.task, "Note the refusal", lane="L_cashier", id="note"),
            lambda m: m.add_flow("split", "note", name="refuses", condition="${refuses}"),
        ),
        "note",
    ),
    "loop no start reaches": Case(
        "no-unreachable",
        _steps(
            lambda m: m.add_node(K.task, "Ping", lane="L_pos", id="ping"),
            lambda m: m.add_node(K.task, "Pong", lane="L_pos", id="pong"),
            lambda m: m.add_flow("ping", "pong"),
            lambda m: m.add_flow("pong", "ping"),
        ),
        "ping",
    ),
    "loop with no way out": Case(
        "no-dead-end",
        _steps(
            lambda m: m.add_node(K.task, "Retry card", lane="L_pos", id="retry"),
            lambda m: m.add_node(K.task, "Read card", lane="L_pos", id="read"),
            lambda m: m.add_flow("split", "retry", name="card", condition="${card}"),
            lambda m: m.add_flow("retry", "read"),
            lambda m: m.add_flow("read", "retry"),
        ),
        "retry",
    ),
    "gateway with one in and one out": Case(
        "superfluous-gateway",
        _insert_between("start", "ask", "f_start", K.exclusive_gateway, "Pass", "pass"),
        "pass",
    ),
    "gateway joining and splitting": Case(
        "no-gateway-join-fork",
        _steps(
            lambda m: m.add_node(K.end_event, "Walked away", lane="L_cashier", id="away"),
            lambda m: m.add_flow("join", "away"),
        ),
        "join",
    ),
    "task joining two flows": Case(
        "fake-join", lambda m: m.add_flow("split", "end", name="leaves", condition="${leaves}"), "end"
    ),
    "task splitting two ways": Case(
        "no-implicit-split", lambda m: m.add_flow("ask", "end", id="f_skip"), "ask"
    ),
    "condition missing on a conditional split": Case(
        "conditional-flows", _replace_flow("f_no", condition="", name=""), "f_no"
    ),
    "event-based gateway with one way out": Case(
        "event-based-gateway", _event_based_wait(second_branch=False, conditional=False), "wait"
    ),
    "event-based gateway with a condition": Case(
        "event-based-gateway", _event_based_wait(second_branch=True, conditional=True), "f_reply"
    ),
    "unnamed task": Case("label-required", lambda m: m.update_node("lookup", name="  "), "lookup"),
    "unnamed splitting gateway": Case("label-required", lambda m: m.update_node("split", name=""), "split"),
    "unnamed event": Case("label-required", lambda m: m.update_node("end", name=""), "end"),
    "unnamed lane": Case(
        "label-required", lambda m: m.lanes.update(L_pos=replace(m.lanes["L_pos"], name="")), "L_pos"
    ),
    "conditional flow without a name": Case("label-required", _replace_flow("f_yes", name=""), "f_yes"),
    "task in no lane": Case(
        "task-in-lane",
        _insert_between("join", "end", "f_end", K.task, "Print receipt", "print", lane=None),
        "print",
    ),
    "task in a lane that does not exist": Case("task-in-lane", _unknown_lane, "ask"),
    "complex gateway": Case("no-complex-gateway", _retype("split", K.complex_gateway), "split"),
    "inclusive gateway": Case("no-inclusive-gateway", _retype("split", K.inclusive_gateway), "split"),
}

HOLDS = {
    "a start event": ("start-event-required", lambda m: None, True),
    "an end event": ("end-event-required", lambda m: None, True),
    "second start is a message start": (
        "single-blank-start-event",
        _steps(
            lambda m: m.add_node(
                K.start_event,
                "Sign-up online",
                lane="L_cashier",
                id="start2",
                extra={"eventDefinition": "messageEventDefinition"},
            ),
            lambda m: m.add_flow("start2", "ask"),
        ),
        True,
    ),
    "every flow joins two nodes": ("no-dangling-flow", lambda m: None, True),
    "a second flow with another condition": (
        "no-duplicate-flows",
        lambda m: m.add_flow("split", "lookup", name="gold", condition="${gold}"),
        True,
    ),
    "boundary event without flows": (
        "no-disconnected",
        lambda m: m.add_node(
            K.boundary_event, "Card declined", lane="L_pos", extra={"attachedToRef": "lookup"}
        ),
        True,
    ),
    "boundary event starting a path": (
        "no-implicit-start",
        _steps(
            lambda m: m.add_node(
                K.boundary_event, "1 minute", lane="L_pos", id="slow", extra={"attachedToRef": "lookup"}
            ),
            lambda m: m.add_flow("slow", "join"),
        ),
        True,
    ),
    "link throw event ending a path": (
        "no-implicit-end",
        _steps(
            lambda m: m.add_node(
                K.intermediate_throw_event,
                "To refunds",
                lane="L_cashier",
                id="link",
                extra={"eventDefinition": "linkEventDefinition"},
            ),
            lambda m: m.add_flow("split", "link", name="refund", condition="${refund}"),
        ),
        True,
    ),
    "path from a hosted boundary event": (
        "no-unreachable",
        _steps(
            lambda m: m.add_node(
                K.boundary_event, "1 minute", lane="L_pos", id="slow", extra={"attachedToRef": "lookup"}
            ),
            lambda m: m.add_node(K.task, "Apologise", lane="L_cashier", id="sorry"),
            lambda m: m.add_flow("slow", "sorry"),
            lambda m: m.add_flow("sorry", "join"),
        ),
        True,
    ),
    "loop with a way out": (
        "no-dead-end",
        _steps(
            lambda m: m.add_node(K.exclusive_gateway, "Read?", lane="L_pos", id="read_ok"),
            lambda m: m.add_node(K.task, "Read card", lane="L_pos", id="read"),
            lambda m: m.add_flow("split", "read", name="card", condition="${card}"),
            lambda m: m.add_flow("read", "read_ok"),
            lambda m: m.add_flow("read_ok", "read", name="again", condition="${!ok}"),
            lambda m: m.add_flow("read_ok", "join", name="ok", condition="${ok}"),
        ),
        True,
    ),
    "gateways that split and join": ("superfluous-gateway", lambda m: None, True),
    "a joining and a splitting gateway": ("no-gateway-join-fork", lambda m: None, True),
    "paths joined by a gateway": ("fake-join", lambda m: None, True),
    "one unconditional flow and a conditional one": (
        "no-implicit-split",
        lambda m: m.add_flow("ask", "end", name="skip", condition="${skip}"),
        True,
    ),
    "default flow without a condition": (
        "conditional-flows",
        _steps(
            _replace_flow("f_no", condition="", name=""),
            lambda m: m.update_node("split", extra={"default": "f_no"}),
        ),
        True,
    ),
    "event-based gateway waiting for two events": (
        "event-based-gateway",
        _event_based_wait(second_branch=True, conditional=False),
        True,
    ),
    "unnamed joining and parallel gateways": (
        "label-required",
        _steps(
            _insert_between("ask", "split", "f_ask", K.parallel_gateway, "", "fork"),
            lambda m: m.add_node(K.task, "Print coupon", lane="L_pos", id="coupon"),
            lambda m: m.add_node(K.parallel_gateway, "", lane="L_cashier", id="sync"),
            lambda m: m.add_flow("fork", "coupon"),
            lambda m: m.add_flow("coupon", "sync"),
        ),
        True,
    ),
    "unnamed collapsed sub-process": (
        "label-required",
        _insert_between("ask", "split", "f_ask", K.sub_process, "", "sub"),
        True,
    ),
    "a model without lanes": ("task-in-lane", lambda m: m.add_node(K.task, "Anywhere", id="anywhere"), False),
    "exclusive gateways only": ("no-complex-gateway", lambda m: None, True),
    "no inclusive gateway": ("no-inclusive-gateway", lambda m: None, True),
}


def _rules_of(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def test_the_reference_model_is_clean() -> None:
    assert validate(enrolment()) == []
    assert validate(enrolment(lanes=False)) == []


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_a_model_breaking_a_rule_gets_a_finding_on_the_element(case: Case) -> None:
    model = enrolment(lanes=case.lanes)
    case.breaks(model)
    findings = [f for f in validate(model) if f.rule == case.rule]
    assert findings, f"no {case.rule} finding in {validate(model)}"
    assert case.element in {f.element_id for f in findings}
    finding = next(f for f in findings if f.element_id == case.element)
    assert finding.severity == next(r.severity for r in RULES if r.id == case.rule)
    if case.element is not None:
        assert case.element in finding.message
        if case.element in model.graph:
            name = model.node(case.element).name.strip()
            assert name in finding.message  # named by name as well as id
    else:
        assert "Enrolment" in finding.message  # a process-level finding names the process


@pytest.mark.parametrize(("rule", "change", "lanes"), HOLDS.values(), ids=HOLDS.keys())
def test_a_model_keeping_a_rule_gets_no_finding(
    rule: str, change: Callable[[ProcessModel], object], lanes: bool
) -> None:
    model = enrolment(lanes=lanes)
    change(model)
    assert rule not in _rules_of(validate(model)), validate(model)


def test_every_rule_has_a_breaking_and_a_keeping_case() -> None:
    rule_ids = {rule.id for rule in RULES}
    assert {case.rule for case in BROKEN.values()} == rule_ids
    assert {rule for rule, _, _ in HOLDS.values()} == rule_ids


def test_severities_follow_bpmnlint_recommended() -> None:
    warnings = {rule.id for rule in RULES if rule.severity == "warning"}
    assert warnings == {"superfluous-gateway", "fake-join", "no-inclusive-gateway"}


def test_a_root_cause_is_reported_once() -> None:
    """A disconnected task is not also an implicit start, an implicit end, unreachable and a dead end."""
    model = enrolment()
    model.add_node(K.task, "Orphan", lane="L_cashier", id="orphan")
    about_orphan = [f.rule for f in validate(model) if f.node_id == "orphan"]
    assert about_orphan == ["no-disconnected"]


def test_an_expanded_sub_process_is_checked_inside() -> None:
    inner = ProcessModel("Check the card", id="Sub_inner")
    inner.add_node(K.start_event, "Card given", id="in_start")
    inner.add_node(K.task, "", id="in_read")
    inner.add_flow("in_start", "in_read")
    model = enrolment()
    model.update_node("lookup", kind=K.sub_process, extra={"process": inner.to_dict()})
    inside = [f for f in validate(model) if f.sub_process_id == "lookup"]
    assert {f.rule for f in inside} == {"end-event-required", "label-required", "no-implicit-end"}
    assert all(f.message.startswith("in sub-process 'Look up member' (lookup): ") for f in inside)


def test_findings_serialise_for_the_workbench() -> None:
    model = enrolment()
    model.update_node("lookup", name="")
    (finding,) = validate(model)
    assert finding.to_dict() == {
        "rule": "label-required",
        "severity": "error",
        "message": "unnamed service task (lookup) has no name",
        "node_id": "lookup",
        "flow_id": None,
        "lane_id": None,
        "sub_process_id": None,
    }
