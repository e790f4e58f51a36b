"""Every hop of the traceability chain, for every classification: there, missing, stale,
failing, or not needed — and the Must coverage that counts only complete decisions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gap_analysis.enums import Classification, Priority, SourceKind
from gap_analysis.matrix import UNCLASSIFIED, coverage, gap_matrix, is_covered
from gap_analysis.records import RequirementRecord, ScenarioLabel, StepLabel
from gap_analysis.traceability import Hop, HopState, trace

TO_BE = StepLabel("Покупка (TO-BE)", "to-be", "Рассчитать баллы", model_id=2, node_id="quote")
AS_IS = StepLabel("Покупка (AS-IS)", "as-is", "Рассчитать скидку", model_id=1, node_id="discount")
PASSED = ScenarioLabel("purchase.feature", "Базовое начисление", "passed", "v2", scenario_id=1, run_id=1)

# A fully traced fit-by-configuration requirement; each case below changes one thing.
COMPLETE = RequirementRecord(
    number=3,
    title="Базовое начисление 3 %",
    priority=Priority.must,
    process_area="Покупка",
    source_kind=SourceKind.finding,
    source_text="Скидка одинакова для всех",
    source_interview_id=1,
    source_finding_id=7,
    classification=Classification.fit_configuration,
    capability="earn.base_rate",
    config_key="earn.base_rate",
    steps=(AS_IS, TO_BE),
    scenarios=(PASSED,),
)


def states(record: RequirementRecord) -> dict[Hop, HopState]:
    return {check.hop: check.state for check in trace(record).checks}


def test_a_complete_chain_has_every_hop() -> None:
    row = trace(COMPLETE)
    assert row.complete and row.gaps == ()
    assert set(states(COMPLETE).values()) == {HopState.ok}


@pytest.mark.parametrize(
    ("change", "hop", "state", "problem"),
    [
        (
            {"source_kind": SourceKind.typed, "source_finding_id": None},
            Hop.source,
            HopState.missing,
            "typed in",
        ),
        ({"source_finding_id": None}, Hop.source, HopState.stale, "finding was deleted"),
        ({"source_kind": SourceKind.step, "source_finding_id": None}, Hop.source, HopState.not_needed, ""),
        ({"steps": (AS_IS,)}, Hop.step, HopState.missing, "not linked to a TO-BE step"),
        ({"steps": (replace(TO_BE, exists=False),)}, Hop.step, HopState.stale, "deleted from the model"),
        ({"classification": None}, Hop.classification, HopState.missing, "not classified"),
        ({"classification": None}, Hop.resolution, HopState.missing, "not classified yet"),
        ({"config_key": ""}, Hop.resolution, HopState.missing, "names no capability and key"),
        (
            {"classification": Classification.fit_standard, "capability": ""},
            Hop.resolution,
            HopState.missing,
            "fit as standard",
        ),
        ({"classification": Classification.fit_standard, "config_key": ""}, Hop.resolution, HopState.ok, ""),
        (
            {"classification": Classification.gap_extension},
            Hop.resolution,
            HopState.missing,
            "a gap with no modification",
        ),
        (
            {"classification": Classification.gap_integration, "modifications": ("MOD-1",)},
            Hop.resolution,
            HopState.ok,
            "",
        ),
        (
            {"classification": Classification.gap_report, "modifications": ("MOD-2",)},
            Hop.resolution,
            HopState.ok,
            "",
        ),
        ({"classification": Classification.workaround}, Hop.resolution, HopState.missing, "no rationale"),
        (
            {"classification": Classification.workaround, "rationale": "Анкеты отменены"},
            Hop.resolution,
            HopState.not_needed,
            "",
        ),
        ({"classification": Classification.out_of_scope}, Hop.resolution, HopState.not_needed, ""),
        ({"scenarios": ()}, Hop.scenario, HopState.missing, "no scenario tagged @REQ-3"),
        ({"scenarios": ()}, Hop.result, HopState.missing, "nothing to run"),
        ({"scenarios": (replace(PASSED, status="not_run"),)}, Hop.result, HopState.missing, "never run"),
        (
            {"scenarios": (PASSED, replace(PASSED, name="Выходные", status="failed"))},
            Hop.result,
            HopState.failing,
            "1 of 2 not passing: Выходные (failed)",
        ),
        ({"scenarios": (replace(PASSED, status="undefined"),)}, Hop.result, HopState.failing, "(undefined)"),
        ({"scenarios": (replace(PASSED, status="skipped"),)}, Hop.result, HopState.failing, "(skipped)"),
    ],
)
def test_each_hop_says_what_is_wrong(
    change: dict[str, object], hop: Hop, state: HopState, problem: str
) -> None:
    record = replace(COMPLETE, **change)  # type: ignore[arg-type]
    check = trace(record).check(hop)
    assert check.state is state
    assert problem in check.problem
    if state.is_gap:
        assert check in trace(record).gaps and not trace(record).complete


def test_out_of_scope_needs_no_step_resolution_or_scenario() -> None:
    record = replace(
        COMPLETE, classification=Classification.out_of_scope, steps=(), scenarios=(), capability=""
    )
    assert states(record) == {
        Hop.source: HopState.ok,
        Hop.step: HopState.not_needed,
        Hop.classification: HopState.ok,
        Hop.resolution: HopState.not_needed,
        Hop.scenario: HopState.not_needed,
        Hop.result: HopState.not_needed,
    }
    assert trace(record).complete


@pytest.mark.parametrize(
    ("change", "covered"),
    [
        ({}, True),
        ({"classification": Classification.fit_standard}, True),
        ({"scenarios": ()}, False),
        ({"classification": None}, False),
        ({"classification": Classification.gap_extension}, False),
        ({"classification": Classification.gap_extension, "modifications": ("MOD-1",)}, True),
        ({"classification": Classification.gap_report, "modifications": ("MOD-1",), "scenarios": ()}, False),
        ({"classification": Classification.workaround, "rationale": "процесс меняется"}, False),
        ({"classification": Classification.out_of_scope}, False),
    ],
)
def test_coverage_counts_fit_or_modified_requirements_with_a_scenario(
    change: dict[str, object], covered: bool
) -> None:
    assert is_covered(replace(COMPLETE, **change)) is covered  # type: ignore[arg-type]


def test_coverage_is_the_share_of_must_requirements_only() -> None:
    records = [
        COMPLETE,
        replace(COMPLETE, number=4, scenarios=()),
        replace(COMPLETE, number=5, classification=Classification.gap_extension),
        replace(COMPLETE, number=6, priority=Priority.should, scenarios=()),  # not a Must: not counted
    ]
    figure = coverage(records)
    assert (figure.must_total, figure.must_covered, str(figure.share)) == (3, 1, "33.3")
    assert str(coverage([]).share) == "100.0"


def test_the_matrix_counts_area_by_classification() -> None:
    records = [
        COMPLETE,
        replace(COMPLETE, number=4),
        replace(COMPLETE, number=5, classification=Classification.gap_report),
        replace(COMPLETE, number=6, process_area="Возвраты", classification=None),
        replace(COMPLETE, number=7, process_area=""),
    ]
    matrix = gap_matrix(records)
    assert matrix.areas == ("Возвраты", "Покупка", "")
    assert matrix.columns[-1] == UNCLASSIFIED and len(matrix.columns) == len(Classification) + 1
    assert matrix.count("Покупка", "fit_configuration") == 2
    assert matrix.count("Покупка", "gap_report") == 1
    assert matrix.count("Возвраты", UNCLASSIFIED) == 1
    assert matrix.row_total("Покупка") == 3 and matrix.column_total("fit_configuration") == 3
    assert matrix.total == 5
