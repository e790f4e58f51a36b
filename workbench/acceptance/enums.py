"""The vocabularies of acceptance runs."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class ResultStatus(str, Enum):
    """What one scenario of a run came to (behave's statuses, plus `error` for a feature that
    could not be parsed and `not_run` for a stored scenario no run has included yet)."""

    passed = "passed"
    failed = "failed"
    skipped = "skipped"
    undefined = "undefined"
    error = "error"
    not_run = "not_run"


class RunStatus(str, Enum):
    """Where a run stands."""

    queued = "queued"
    running = "running"
    finished = "finished"  # behave ran (the scenarios may still have failed)
    error = "error"  # behave could not run at all; `output` says why


# The order in which statuses "win" when several results make one (an outline's example rows).
SEVERITY = {
    ResultStatus.error.value: 5,
    ResultStatus.failed.value: 4,
    ResultStatus.undefined.value: 3,
    ResultStatus.skipped.value: 2,
    ResultStatus.passed.value: 1,
    ResultStatus.not_run.value: 0,
}


def worst(statuses: Iterable[str]) -> str:
    """The status that stands for several (an outline's example rows): the most severe one
    (`not_run` for none). The one place that orders statuses, with SEVERITY above."""
    return max(statuses, key=lambda s: SEVERITY.get(s, 0), default=ResultStatus.not_run.value)
