"""Every kind of job and the function that runs it, in one place ("module:function", imported
when a job of that kind runs, so this module imports no domain and no domain imports the queue)."""

from __future__ import annotations

import importlib
from typing import cast

from workbench.jobs.service import Handler

KINDS: dict[str, str] = {
    "requirements.import": "workbench.requirements.jobs:import_requirements",
    "acceptance.import": "workbench.acceptance.jobs:import_features",
    "acceptance.run": "workbench.acceptance.jobs:run_scenarios",
    "processes.import": "workbench.processes.jobs:import_bpmn",
    "analytics.till_totals": "workbench.programme_analytics.jobs:import_till_totals",
    "analytics.rollups": "workbench.programme_analytics.jobs:refresh_rollups",
    "analytics.forecast": "workbench.programme_analytics.jobs:fit_forecast",
    "documents.build": "workbench.exports.jobs:build_document",
    "processes.save_drawn": "workbench.processes.jobs:save_drawn",
}


def handler_for(kind: str) -> Handler:
    try:
        module_name, function = KINDS[kind].split(":")
    except KeyError:
        raise ValueError(f"unknown job kind {kind!r}") from None
    return cast(Handler, getattr(importlib.import_module(module_name), function))
