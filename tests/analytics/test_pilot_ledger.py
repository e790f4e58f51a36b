"""The pilot evaluated over a real ledger (generated weeks, +10% average check in the pilot)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from analytics.pilot.evaluation import PilotError, evaluate_pilot, store_histories
from analytics.pilot.matching import suggest_controls
from analytics.pilot.verdict import Finding
from tests.analytics.pilot_ledger import (
    CONTROLS,
    FIRST_WEEK,
    PILOT_END,
    PILOT_START,
    PILOTS,
    generate_pilot_ledger,
)


def test_the_pilot_shows_its_average_check_lift(engine: Engine) -> None:
    generate_pilot_ledger(engine, lift=0.10)
    with engine.connect() as conn:
        evaluation = evaluate_pilot(conn, PILOTS, CONTROLS, PILOT_START, PILOT_END, pre_weeks=8)
    assert evaluation.pre == (FIRST_WEEK, PILOT_START.replace(day=1))  # the 8 weeks before
    check = {e.metric: e for e in evaluation.effects}["average_check"]
    assert check.low <= 0.10 <= check.high and check.low > 0
    verdict = {v.effect.metric: v for v in evaluation.verdicts}["average_check"]
    assert verdict.finding is Finding.lift
    assert len(evaluation.weeks) == len(evaluation.pilot_sales) == 12
    assert evaluation.guardrail.passed


def test_bad_store_lists_are_refused_with_the_store_named(engine: Engine) -> None:
    generate_pilot_ledger(engine)
    with engine.connect() as conn:
        with pytest.raises(PilotError, match="no store R999"):
            evaluate_pilot(conn, ["R001", "R999"], CONTROLS, PILOT_START, PILOT_END)
        with pytest.raises(PilotError, match="pilot and control: R004"):
            evaluate_pilot(conn, ["R001", "R004"], CONTROLS, PILOT_START, PILOT_END)


def test_control_suggestions_come_from_the_ledger(engine: Engine) -> None:
    generate_pilot_ledger(engine)
    with engine.connect() as conn:
        histories = store_histories(conn, FIRST_WEEK, PILOT_START)
    pilots = [h for h in histories if h.code in PILOTS]
    suggestions = suggest_controls(pilots, histories, excluded={"R008"}, per_pilot=2)
    chosen = {m.control for matches in suggestions.values() for m in matches}
    assert chosen and chosen <= set(CONTROLS) - {"R008"}
