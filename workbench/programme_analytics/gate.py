"""The KPI guardrail as a rollout gate criterion. Rollout keeps a registry of gate criteria and
knows nothing of analytics; the workbench registers this one when the app starts
(`register_guardrail`), so the gate reads "no pilot KPI worse than −X% at 90% confidence" with
the thresholds stored for the plan, and the gate decision keeps the figures as its evidence."""

from __future__ import annotations

from typing import Any

from rollout import gates
from workbench.programme_analytics import plans

NAME = "kpi_guardrail"
TITLE = "No pilot KPI worse than the plan's guardrail (pilot vs control)"


def kpi_guardrail(ctx: gates.GateContext) -> gates.Check:
    """Open when no pilot KPI is breached (and, if the plan says so, none is inconclusive). A
    plan without guardrail thresholds passes, saying so: the guardrail is set per plan."""
    from analytics.pilot.evaluation import PilotError, evaluate_pilot
    from analytics.pilot.guardrail import GuardrailResult

    row = plans.guardrail_of(ctx.session, ctx.plan)
    if row is None:
        return gates.Check(True, {"guardrail": "not set for this plan"})
    settings: dict[str, Any] = {
        "threshold_pct": str(row.threshold_pct),
        "limits": dict(row.limits or {}),
        "confidence_pct": str(row.confidence_pct),
        "block_inconclusive": row.block_inconclusive,
    }
    try:
        pilot = plans.plan_pilot(ctx.session, ctx.plan, ctx.now)
        evaluation = evaluate_pilot(
            ctx.session.connection(),
            pilot.pilot,
            pilot.control,
            pilot.date_from,
            pilot.date_to,
            thresholds=row.thresholds(plans.PILOT_METRICS),
            confidence=float(row.confidence_pct) / 100,
        )
    except (plans.PlanAnalyticsError, PilotError) as error:
        return gates.Check(False, {**settings, "error": str(error)})
    result = GuardrailResult(evaluation.guardrail.checks, row.block_inconclusive)
    return gates.Check(
        result.passed,
        {
            **settings,
            "pilot": pilot.pilot,
            "control": pilot.control,
            "pilot_days": [pilot.date_from.isoformat(), pilot.date_to.isoformat()],
            "checks": [
                {
                    "kpi": c.metric,
                    "status": c.status.value,
                    "no_worse_than_pct": round(-c.threshold * 100, 2),
                    "lower_pct": round(c.lower * 100, 2),
                    "upper_pct": round(c.upper * 100, 2),
                }
                for c in result.checks
            ],
        },
    )


def register_guardrail() -> None:
    """Plug the guardrail into the rollout gate (idempotent: the registry replaces by name)."""
    gates.register(NAME, TITLE)(kpi_guardrail)
