"""A behave formatter that prints one line per finished scenario, `SCENARIO <file>:<line> <status>`,
and flushes it: the workbench reads these lines from behave's stdout to show a run's progress
while it runs (behave's own JSON formatter writes the results, at the end)."""

from __future__ import annotations

import sys
from typing import Any

from behave.formatter.base import Formatter


class ScenarioLines(Formatter):  # type: ignore[misc]
    name = "scenario-lines"
    description = "one line per finished scenario (file:line status), for progress"

    def __init__(self, stream_opener: Any, config: Any) -> None:
        super().__init__(stream_opener, config)
        self.current: Any = None

    def _flush_current(self) -> None:
        scenario = self.current
        if scenario is None:
            return
        status = getattr(scenario.status, "name", scenario.status)
        # The real stdout: behave captures sys.stdout while steps run.
        out = sys.__stdout__ or sys.stdout
        out.write(f"SCENARIO {scenario.location.filename}:{scenario.location.line} {status}\n")
        out.flush()
        self.current = None

    def scenario(self, scenario: Any) -> None:
        self._flush_current()
        self.current = scenario

    def feature(self, feature: Any) -> None:
        self._flush_current()

    def eof(self) -> None:
        self._flush_current()

    def close(self) -> None:
        self._flush_current()
