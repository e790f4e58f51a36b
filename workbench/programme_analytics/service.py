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
    from sqlalchemy.orm import Session

    from analytics.pilot.evaluation import PilotEvaluation
    from analytics.tills.store import TillImport
    from workbench.jobs.models import Job


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


def store_till_totals(session: Session, filename: str, content: bytes, *, actor: str) -> TillImport:
    """Import a till totals file, audit it and refresh the KPI rollups, in the session's
    transaction (the caller commits: the CLI below, or the job runner for an upload)."""
    from analytics.rollups.refresh import refresh_rollups
    from analytics.tills.store import import_till_totals as store_file
    from loyalty_core.db import utcnow
    from workbench.audit import service as audit

    result = store_file(session.connection(), filename, content, utcnow())
    audit.record(
        session,
        actor,
        "analytics.till_totals",
        "till_totals",
        filename[:100],
        {"rows": result.rows, "replaced": result.replaced, "stores": result.stores},
    )
    refresh_rollups(session.connection())
    return result


def import_till_totals(session: Session, filename: str, content: bytes, *, actor: str) -> TillImport:
    """The same as one unit of work (commits); TillTotalsError, with nothing stored, when any
    line is wrong."""
    try:
        result = store_till_totals(session, filename, content, actor=actor)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return result


def latest_job(session: Session, kind: str, *, finished: bool) -> Job | None:
    """The newest job of `kind`: finished ones (the forecast page reads the last fit), or those
    still queued or running (the page says a fit is under way)."""
    from sqlalchemy import select

    from workbench.jobs.models import Job, JobState

    states = [JobState.finished.value] if finished else [JobState.queued.value, JobState.running.value]
    return session.scalar(
        select(Job).where(Job.kind == kind, Job.state.in_(states)).order_by(Job.id.desc()).limit(1)
    )


def member_contacts(session: Session, member_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Phone and email of the members (for roles that may see personal data only)."""
    import uuid

    from sqlalchemy import select

    from loyalty_core.ledger.models import Member

    ids = [uuid.UUID(m) for m in member_ids]
    rows = session.execute(select(Member.id, Member.phone, Member.email).where(Member.id.in_(ids)))
    return {str(i): (phone or "", email or "") for i, phone, email in rows}
