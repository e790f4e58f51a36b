"""Analytics pages: the KPI dashboard, the pilot evaluation, and read-only JSON per KPI.
Thin: parse the query, call `analytics`, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from analytics.kpi.cohorts import cohort_table
from analytics.kpi.definitions import KPIS
from analytics.kpi.report import kpi_report, programme_currency
from analytics.periods import Period
from analytics.rollups.refresh import rollup_cohorts
from rollout.models import RolloutPlan
from workbench.auth.access import any_role, may_see_personal_data, roles_required
from workbench.auth.enums import Role
from workbench.exports.views import start_export
from workbench.extensions import db
from workbench.forms import commit_change, flash_form_errors
from workbench.jobs import queue as jobs
from workbench.programme_analytics import forms, plans, service
from workbench.programme_analytics.labels import GUARDRAIL_STATUS, KPI_TITLES, MATCH_QUALITY, statement
from workbench.programme_analytics.service import parse_dimension, report_json
from workbench.projects.access import require_owner_member

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
        card_chart=charts.card_share_chart(report),
        age_minutes=_age_minutes(report.as_of),
        cohort_chart=charts.cohort_chart(cohorts) if cohorts else None,
        currency=currency,
    )


def _age_minutes(as_of: dt.datetime | None) -> int | None:
    """How many minutes old the rollups are (None: the page computed live)."""
    if as_of is None:
        return None
    return max(0, int((dt.datetime.now(dt.UTC) - as_of).total_seconds() // 60))


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


def _plan_of_query(name: str) -> RolloutPlan:
    """The plan named by ?plan=, for a member of its project only. A plan that does not exist
    and a plan of someone else's project both answer 404, so the query cannot probe for other
    clients' projects (?plan=CLIENT/v1) or plans."""
    try:
        plan = plans.find_plan(db.session(), name)
    except plans.PlanAnalyticsError:
        abort(404)
    require_owner_member("plan_id", plan.id)
    return plan


def _pilot_design() -> tuple[list[str], list[str], str, str, str | None]:
    """Pilot and control stores and days from the query; with ?plan=ID (or PROJECT/VERSION),
    what the query leaves out comes from the rollout plan's pilot."""
    from workbench.rollout.service import utcnow

    pilots, controls = _codes("pilot"), _codes("control")
    starts, ends = request.args.get("from", ""), request.args.get("to", "")
    name = request.args.get("plan", "").strip()
    if not name:
        return pilots, controls, starts, ends, None
    plan = _plan_of_query(name)
    try:
        design = plans.plan_pilot(db.session(), plan, utcnow())
    except plans.PlanAnalyticsError as error:
        return pilots, controls, starts, ends, str(error)
    return (
        pilots or design.pilot,
        controls or design.control,
        starts or design.date_from.isoformat(),
        ends or design.date_to.isoformat(),
        None,
    )


