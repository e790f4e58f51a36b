"""The traceability chain of a requirement, hop by hop:

interview finding -> requirement -> TO-BE step -> classification -> capability / configuration
key or modification -> acceptance scenario (@REQ-n) -> its last result.

Each hop is either there, missing (a gap in the chain, highlighted), stale (it points at a step
deleted since), failing (the last result), or not needed (what the classification makes
unnecessary: an out-of-scope requirement needs no step, no resolution and no scenario).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from gap_analysis.enums import SEVERITY, Classification, ScenarioStatus, SourceKind, worst_status
from gap_analysis.records import RequirementRecord


class HopState(str, Enum):
    ok = "ok"
    missing = "missing"
    stale = "stale"
    failing = "failing"
    not_needed = "not_needed"

    @property
    def is_gap(self) -> bool:
        """True for the states the matrix highlights."""
        return self in (HopState.missing, HopState.stale, HopState.failing)


class Hop(str, Enum):
    source = "source"
    step = "step"
    classification = "classification"
    resolution = "resolution"
    scenario = "scenario"
    result = "result"

    @property
    def label(self) -> str:
        return _HOP_LABELS[self]


_HOP_LABELS = {
    Hop.source: "Interview finding",
    Hop.step: "TO-BE step",
    Hop.classification: "Classification",
    Hop.resolution: "Capability / modification",
    Hop.scenario: "Test scenario",
    Hop.result: "Last result",
}


@dataclass(frozen=True)
class HopCheck:
    hop: Hop
    state: HopState
    problem: str = ""  # why it is highlighted; "" when ok or not needed


@dataclass(frozen=True)
class TraceRow:
    requirement: RequirementRecord
    checks: tuple[HopCheck, ...]

    def check(self, hop: Hop) -> HopCheck:
        return next(check for check in self.checks if check.hop is hop)

    @property
    def gaps(self) -> tuple[HopCheck, ...]:
        """The highlighted hops, in chain order."""
        return tuple(check for check in self.checks if check.state.is_gap)

    @property
    def complete(self) -> bool:
        return not self.gaps


def trace(requirement: RequirementRecord) -> TraceRow:
    """Check every hop of one requirement's chain."""
    r = requirement
    out_of_scope = r.classification is Classification.out_of_scope
    checks = [
        _source(r),
        _step(r, out_of_scope),
        _classification(r),
        _resolution(r),
        _scenario(r, out_of_scope),
        _result(r, out_of_scope),
    ]
    return TraceRow(r, tuple(checks))


def trace_all(requirements: Iterable[RequirementRecord]) -> list[TraceRow]:
    return [trace(requirement) for requirement in requirements]


def _source(r: RequirementRecord) -> HopCheck:
    if r.source_kind is SourceKind.finding and r.source_finding_id is not None:
        return HopCheck(Hop.source, HopState.ok)
    if r.source_kind is SourceKind.finding:
        return HopCheck(Hop.source, HopState.stale, "its interview finding was deleted")
    if r.source_kind is SourceKind.step:
        # Raised from a TO-BE step: the step is its source; no interview is expected.
        return HopCheck(Hop.source, HopState.not_needed)
    return HopCheck(Hop.source, HopState.missing, "typed in: no interview finding says who asked for it")


def _step(r: RequirementRecord, out_of_scope: bool) -> HopCheck:
    to_be = [step for step in r.steps if step.variant == "to-be"]
    if any(step.exists for step in to_be):
        return HopCheck(Hop.step, HopState.ok)
    if out_of_scope:
        return HopCheck(Hop.step, HopState.not_needed)
    if to_be:
        return HopCheck(Hop.step, HopState.stale, "its TO-BE step was deleted from the model")
    return HopCheck(Hop.step, HopState.missing, "not linked to a TO-BE step")


def _classification(r: RequirementRecord) -> HopCheck:
    if r.classification is None:
        return HopCheck(Hop.classification, HopState.missing, "not classified")
    return HopCheck(Hop.classification, HopState.ok)


def _resolution(r: RequirementRecord) -> HopCheck:
    c = r.classification
    if c is None:
        return HopCheck(Hop.resolution, HopState.missing, "not classified yet")
    if c is Classification.fit_configuration:
        if not r.capability or not r.config_key:
            return HopCheck(
                Hop.resolution, HopState.missing, "fit by configuration names no capability and key"
            )
        return HopCheck(Hop.resolution, HopState.ok)
    if c is Classification.fit_standard:
        if not r.capability:
            return HopCheck(Hop.resolution, HopState.missing, "fit as standard names no capability")
        return HopCheck(Hop.resolution, HopState.ok)
    if c.is_gap:
        if not r.modifications:
            return HopCheck(Hop.resolution, HopState.missing, "a gap with no modification")
        return HopCheck(Hop.resolution, HopState.ok)
    if c is Classification.workaround and not r.rationale.strip():
        return HopCheck(
            Hop.resolution, HopState.missing, "a workaround with no rationale saying what changes"
        )
    # A workaround with its rationale, or out of scope: nothing to build.
    return HopCheck(Hop.resolution, HopState.not_needed)


def _scenario(r: RequirementRecord, out_of_scope: bool) -> HopCheck:
    if r.scenarios:
        return HopCheck(Hop.scenario, HopState.ok)
    if out_of_scope:
        return HopCheck(Hop.scenario, HopState.not_needed)
    return HopCheck(Hop.scenario, HopState.missing, f"no scenario tagged @{r.ref}")


def _result(r: RequirementRecord, out_of_scope: bool) -> HopCheck:
    if not r.scenarios:
        if out_of_scope:
            return HopCheck(Hop.result, HopState.not_needed)
        return HopCheck(Hop.result, HopState.missing, "nothing to run")
    # Worse than "never run" is failing; "never run" is a hop still missing; all passed is ok.
    never_run = SEVERITY[ScenarioStatus.not_run.value]
    bad = [s for s in r.scenarios if SEVERITY.get(s.status, never_run + 1) > never_run]
    if bad:
        names = ", ".join(f"{s.name} ({s.status})" for s in bad[:3])
        return HopCheck(
            Hop.result, HopState.failing, f"{len(bad)} of {len(r.scenarios)} not passing: {names}"
        )
    if worst_status(s.status for s in r.scenarios) == ScenarioStatus.not_run.value:
        return HopCheck(Hop.result, HopState.missing, "a scenario has never run")
    return HopCheck(Hop.result, HopState.ok)
