"""The vocabularies of acceptance runs."""

from __future__ import annotations

from enum import Enum

from gap_analysis.enums import SEVERITY, ScenarioStatus, worst_status

__all__ = ["SEVERITY", "ResultStatus", "RunStatus", "summary_line", "worst"]


# A scenario's result is the gap map's ScenarioStatus: one vocabulary, one order of severity
# (SEVERITY), one way to fold several into one (worst), whichever side reads them.
ResultStatus = ScenarioStatus


class RunStatus(str, Enum):
    """Where a run stands."""

    queued = "queued"
    running = "running"
    finished = "finished"  # behave ran (the scenarios may still have failed)
    error = "error"  # behave could not run at all; `output` says why


worst = worst_status


def summary_line(passed: int, failed: int, skipped: int = 0, undefined: int = 0, errors: int = 0) -> str:
    """`N passed, N failed`, then the other counts that are not zero: the last line a run prints."""
    text = f"{passed} passed, {failed} failed"
    for count, word in ((skipped, "skipped"), (undefined, "undefined"), (errors, "errors")):
        if count:
            text += f", {count} {word}"
    return text
