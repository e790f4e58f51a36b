"""Analytics work on the job runner: the till totals import, the rollup refresh and the member
forecast fit. Each reads and writes through plain `analytics` functions of a connection."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from workbench.jobs.models import Job
from workbench.jobs.service import JobRefused, Outcome, Progress

FORECAST_WEEKS = 52  # the aggregate chart's horizon


def import_till_totals(session: Session, job: Job, progress: Progress) -> Outcome:
    """Read the uploaded till totals and store them (all or nothing: every bad line, by its
    line and the file's header, is the job's message then); then refresh the rollups."""
    from analytics.tills.intake import TillTotalsError
    from workbench.programme_analytics.service import store_till_totals

    name = job.upload_name or "upload"
    progress(10, f"reading {name}; the KPI rollups are refreshed after")
    try:
        result = store_till_totals(session, name, job.upload or b"", actor=job.created_by or "system")
    except TillTotalsError as error:
        raise JobRefused(str(error)) from None
    summary = {
        "rows": result.rows,
        "replaced": result.replaced,
        "stores": result.stores,
        "first_day": result.first_day.isoformat(),
        "last_day": result.last_day.isoformat(),
    }
    return Outcome(
        f"{name}: {result.rows} till total(s) of {result.stores} store(s), "
        f"{result.first_day}..{result.last_day} ({result.replaced} replaced); KPI rollups refreshed",
        result=summary,
    )


def refresh_rollups(session: Session, job: Job, progress: Progress) -> Outcome:
    from analytics.rollups.refresh import refresh_rollups as refresh

    rows = refresh(session.connection())
    return Outcome(f"{rows} rollup row(s) refreshed", result={"rows": rows})


def fit_forecast(session: Session, job: Job, progress: Progress) -> Outcome:
    """Fit BG/NBD + Gamma-Gamma on the ledger; the result keeps the parameters, the expected
    purchases per week of the base and every member's forecast (the forecast page reads it)."""
    from analytics.forecast.members import HORIZONS, fit_ledger, member_forecasts

    progress(10, "reading the purchases")
    end = dt.datetime.now(dt.UTC).date()
    try:
        fit = fit_ledger(session.connection(), end)
    except ValueError as error:
        raise JobRefused(str(error)) from None
    members = [
        [
            f.member,
            round(f.p_alive, 4),
            *(round(f.expected_purchases[d], 3) for d in HORIZONS),
            *(None if f.expected_value[d] is None else str(f.expected_value[d]) for d in HORIZONS),
        ]
        for f in member_forecasts(fit)
    ]
    result = {
        "calibration_end": end.isoformat(),
        "params": {k: round(v, 6) for k, v in fit.bgnbd.as_dict().items()},
        "spend": {k: round(v, 6) for k, v in fit.spend.as_dict().items()} if fit.spend else None,
        "weekly": [round(v, 3) for v in fit.weekly_expected(FORECAST_WEEKS)],
        "members": members,
    }
    return Outcome(f"forecast of {len(members)} member(s) fitted (calibration to {end})", result=result)
