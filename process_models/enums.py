"""Kinds of things a process model holds (the BPMN 2.0 element each maps to)."""

from __future__ import annotations

from enum import Enum


class Variant(str, Enum):
    as_is = "as-is"
    to_be = "to-be"


class NodeKind(str, Enum):
    """Flow nodes, named after their BPMN 2.0 element (`bpmn:userTask` -> user_task)."""

    start_event = "startEvent"
    end_event = "endEvent"
    intermediate_catch_event = "intermediateCatchEvent"
    intermediate_throw_event = "intermediateThrowEvent"
    boundary_event = "boundaryEvent"
    task = "task"
    user_task = "userTask"
    service_task = "serviceTask"
    manual_task = "manualTask"
    script_task = "scriptTask"
    send_task = "sendTask"
    receive_task = "receiveTask"
    business_rule_task = "businessRuleTask"
    exclusive_gateway = "exclusiveGateway"
    parallel_gateway = "parallelGateway"
    inclusive_gateway = "inclusiveGateway"
    event_based_gateway = "eventBasedGateway"
    complex_gateway = "complexGateway"
    sub_process = "subProcess"
    call_activity = "callActivity"

    @property
    def label(self) -> str:
        """The BPMN name people know the kind by, e.g. "Exclusive gateway (XOR)"."""
        return _NODE_KIND_LABELS.get(self.value) or _spaced(self.value)

    @property
    def is_event(self) -> bool:
        return self.value.endswith("Event")

    @property
    def is_gateway(self) -> bool:
        return self.value.endswith("Gateway")

    @property
    def is_activity(self) -> bool:
        return not (self.is_event or self.is_gateway)


def _spaced(camel: str) -> str:
    """ "businessRuleTask" -> "Business rule task"."""
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in camel)
    return words[:1].upper() + words[1:]


# Only where the spaced element name is not what modelers say.
_NODE_KIND_LABELS = {
    "exclusiveGateway": "Exclusive gateway (XOR)",
    "parallelGateway": "Parallel gateway (AND)",
    "inclusiveGateway": "Inclusive gateway (OR)",
    "eventBasedGateway": "Event-based gateway",
    "subProcess": "Sub-process",
}


class LaneKind(str, Enum):
    role = "role"
    system = "system"
