"""The DEMO project's gap map: 31 requirements across every classification, raised by the
interviews' findings and the TO-BE steps, and the modifications list that closes the gaps.

The content is gapmap.yaml's; `project.py` stores it through the services. Capability codes and
keys are those of `loyalty_core.capabilities`; a test checks each one is in the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from workbench.demo.content import records


@dataclass(frozen=True)
class DemoRequirement:
    number: int
    title: str
    priority: str
    area: str
    description: str = ""
    finding: tuple[int, int] | None = None  # (interview, finding) indexes into analysis.INTERVIEWS
    source_step: tuple[str, str] | None = None  # (process key, TO-BE node id) that raised it
    steps: tuple[tuple[str, str, str], ...] = ()  # (process key, variant, node id) further links
    classification: str | None = None
    capability: str = ""
    config_key: str = ""
    rationale: str = ""
    owner: str = ""
    status: str = "proposed"


@dataclass(frozen=True)
class DemoModification:
    title: str
    days: Decimal
    priority: str
    requirements: tuple[int, ...]
    depends_on: tuple[int, ...] = ()  # MOD numbers (this list's order, from 1)
    description: str = ""
    status: str = "proposed"


def _pair(value: Any) -> Any:
    return tuple(value) if value is not None else None


def _requirement(entry: dict[str, Any]) -> DemoRequirement:
    return DemoRequirement(
        **{
            **entry,
            "finding": _pair(entry.get("finding")),
            "source_step": _pair(entry.get("source_step")),
            "steps": tuple(tuple(step) for step in entry.get("steps", ())),
        }
    )


def _modification(entry: dict[str, Any]) -> DemoModification:
    return DemoModification(
        **{
            **entry,
            "days": Decimal(str(entry["days"])),
            "requirements": tuple(entry["requirements"]),
            "depends_on": tuple(entry.get("depends_on", ())),
        }
    )


REQUIREMENTS: tuple[DemoRequirement, ...] = records("gapmap.yaml", "requirements", _requirement)
MODIFICATIONS: tuple[DemoModification, ...] = records("gapmap.yaml", "modifications", _modification)
