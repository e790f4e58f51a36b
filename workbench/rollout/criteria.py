"""Gate criteria only the workbench can read, plugged into rollout's registry on import."""

from __future__ import annotations

from rollout import gates
from workbench.acceptance import service as acceptance
from workbench.projects.service import ProjectError, get_project


@gates.register("acceptance_passed", "The version's acceptance verdict is passed")
def acceptance_passed(ctx: gates.GateContext) -> gates.Check:
    from loyalty_core.config.models import ConfigVersion

    version = ctx.session.get(ConfigVersion, ctx.plan.version_id)
    assert version is not None
    try:
        project = get_project(ctx.session, ctx.plan.project_key)
    except ProjectError as error:
        return gates.Check(False, {"project": ctx.plan.project_key, "reasons": [str(error)]})
    verdict = acceptance.verdict(ctx.session, project, version)
    return gates.Check(
        verdict.passed,
        {"project": project.key, "version": version.label, "run": verdict.run_id, "reasons": verdict.reasons},
    )
