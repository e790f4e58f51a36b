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

Each model is written as a table of lanes, steps and flows (see `_model`). Ids are stable
and readable: a model's prefix (`enr_asis`, `pur_tobe`...) then the step's own name, so a node is
e.g. ``enr_asis_fill_form``, a lane ``enr_asis_lane_cashier`` and a flow
``enr_asis_flow_start_to_gw_agree``; findings point at steps by these ids.
"""

from __future__ import annotations

import datetime
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


def _model(entry: dict[str, Any]) -> ProcessModel:
    """One model of processes.yaml: ids of lanes, steps and flows get the model's `prefix`."""
    prefix, variant = entry["prefix"], Variant(entry["variant"])
    suffix = "AS-IS" if variant is Variant.as_is else "TO-BE"
    model = ProcessModel(
        name=f"{entry['name']} ({suffix})",
        variant=variant,
        id=f"Process_{entry['key']}_{variant.name}",
        documentation=entry["documentation"],
    )
    for lane in entry["lanes"]:
        model.add_lane(lane["name"], LaneKind(lane["kind"]), id=f"{prefix}_lane_{lane['key']}")
    for step in entry["steps"]:
        model.add_node(
            NodeKind(step["kind"]),
            step["name"],
            lane=f"{prefix}_lane_{step['lane']}",
            id=f"{prefix}_{step['id']}",
            description=step["description"],
            system=step.get("system", ""),
        )
    for flow in entry["flows"]:
        model.add_flow(
            f"{prefix}_{flow['from']}",
            f"{prefix}_{flow['to']}",
            name=flow.get("name", ""),
            condition=flow.get("condition", ""),
            id=f"{prefix}_flow_{flow['from']}_to_{flow['to']}",
        )
    return model


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