def _day_of(name: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        abort(
            400, description=_("%(field)s must be a date (YYYY-MM-DD), not %(value)s", field=name, value=text)
        )


@bp.get("/pilot")
@roles_required(Role.rollout_manager, Role.approver)
def pilot() -> str:
    """Pilot stores against control stores: chart, verdict per KPI, guardrail."""
    from analytics.pilot.evaluation import PilotError, evaluate_pilot, store_histories
    from analytics.pilot.matching import control_set, suggest_controls
    from workbench.programme_analytics import charts

    pilots, controls, starts, ends, plan_error = _pilot_design()
    context: dict[str, Any] = {
        "pilot_codes": ",".join(pilots),
        "control_codes": ",".join(controls),
        "titles": KPI_TITLES,
        "statuses": GUARDRAIL_STATUS,
        "qualities": MATCH_QUALITY,
        "evaluation": None,
        "suggestions": None,
        "error": plan_error,
    }
    context.update(date_from=starts, date_to=ends)
    if not (pilots and starts and ends):
        return render_template("programme_analytics/pilot.html", **context)
    date_from, date_to = _day_of("from", starts), _day_of("to", ends)
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


# --- till totals ------------------------------------------------------------------------------

TILL_ROLES = (Role.rollout_manager, Role.consultant)


@bp.get("/till-totals")
@roles_required(*TILL_ROLES)
def till_totals() -> str:
    """What the imported till totals cover, and the upload of a client's file."""
    from analytics.tills.store import till_coverage

    with db.engine.connect() as conn:
        coverage = till_coverage(conn)
    return render_template(
        "programme_analytics/till_totals.html", coverage=coverage, form=forms.TillTotalsForm()
    )


@bp.post("/till-totals")
@roles_required(*TILL_ROLES)
def till_totals_upload() -> Response:
    """Hand the file to the job runner and show the job (its progress, then the import's outcome
    or every bad line of the file)."""
    from analytics.tills.intake import MAX_FILE_BYTES

    form = forms.TillTotalsForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("programme_analytics.till_totals"))
    upload = form.upload.data
    name = upload.filename or "upload"
    job_id = jobs.start(
        "analytics.till_totals",
        actor=current_user.username,
        title=_("Till totals from %(file)s", file=name),
        upload=upload.read(MAX_FILE_BYTES + 1),
        upload_name=name,
        link=url_for("programme_analytics.dashboard"),
    )
    return redirect(url_for("jobs.show", job_id=job_id))


# --- forecast ---------------------------------------------------------------------------------

FIT_ROLES = (Role.rollout_manager, Role.consultant)
FORECAST_ROWS = 200  # members shown on the page (by expected value); the CSV has them all


@bp.get("/forecast")
@any_role()
def forecast() -> str:
    """The last fit: per member P(alive), expected purchases and value in 30/90/365 days (phone
    and email only for roles that may see personal data), and the base's purchases per week."""
    from workbench.programme_analytics import charts

    session = db.session()
    job = service.latest_job(session, "analytics.forecast", finished=True)
    running = service.latest_job(session, "analytics.forecast", finished=False)
    context: dict[str, Any] = {"job": job, "running": running, "form": forms.ForecastForm(), "rows": []}
    if job is not None and job.result.get("members") is not None:
        result = job.result
        members = sorted(result["members"], key=_by_value, reverse=True)
        rows = members[:FORECAST_ROWS]
        contacts = service.member_contacts(session, [r[0] for r in rows]) if may_see_personal_data() else {}
        start = dt.date.fromisoformat(result["calibration_end"]) + dt.timedelta(days=1)
        weeks = [start + dt.timedelta(weeks=w) for w in range(len(result["weekly"]))]
        context.update(
            rows=rows,
            total=len(members),
            contacts=contacts,
            params=result["params"],
            chart=charts.forecast_chart(weeks, result["weekly"]),
            expected={h: sum(r[2 + i] for r in members) for i, h in enumerate((30, 90, 365))},
        )
    return render_template("programme_analytics/forecast.html", **context)


def _by_value(row: list[Any]) -> tuple[float, float]:
    return (float(row[7]) if row[7] is not None else -1.0, float(row[4]))


@bp.post("/forecast")
@roles_required(*FIT_ROLES)
def forecast_fit() -> Response:
    """Fit the forecast on the job runner (never in the request); the job page follows it."""
    form = forms.ForecastForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("programme_analytics.forecast"))
    job_id = jobs.start(
        "analytics.forecast",
        actor=current_user.username,
        title=_("Forecast of the members' purchases"),
        link=url_for("programme_analytics.forecast"),
    )
    return redirect(url_for("jobs.show", job_id=job_id))


