"""The demo project's analysis content: what the consultants of the loyalty rollout found at
«Свежий рынок» (a grocery chain with retail and wholesale stores) before and after the loyalty
management system (СУЛ) comes in.

The content is data, in this folder's YAML files; this module reads it into plain records (no
database, no Flask):

* `demo_processes()` — eight process models, AS-IS and TO-BE of four processes (`PROCESS_KEYS`):
  enrolment at the till, purchase with points accrual, paying with points, returns
  (processes.yaml);
* `INTERVIEWS` — stakeholder interviews with their findings, many pointing at a process step
  (interviews.yaml);
* `INVENTORY` — algorithms, forms, reports, systems and integrations, AS-IS and TO-BE
  (inventory.yaml).

Each model is written as a table of lanes, steps and flows (see `_build`). Ids are stable
and readable: a model's prefix (`enr_asis`, `pur_tobe`...) then the step's own name, so a node is
e.g. ``enr_asis_fill_form``, a lane ``enr_asis_lane_cashier`` and a flow
``enr_asis_flow_start_to_gw_agree``; findings point at steps by these ids.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ProcessModel
from workbench.demo.content import records

__all__ = [
    "INTERVIEWS",
    "INVENTORY",
    "PROCESS_KEYS",
    "DemoFinding",
    "DemoInterview",
    "DemoInventoryItem",
    "demo_processes",
]

PROCESS_KEYS: tuple[str, ...] = ("enrolment", "purchase", "pay_with_points", "returns")

# (lane key, lane name, kind)
LaneRow = tuple[str, str, LaneKind]
# (step id, kind, name, lane key, system, description)
StepRow = tuple[str, NodeKind, str, str, str, str]
# (source, target) for a plain flow, (source, target, name, condition) for a conditioned one
FlowRow = tuple[str, str] | tuple[str, str, str, str]


def _build(
    key: str,
    variant: Variant,
    prefix: str,
    name: str,
    documentation: str,
    lanes: Sequence[LaneRow],
    steps: Sequence[StepRow],
    flows: Sequence[FlowRow],
) -> ProcessModel:
    """A model from its tables: ids of lanes, steps and flows get the model's `prefix`."""
    suffix = "AS-IS" if variant is Variant.as_is else "TO-BE"
    model = ProcessModel(
        name=f"{name} ({suffix})",
        variant=variant,
        id=f"Process_{key}_{variant.name}",
        documentation=documentation,
    )
    for lane_key, lane_name, lane_kind in lanes:
        model.add_lane(lane_name, lane_kind, id=f"{prefix}_lane_{lane_key}")
    for step_id, kind, step_name, lane_key, system, description in steps:
        model.add_node(
            kind,
            step_name,
            lane=f"{prefix}_lane_{lane_key}",
            id=f"{prefix}_{step_id}",
            description=description,
            system=system,
        )
    for row in flows:
        source, target, *label = row
        flow_name, condition = label if label else ("", "")
        model.add_flow(
            f"{prefix}_{source}",
            f"{prefix}_{target}",
            name=flow_name,
            condition=condition,
            id=f"{prefix}_flow_{source}_to_{target}",
        )
    return model


def _model(entry: dict[str, Any]) -> ProcessModel:
    """One model of processes.yaml."""
    lanes = [(lane["key"], lane["name"], LaneKind(lane["kind"])) for lane in entry["lanes"]]
    steps = [
        (
            step["id"],
            NodeKind(step["kind"]),
            step["name"],
            step["lane"],
            step.get("system", ""),
            step["description"],
        )
        for step in entry["steps"]
    ]
    flows = [
        (flow["from"], flow["to"], flow.get("name", ""), flow.get("condition", "")) for flow in entry["flows"]
    ]
    variant = Variant(entry["variant"])
    return _build(
        entry["key"], variant, entry["prefix"], entry["name"], entry["documentation"], lanes, steps, flows
    )


def demo_processes() -> list[tuple[str, ProcessModel]]:
    """The eight demo models as (process key, model), by `PROCESS_KEYS`, AS-IS before TO-BE.

    Built afresh on each call: a caller may change the models it gets.
    """
    return list(records("processes.yaml", "processes", lambda entry: (entry["key"], _model(entry))))


# --- interviews --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoFinding:
    text: str  # Russian, one or two sentences
    kind: str  # one of "pain_point", "need", "fact", "risk"
    process: str | None = None  # a process key of PROCESS_KEYS, e.g. "enrolment"
    variant: str = "as-is"  # which variant's step it points at
    step: str | None = None  # a node id in that model


@dataclass(frozen=True)
class DemoInterview:
    stakeholder: str  # full Russian name
    position: str
    department: str
    held_on: datetime.date
    participants: tuple[str, ...]
    notes: str
    findings: tuple[DemoFinding, ...]


def _interview(entry: dict[str, Any]) -> DemoInterview:
    """One interview of interviews.yaml, its findings in order."""
    return DemoInterview(
        **{
            **entry,
            "held_on": datetime.date.fromisoformat(str(entry["held_on"])),
            "participants": tuple(entry["participants"]),
            "findings": tuple(DemoFinding(**finding) for finding in entry["findings"]),
        }
    )


INTERVIEWS: tuple[DemoInterview, ...] = records("interviews.yaml", "interviews", _interview)


# --- inventory ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoInventoryItem:
    category: str  # "algorithm", "form", "report", "system", "integration"
    variant: str  # "as-is" or "to-be"
    name: str
    description: str
    owner: str = ""  # department or person responsible
    source: str = ""  # integrations only: the system that sends
    target: str = ""  # integrations only: the system that receives
    transport: str = ""  # integrations only: e.g. "REST API", "файловый обмен (CSV)", "SMS"
    frequency: str = ""  # integrations only: e.g. "онлайн", "ежесуточно ночью"


INVENTORY: tuple[DemoInventoryItem, ...] = records(
    "inventory.yaml", "inventory", lambda entry: DemoInventoryItem(**entry)
)
