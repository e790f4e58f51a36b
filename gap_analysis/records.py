"""Plain records of a project's gap map, free of any database: what the pages, the exports and
the traceability chain are computed from. The workbench reads its tables into these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from gap_analysis.enums import Classification, ClassificationStatus, ModificationStatus, Priority, SourceKind


@dataclass(frozen=True)
class StepLabel:
    """A process step a requirement points at, as people read it."""

    process: str  # the process's name
    variant: str  # "as-is" | "to-be"
    step: str  # the step's name (its id when unnamed)
    exists: bool = True  # False once the step was deleted from the latest version of the model
    model_id: int | None = None  # the latest stored version of the model (for a link)
    node_id: str = ""


@dataclass(frozen=True)
class ScenarioLabel:
    """An acceptance scenario tagged with the requirement, and its latest result."""

    feature: str
    name: str
    status: str  # passed | failed | skipped | undefined | error | not_run
    config_label: str | None = None  # the configuration version of the run that gave the status
    scenario_id: int | None = None  # the stored scenario (for a link to its page)
    run_id: int | None = None  # the run that gave the status


@dataclass(frozen=True)
class RequirementRecord:
    number: int
    title: str
    priority: Priority
    description: str = ""
    process_area: str = ""
    source_kind: SourceKind = SourceKind.typed
    source_text: str = ""  # the finding's text, or the TO-BE step's name
    source_interview_id: int | None = None  # the interview of the source finding (for a link)
    source_finding_id: int | None = None
    classification: Classification | None = None
    capability: str = ""
    config_key: str = ""
    rationale: str = ""
    owner: str = ""
    status: ClassificationStatus = ClassificationStatus.open
    steps: tuple[StepLabel, ...] = ()
    modifications: tuple[str, ...] = ()  # MOD-n refs
    scenarios: tuple[ScenarioLabel, ...] = ()

    @property
    def ref(self) -> str:
        return f"REQ-{self.number}"


@dataclass(frozen=True)
class ModificationRecord:
    number: int
    title: str
    estimate_days: Decimal
    priority: Priority
    status: ModificationStatus
    description: str = ""
    requirements: tuple[str, ...] = ()  # REQ-n refs it closes
    depends_on: tuple[str, ...] = ()  # MOD-n refs that must be done first
    on_critical_path: bool = False

    @property
    def ref(self) -> str:
        return f"MOD-{self.number}"


@dataclass(frozen=True)
class Coverage:
    """The share of Must requirements that are covered: fit (standard or configuration), or a
    gap with a modification; and in both cases proved by at least one acceptance scenario."""

    must_total: int
    must_covered: int

    @property
    def share(self) -> Decimal:
        """Covered / total as a percentage to one decimal (100.0 when there is no Must requirement)."""
        if self.must_total == 0:
            return Decimal("100.0")
        return (Decimal(100) * self.must_covered / self.must_total).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class GapMapReport:
    """Everything an export of the gap map and the modifications list shows."""

    project_key: str
    project_name: str
    client: str
    generated_at: dt.datetime  # timezone-aware
    requirements: tuple[RequirementRecord, ...]
    modifications: tuple[ModificationRecord, ...]
    coverage: Coverage
    total_effort_days: Decimal = Decimal("0.0")
    critical_path: tuple[str, ...] = ()  # MOD-n refs, first to last
    critical_path_days: Decimal = Decimal("0.0")
    timezone: str = "UTC"  # generated_at is shown in this zone
    extra: dict[str, str] = field(default_factory=dict)
