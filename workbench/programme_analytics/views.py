"""Analytics pages: the KPI dashboard, the pilot evaluation, and read-only JSON per KPI.
Thin: parse the query, call `analytics`, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from analytics.kpi.cohorts import cohort_table
from analytics.kpi.definitions import KPIS
from analytics.kpi.report import kpi_report, programme_currency
from analytics.periods import Period
from analytics.rollups.refresh import rollup_cohorts
from workbench.auth.access import any_role, roles_required
from workbench.auth.enums import Role
from workbench.exports.views import start_export
from workbench.extensions import db
from workbench.programme_analytics.labels import GUARDRAIL_STATUS, KPI_TITLES, statement
from workbench.programme_analytics.service import parse_dimension, report_json

bp = Blueprint("programme_analytics", __name__, url_prefix="/analytics")


def _date(name: str, default: dt.date) -> dt.date:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        abort(
            400, description=_("%(field)s must be a date (YYYY-MM-DD), not %(value)s", field=name, value=text)
        )


def _window() -> tuple[dt.date, dt.date, Period]:
    today = dt.datetime.now(dt.UTC).date()
    year_ago = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    period = request.args.get("period", Period.month.value)
    if period not in {p.value for p in Period}:
        abort(400, description=_("period must be day, week or month"))
    date_from, date_to = _date("from", year_ago), _date("to", today)
    if date_to < date_from:
        abort(400, description=_("the end date is before the start date"))
    return date_from, date_to, Period(period)


@bp.get("/")
@any_role()
def dashboard() -> str:
    """KPIs of the programme over time, the cohort heat map and the liability curve."""
    from workbench.programme_analytics import charts  # matplotlib loads with the first chart, not at start-up

    date_from, date_to, period = _window()
    with db.engine.connect() as conn:
        report = kpi_report(conn, date_from, date_to, period, use_rollups=True)
        cohorts = rollup_cohorts(conn, date_from, date_to, period) if report.as_of else None
        if cohorts is None:
            cohorts = cohort_table(conn, date_from, date_to, period)
        currency = programme_currency(conn)
    return render_template(
        "programme_analytics/dashboard.html",
        report=report,
        kpis=KPIS,
        titles=KPI_TITLES,
        date_from=date_from,
        date_to=date_to,
        period=period,
        members_chart=charts.members_chart(report),
        money_chart=charts.money_chart(report, currency),
        liability_chart=charts.liability_chart(report, currency),
        cohort_chart=charts.cohort_chart(cohorts) if cohorts else None,
        currency=currency,
    )


@bp.get("/kpi/<code>.json")
@any_role()
def kpi_json(code: str) -> Response:
    """One KPI per period (and group with ?by=store|direction|region|tier), read-only."""
    if code not in KPIS:
        abort(404)
    date_from, date_to, period = _window()
    try:
        dimension = parse_dimension(request.args.get("by"))
    except ValueError as error:
        abort(400, description=str(error))
    with db.engine.connect() as conn:
        report = kpi_report(conn, date_from, date_to, period, dimension, use_rollups=True)
    return jsonify(report_json(report, [code]))


REPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@bp.get("/report.<kind>")
@any_role()
def report_file(kind: str) -> Response:
    """The KPI report as XLSX or DOCX, in Russian or English (?lang=ru|en)."""
    if kind not in REPORT_TYPES:
        abort(404)
    language = request.args.get("lang", "ru")
    if language not in ("ru", "en"):
        abort(400, description=_("lang must be ru or en"))
    date_from, date_to, period = _window()
    # Built on the job runner; the job page offers the download.
    name = f"kpi-{date_from.isoformat()}-{date_to.isoformat()}-{language}.{kind}"
    params = {"kind": kind, "lang": language, "from": date_from.isoformat(), "to": date_to.isoformat()}
    return start_export("analytics.kpi", name, {**params, "period": period.value})


def _codes(name: str) -> list[str]:
    return [c.strip().upper() for c in request.args.get(name, "").split(",") if c.strip()]


@bp.get("/pilot")
@roles_required(Role.rollout_manager, Role.approver)
def pilot() -> str:
    """Pilot stores against control stores: chart, verdict per KPI, guardrail."""
    from analytics.pilot.evaluation import PilotError, evaluate_pilot, store_histories
    from analytics.pilot.matching import control_set, suggest_controls
    from workbench.programme_analytics import charts

    pilots, controls = _codes("pilot"), _codes("control")
    context: dict[str, Any] = {
        "pilot_codes": ",".join(pilots),
        "control_codes": ",".join(controls),
        "titles": KPI_TITLES,
        "statuses": GUARDRAIL_STATUS,
        "evaluation": None,
        "suggestions": None,
        "error": None,
    }
    starts, ends = request.args.get("from", ""), request.args.get("to", "")
    context.update(date_from=starts, date_to=ends)
    if not (pilots and starts and ends):
        return render_template("programme_analytics/pilot.html", **context)
    date_from, date_to = _date("from", dt.date.today()), _date("to", dt.date.today())
    pre_weeks = request.args.get("pre_weeks", type=int)
    with db.engine.connect() as conn:
        if not controls:
            histories = store_histories(
                conn, date_from - dt.timedelta(weeks=pre_weeks or 8), date_from - dt.timedelta(days=1)
            )
            chosen = [h for h in histories if h.code in pilots]
            context["suggestions"] = suggest_controls(chosen, histories, per_pilot=2)
            controls = control_set(context["suggestions"])
            context["control_codes"] = ",".join(controls)
        try:
            evaluation = evaluate_pilot(conn, pilots, controls, date_from, date_to, pre_weeks)
        except PilotError as error:
            context["error"] = str(error)
            return render_template("programme_analytics/pilot.html", **context)
        currency = programme_currency(conn)
    context.update(
        evaluation=evaluation,
        chart=charts.pilot_chart(evaluation, currency),
        statements=[(v, statement(v)) for v in evaluation.verdicts],
    )
    return render_template("programme_analytics/pilot.html", **context)