@bp.get("/forecast.csv")
@any_role()
def forecast_csv() -> Response:
    """The last fit's member forecasts as CSV (the columns of `workbench forecast members`)."""
    job = service.latest_job(db.session(), "analytics.forecast", finished=True)
    if job is None or job.result.get("members") is None:
        abort(404)
    header = ["member_id", "p_alive", "purchases_30d", "purchases_90d", "purchases_365d"]
    header += ["value_30d", "value_90d", "value_365d"]
    lines = (",".join("" if v is None else str(v) for v in row) + "\r\n" for row in job.result["members"])
    body = ",".join(header) + "\r\n" + "".join(lines)
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="forecast.csv"'}
    )


# --- a rollout plan's analytics: guardrail thresholds and suggested control stores -----------


@bp.app_template_global("plan_guardrail")
def plan_guardrail(plan: RolloutPlan) -> Any:
    """The plan's stored guardrail (None: not set), for the plan page's panel."""
    return plans.guardrail_of(db.session(), plan)


@bp.app_template_global("kpi_titles")
def kpi_titles() -> dict[str, Any]:
    return KPI_TITLES


def _rollout_plan(plan_id: int) -> RolloutPlan:
    from rollout import service as rollout
    from rollout.errors import RolloutError

    try:
        return rollout.get_plan(db.session(), plan_id)
    except RolloutError:
        abort(404)


@bp.post("/plans/<int:plan_id>/guardrail")
@roles_required(Role.rollout_manager)
def plan_guardrail_save(plan_id: int) -> Response:
    """Store the plan's KPI guardrail thresholds (the gate reads them)."""
    plan, form = _rollout_plan(plan_id), forms.GuardrailForm()

    def change() -> str:
        plans.set_guardrail(
            db.session(),
            plan,
            threshold=form.threshold.data or "",
            limits={m: getattr(form, m).data or "" for m in plans.PILOT_METRICS},
            confidence=form.confidence.data or "",
            block_inconclusive=bool(form.block_inconclusive.data),
            actor=current_user.username,
        )
        return _("KPI guardrail of plan %(id)s saved", id=plan.id)

    commit_change(change, refusals=(plans.PlanAnalyticsError,), form=form)
    return redirect(url_for("rollout.plan", plan_id=plan.id) + "#kpi-guardrail")


@bp.get("/plans/<int:plan_id>/controls")
@roles_required(Role.rollout_manager, Role.approver)
def plan_controls(plan_id: int) -> str:
    """Control stores suggested for each pilot store by matching, with their quality."""
    from workbench.rollout.service import utcnow

    plan = _rollout_plan(plan_id)
    try:
        suggestions = plans.suggest_controls(db.session(), plan, utcnow())
        error = None
    except plans.PlanAnalyticsError as refusal:
        suggestions, error = [], str(refusal)
    return render_template(
        "programme_analytics/plan_controls.html",
        plan=plan,
        suggestions=suggestions,
        error=error,
        form=forms.AcceptControlsForm(),
        weeks=plans.MATCH_WEEKS,
        qualities=MATCH_QUALITY,
    )


@bp.post("/plans/<int:plan_id>/controls")
@roles_required(Role.rollout_manager)
def plan_controls_accept(plan_id: int) -> Response:
    """Name the ticked matches as the pilot stores' control stores."""
    from rollout.errors import RolloutError

    plan, form = _rollout_plan(plan_id), forms.AcceptControlsForm()
    chosen: dict[str, list[str]] = {}
    for value in request.form.getlist("match"):
        pilot_code, _sep, control = value.partition(":")
        if pilot_code and control:
            chosen.setdefault(pilot_code.strip().upper(), []).append(control.strip().upper())

    def change() -> str:
        count = plans.accept_controls(db.session(), plan, chosen, actor=current_user.username)
        return _("control stores of %(n)s pilot store(s) saved", n=count)

    if commit_change(change, refusals=(plans.PlanAnalyticsError, RolloutError), form=form):
        return redirect(url_for("rollout.plan", plan_id=plan.id))
    return redirect(url_for("programme_analytics.plan_controls", plan_id=plan.id))
