"""What the pages and the CLI share: parsing choices, and turning analytics results into plain
JSON-ready data (money and ratios as decimal strings, never floats)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from analytics.kpi.definitions import KPIS
from analytics.kpi.facts import Dimension
from analytics.kpi.report import KPIReport

if TYPE_CHECKING:
    from analytics.pilot.evaluation import PilotEvaluation


def parse_dimension(value: str | None) -> Dimension | None:
    if not value or value == "programme":
        return None
    try:
        return Dimension(value)
    except ValueError:
        raise ValueError(
            f"--by must be one of {', '.join(d.value for d in Dimension)}, not {value!r}"
        ) from None


def plain(value: Any) -> Any:
    """JSON-ready: Decimal -> its string (exact), dates -> ISO."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def report_json(report: KPIReport, codes: list[str] | None = None) -> dict[str, Any]:
    wanted = codes or list(KPIS)
    return {
        "period": report.unit.value,
        "by": report.dimension.value if report.dimension else "programme",
        "point_value": str(report.point_value),
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "kpis": {
            code: {"title": KPIS[code].title, "unit": KPIS[code].unit.value, "formula": KPIS[code].formula}
            for code in wanted
        },
        "rows": [
            {
                "period_start": row.period.isoformat(),
                "group": row.group,
                **{c: plain(row.values[c]) for c in wanted},
            }
            for row in report.rows
        ],
    }


def evaluation_json(evaluation: PilotEvaluation) -> dict[str, Any]:
    return {
        "pilot": evaluation.pilot,
        "control": evaluation.control,
        "pre": [d.isoformat() for d in evaluation.pre],
        "post": [d.isoformat() for d in evaluation.post],
        "effects": [
            {
                "metric": v.effect.metric,
                "lift": round(v.effect.lift, 4),
                "low": round(v.effect.low, 4),
                "high": round(v.effect.high, 4),
                "level": v.effect.level,
                "mde": round(v.effect.mde, 4),
                "finding": v.finding.value,
                "statement": v.sentence(),
            }
            for v in evaluation.verdicts
        ],
        "guardrail": {
            "passed": evaluation.guardrail.passed,
            "checks": [
                {
                    "metric": c.metric,
                    "threshold": c.threshold,
                    "confidence": c.confidence,
                    "lower": round(c.lower, 4),
                    "upper": round(c.upper, 4),
                    "status": c.status.value,
                }
                for c in evaluation.guardrail.checks
            ],
        },
    }
