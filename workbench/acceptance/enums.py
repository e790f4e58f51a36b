"""The vocabularies of acceptance runs."""

from __future__ import annotations

from enum import Enum

from gap_analysis.enums import SEVERITY, ScenarioStatus, worst_status

__all__ = ["SEVERITY", "ResultStatus", "RunStatus", "worst"]


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
