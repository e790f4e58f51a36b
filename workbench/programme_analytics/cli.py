"""`workbench kpi`, `workbench forecast`, `workbench pilot`, `workbench export`.

\b
    workbench kpi --from D --to D [--period day|week|month] [--by store|direction|region|tier] [--json]
    workbench rollups [--period month ...]        (refresh the dashboard's aggregates: a job)
    workbench forecast fit [--json] [--csv FILE --customer-column C --date-column D [--date-format %Y%m%d]
                           [--amount-column A] --calibration-end D [--holdout-end D]]
    workbench forecast members -o FILE.csv [--calibration-end D]
    workbench pilot evaluate PLAN [--json]       (a rollout plan's id or PROJECT/VERSION)
    workbench pilot evaluate --pilot R001,R002 --control R004,R005 --from D --to D [--pre-weeks N] [--json]
    workbench pilot guardrail --pilot ... --control ... --from D --to D [--threshold 5] [--limit KPI=3]
        [--confidence 90]
    workbench pilot suggest --pilot R001,R002 --from D --to D [--exclude R010,...] [--per-pilot 2]
    workbench export transactions|members|kpi -o FILE.csv [--from D --to D --period --by]
    workbench analytics till-totals import FILE.csv|FILE.xlsx   (the stores' daily till totals)

The fits and exports are plain service calls (analytics.*): a job on the job runner can call
the same functions when they should leave the request/CLI path.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from flask.cli import with_appcontext
from flask_babel import gettext, ngettext

from analytics.export import (
    MEMBER_COLUMNS,
    TRANSACTION_COLUMNS,
    kpi_columns,
    kpi_rows,
    member_rows,
    transaction_rows,
    write_csv,
)
from analytics.forecast.purchase_log import PurchaseLogError
from analytics.kpi.definitions import KPIS
from analytics.kpi.report import kpi_report
from analytics.periods import Period
from workbench.extensions import db
from workbench.programme_analytics.labels import MATCH_QUALITY, statement
from workbench.programme_analytics.service import evaluation_json, parse_dimension, report_json

if TYPE_CHECKING:  # numpy and scipy load when a fit or an evaluation runs, not with every command
    from analytics.forecast.members import Fit

PILOT_KPIS = (
    "average_check",
    "purchase_frequency",
    "sales_per_store",
    "retention",
)  # analytics.pilot.evaluation

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _fail(message: str) -> NoReturn:
    click.echo(gettext("error: %(message)s", message=message), err=True)
    sys.exit(1)


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()]


# --- kpi ---------------------------------------------------------------------------------------


@click.command("kpi")
@click.option("--from", "date_from", type=DATE, required=True)
@click.option("--to", "date_to", type=DATE, required=True)
@click.option("--period", type=click.Choice([p.value for p in Period]), default="month", show_default=True)
@click.option(
    "--by", type=click.Choice(["programme", "store", "direction", "region", "tier"]), default="programme"
)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def kpi_command(date_from: dt.datetime, date_to: dt.datetime, period: str, by: str, as_json: bool) -> None:
    """Every programme KPI per period (UTC) and group, from the ledger."""
    try:
        with db.engine.connect() as conn:
            report = kpi_report(conn, date_from.date(), date_to.date(), Period(period), parse_dimension(by))
    except ValueError as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        return
    click.echo("\t".join(["period", "group", *KPIS]))
    for row in report.rows:
        click.echo(
            "\t".join(
                [
                    row.period.isoformat(),
                    row.group,
                    *("—" if v is None else str(v) for v in row.values.values()),
                ]
            )
        )


@click.command("rollups")
@click.option(
    "--period",
    "periods",
    multiple=True,
    type=click.Choice([p.value for p in Period]),
    help="Refresh only these period units (default: all).",
)
@with_appcontext
def rollups_command(periods: tuple[str, ...]) -> None:
    """Refresh the KPI rollups the dashboard reads (run it from the job runner or cron)."""
    from analytics.rollups.refresh import refresh_rollups

    with db.engine.begin() as conn:
        rows = refresh_rollups(conn, units=[Period(p) for p in periods] or tuple(Period))
    click.echo(gettext("%(rows)s rollup rows refreshed", rows=rows))


# --- forecast ----------------------------------------------------------------------------------

forecast_group = click.Group("forecast", help="BG/NBD + Gamma-Gamma forecast of future purchases.")


def _fit_payload(fit: Fit) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "customers": len(fit.summary),
        "repeat_purchases": int(fit.summary.frequency.sum()),
        **{k: round(v, 6) for k, v in fit.bgnbd.as_dict().items()},
        "spend": {k: round(v, 6) for k, v in fit.spend.as_dict().items()} if fit.spend else None,
    }
    if fit.summary.holdout_weeks:
        payload["holdout_weeks"] = fit.summary.holdout_weeks
        payload["holdout_expected"] = round(fit.holdout_expected(), 2)
        payload["holdout_actual"] = int(fit.summary.holdout_purchases.sum())
    return payload


@forecast_group.command("fit")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="An external purchase log (comma or whitespace separated, header line) instead of the ledger.",
)
@click.option("--customer-column", default=None)
@click.option("--date-column", default=None)
@click.option("--date-format", default="%Y-%m-%d", show_default=True)
@click.option("--amount-column", default=None, help="Optional: fits the spend model too.")
@click.option("--calibration-end", type=DATE, default=None, help="Last day of calibration (default: today).")
@click.option("--holdout-end", type=DATE, default=None, help="Last day of a holdout to compare against.")
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With a holdout: expected vs actual purchases per week, as .svg or .png.",
)
@with_appcontext
def forecast_fit(
    as_json: bool,
    csv_file: Path | None,
    customer_column: str | None,
    date_column: str | None,
    date_format: str,
    amount_column: str | None,
    calibration_end: dt.datetime | None,
    holdout_end: dt.datetime | None,
    chart: Path | None,
) -> None:
    """Fit the model and print r, alpha, a and b (and the holdout check when one is given)."""
    try:
        fit = _fit(
            csv_file,
            customer_column,
            date_column,
            date_format,
            amount_column,
            _day(calibration_end),
            _day(holdout_end),
        )
    except (PurchaseLogError, ValueError) as error:
        _fail(str(error))
    if chart is not None:
        if not fit.summary.holdout_weeks:
            _fail(gettext("--chart needs --holdout-end (it compares the forecast with what happened)"))
        _holdout_chart(fit, chart)
    payload = _fit_payload(fit)
    if as_json:
        click.echo(json.dumps(payload, indent=2))
        return
    for key in (
        "customers",
        "repeat_purchases",
        "r",
        "alpha",
        "a",
        "b",
        "holdout_expected",
        "holdout_actual",
    ):
        if key in payload:
            click.echo(f"{key}\t{payload[key]}")


def _holdout_chart(fit: Fit, path: Path) -> None:
    from analytics import charts
    from analytics.forecast.members import holdout_chart_series

    weeks, expected, actual = holdout_chart_series(fit)
    figure = charts.line_chart(
        "Repeat purchases per week: forecast vs actual",
        "Week since the calibration began",
        "Purchases (days with a purchase)",
        [
            charts.Line(f"Expected (BG/NBD), total {sum(expected):,.0f}", weeks, expected),
            charts.Line(f"Actual, total {sum(actual):,.0f}", weeks, actual),
        ],
    )
    path.write_bytes(charts.png(figure) if path.suffix == ".png" else charts.svg(figure).encode("utf-8"))


def _fit(
    csv_file: Path | None,
    customer_column: str | None,
    date_column: str | None,
    date_format: str,
    amount_column: str | None,
    calibration_end: dt.date | None,
    holdout_end: dt.date | None,
) -> Fit:
    from analytics.forecast.members import fit_ledger, fit_summary
    from analytics.forecast.purchase_log import read_purchase_log
    from analytics.forecast.summary import summarise

    if csv_file is None:
        with db.engine.connect() as conn:
            return fit_ledger(conn, calibration_end, holdout_end)
    if not customer_column or not date_column or calibration_end is None:
        raise ValueError(gettext("--csv needs --customer-column, --date-column and --calibration-end"))
    rows = read_purchase_log(csv_file, customer_column, date_column, date_format, amount_column)
    return fit_summary(summarise(rows, calibration_end, holdout_end))


@forecast_group.command("members")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--calibration-end", type=DATE, default=None)
@with_appcontext
def forecast_members(output: Path, calibration_end: dt.datetime | None) -> None:
    """Per member: P(alive), expected purchases and value in the next 30/90/365 days, as CSV."""
    from analytics.forecast.members import HORIZONS, fit_ledger, member_forecasts

    try:
        with db.engine.connect() as conn:
            fit = fit_ledger(conn, _day(calibration_end))
    except ValueError as error:
        _fail(str(error))
    header = [
        "member_id",
        "p_alive",
        *(f"purchases_{d}d" for d in HORIZONS),
        *(f"value_{d}d" for d in HORIZONS),
    ]
    rows = (
        [
            f.member,
            f"{f.p_alive:.4f}",
            *(f"{f.expected_purchases[d]:.3f}" for d in HORIZONS),
            *("" if f.expected_value[d] is None else str(f.expected_value[d]) for d in HORIZONS),
        ]
        for f in member_forecasts(fit)
    )
    with output.open("w", newline="", encoding="utf-8") as handle:
        count = write_csv(handle, header, rows)
    click.echo(ngettext("%(num)d members -> %(file)s", "%(num)d members -> %(file)s", count, file=output))


# --- pilot -------------------------------------------------------------------------------------

pilot_group = click.Group("pilot", help="Pilot stores against control stores.")
_pilot_options = [
    click.option("--pilot", required=True, help="Pilot store codes, comma separated."),
    click.option("--control", required=True, help="Control store codes, comma separated."),
    click.option("--from", "date_from", type=DATE, required=True, help="First day of the pilot."),
    click.option("--to", "date_to", type=DATE, required=True, help="Last day evaluated."),
    click.option(
        "--pre-weeks",
        type=int,
        default=None,
        help="Weeks before the pilot to compare (default: as long as the pilot).",
    ),
]


def _with_pilot_options(command: Any) -> Any:
    for option in reversed(_pilot_options):
        command = option(command)
    return command


@pilot_group.command("evaluate")
@click.argument("plan", required=False)
@click.option("--pilot", default=None, help="Pilot store codes, comma separated (instead of PLAN).")
@click.option("--control", default=None, help="Control store codes, comma separated (instead of PLAN).")
@click.option("--from", "date_from", type=DATE, default=None, help="First day of the pilot.")
@click.option("--to", "date_to", type=DATE, default=None, help="Last day evaluated.")
@click.option(
    "--pre-weeks",
    type=int,
    default=None,
    help="Weeks before the pilot to compare (default: as long as the pilot).",
)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def pilot_evaluate(
    plan: str | None,
    pilot: str | None,
    control: str | None,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    pre_weeks: int | None,
    as_json: bool,
) -> None:
    """Difference-in-differences of each pilot KPI, with its interval and a plain verdict.
    PLAN (a rollout plan's id, or PROJECT/VERSION such as DEMO/v2) takes its pilot stores, their
    control stores and the pilot's dates; --from/--to, --control override them."""
    from analytics.pilot.evaluation import PilotError, evaluate_pilot

    try:
        pilots, controls, first, last = _pilot_design(plan, pilot, control, _day(date_from), _day(date_to))
        with db.engine.connect() as conn:
            evaluation = evaluate_pilot(conn, pilots, controls, first, last, pre_weeks)
    except (PilotError, ValueError) as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(evaluation_json(evaluation), indent=2))
        return
    click.echo(
        gettext(
            "pilot %(pilot)s vs control %(control)s; before %(before)s, pilot %(during)s",
            pilot=",".join(evaluation.pilot),
            control=",".join(evaluation.control),
            before=f"{evaluation.pre[0]}..{evaluation.pre[1]}",
            during=f"{evaluation.post[0]}..{evaluation.post[1]}",
        )
    )
    for verdict in evaluation.verdicts:
        click.echo(statement(verdict))


def _pilot_design(
    plan: str | None, pilot: str | None, control: str | None, first: dt.date | None, last: dt.date | None
) -> tuple[list[str], list[str], dt.date, dt.date]:
    """The stores and days to evaluate: from the plan, with any option given overriding it."""
    if plan is None:
        if not (pilot and control and first and last):
            raise ValueError(gettext("give a PLAN, or --pilot, --control, --from and --to"))
        return _codes(pilot), _codes(control), first, last
    from workbench.programme_analytics import plans
    from workbench.rollout.service import utcnow

    design = plans.plan_pilot(db.session(), plans.find_plan(db.session(), plan), utcnow())
    return (
        _codes(pilot) if pilot else design.pilot,
        _codes(control) if control else design.control,
        first or design.date_from,
        last or design.date_to,
    )


@pilot_group.command("guardrail")
@_with_pilot_options
@click.option("--threshold", type=float, default=5.0, show_default=True, help="X in 'no KPI worse than -X%'.")
@click.option(
    "--limit", "limits", multiple=True, help="A KPI's own threshold, e.g. average_check=3 (percent)."
)
@click.option("--confidence", type=float, default=90.0, show_default=True, help="Percent.")
@click.option("--block-inconclusive", is_flag=True, help="Fail when a KPI cannot be told either way.")
@with_appcontext
def pilot_guardrail(
    pilot: str,
    control: str,
    date_from: dt.datetime,
    date_to: dt.datetime,
    pre_weeks: int | None,
    threshold: float,
    limits: tuple[str, ...],
    confidence: float,
    block_inconclusive: bool,
) -> None:
    """No KPI worse than -X% at the given confidence; exits 1 when the guardrail fails."""
    from analytics.pilot.evaluation import PilotError, evaluate_pilot

    thresholds = dict.fromkeys(PILOT_KPIS, threshold / 100)
    for limit in limits:
        metric, _, value = limit.partition("=")
        if metric not in PILOT_KPIS or not value:
            _fail(
                gettext(
                    "--limit %(limit)s: use KPI=percent with KPI one of %(kpis)s",
                    limit=repr(limit),
                    kpis=", ".join(PILOT_KPIS),
                )
            )
        thresholds[metric] = float(value) / 100
    try:
        with db.engine.connect() as conn:
            evaluation = evaluate_pilot(
                conn,
                _codes(pilot),
                _codes(control),
                date_from.date(),
                date_to.date(),
                pre_weeks,
                thresholds=thresholds,
                confidence=confidence / 100,
            )
    except PilotError as error:
        _fail(str(error))
    from analytics.pilot.guardrail import GuardrailResult

    result = GuardrailResult(evaluation.guardrail.checks, block_inconclusive)
    for check in result.checks:
        bounds = gettext(
            "no worse than -%(threshold)s: %(confidence)s bounds %(lower)s .. %(upper)s",
            threshold=f"{check.threshold:.1%}",
            confidence=f"{check.confidence:.0%}",
            lower=f"{check.lower:+.1%}",
            upper=f"{check.upper:+.1%}",
        )
        click.echo(f"{check.metric}\t{check.status.value}\t{bounds}")
    click.echo(gettext("guardrail passed") if result.passed else gettext("guardrail FAILED"))
    if not result.passed:
        sys.exit(1)


@pilot_group.command("suggest")
@click.option("--pilot", required=True)
@click.option("--from", "date_from", type=DATE, required=True, help="First pre-pilot day to compare.")
@click.option("--to", "date_to", type=DATE, required=True, help="Last pre-pilot day to compare.")
@click.option("--exclude", default="", help="Stores already in a wave (comma separated).")
@click.option("--per-pilot", type=int, default=2, show_default=True)
@with_appcontext
def pilot_suggest(
    pilot: str, date_from: dt.datetime, date_to: dt.datetime, exclude: str, per_pilot: int
) -> None:
    """Matched control stores for each pilot store, with the match quality."""
    from analytics.pilot.evaluation import store_histories
    from analytics.pilot.matching import suggest_controls

    with db.engine.connect() as conn:
        histories = store_histories(conn, date_from.date(), date_to.date())
    codes = set(_codes(pilot))
    if missing := codes - {h.code for h in histories}:
        _fail(gettext("no store %(codes)s", codes=", ".join(sorted(missing))))
    suggestions = suggest_controls(
        [h for h in histories if h.code in codes], histories, _codes(exclude), per_pilot
    )
    for code, matches in suggestions.items():
        for m in matches:
            match = gettext(
                "score %(score)s (%(quality)s)\tcorrelation %(correlation)s\tscaled distance %(distance)s",
                score=f"{m.score:.2f}",
                quality=MATCH_QUALITY[m.quality],
                correlation=f"{m.correlation:.2f}",
                distance=f"{m.scaled_distance:.2f}",
            )
            click.echo(f"{code}\t{m.control}\t{match}")


# --- export ------------------------------------------------------------------------------------


@click.command("export")
@click.argument("what", type=click.Choice(["transactions", "members", "kpi"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--from", "date_from", type=DATE, default=None, help="kpi only")
@click.option("--to", "date_to", type=DATE, default=None, help="kpi only")
@click.option("--period", type=click.Choice([p.value for p in Period]), default="month")
@click.option(
    "--by", type=click.Choice(["programme", "store", "direction", "region", "tier"]), default="programme"
)
@click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", help="kpi .xlsx/.docx only")
@with_appcontext
def export_command(
    what: str,
    output: Path,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    period: str,
    by: str,
    lang: str,
) -> None:
    """Stream transactions, members or KPIs to CSV for BI tools (UTF-8, comma separated); KPIs
    also as a report: -o FILE.xlsx or FILE.docx (--lang ru|en)."""
    if what == "kpi" and output.suffix in (".xlsx", ".docx"):
        _kpi_document(output, date_from, date_to, period, by, lang)
        return
    with db.engine.connect() as conn, output.open("w", newline="", encoding="utf-8") as handle:
        if what == "transactions":
            count = write_csv(handle, TRANSACTION_COLUMNS, transaction_rows(conn))
        elif what == "members":
            count = write_csv(handle, MEMBER_COLUMNS, member_rows(conn))
        else:
            if date_from is None or date_to is None:
                _fail(gettext("export kpi needs --from and --to"))
            report = kpi_report(conn, date_from.date(), date_to.date(), Period(period), parse_dimension(by))
            count = write_csv(handle, kpi_columns(), kpi_rows(report))
    click.echo(ngettext("%(num)d rows -> %(file)s", "%(num)d rows -> %(file)s", count, file=output))


def _kpi_document(
    output: Path, date_from: dt.datetime | None, date_to: dt.datetime | None, period: str, by: str, lang: str
) -> None:
    from analytics.kpi.report import programme_currency
    from workbench.programme_analytics.documents import kpi_docx, kpi_xlsx

    if date_from is None or date_to is None:
        _fail(gettext("export kpi needs --from and --to"))
    with db.engine.connect() as conn:
        report = kpi_report(conn, date_from.date(), date_to.date(), Period(period), parse_dimension(by))
        currency = programme_currency(conn)
    output.write_bytes(
        kpi_xlsx(report, lang) if output.suffix == ".xlsx" else kpi_docx(report, lang, currency)
    )
    click.echo(
        ngettext("%(num)d rows -> %(file)s", "%(num)d rows -> %(file)s", len(report.rows), file=output)
    )


# --- analytics till-totals -----------------------------------------------------------------

analytics_group = click.Group("analytics", help="Programme analytics data: the stores' till totals.")
till_group = click.Group("till-totals", help="Daily till totals per store (all sales, card or not).")
analytics_group.add_command(till_group)


@till_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default="cli", show_default=True, help="Who imports (for the audit log).")
@with_appcontext
def till_totals_import(file: Path, actor: str) -> None:
    """Import a CSV or XLSX of store, date, total (headers in English or Russian): all or
    nothing, every bad line named with the file's header; a store-day imported again is
    replaced. The KPI rollups are refreshed after."""
    from analytics.tills.intake import MAX_FILE_BYTES, TillTotalsError
    from workbench.programme_analytics.service import import_till_totals

    with file.open("rb") as handle:
        content = handle.read(MAX_FILE_BYTES + 1)
    try:
        result = import_till_totals(db.session(), file.name, content, actor=actor)
    except TillTotalsError as error:
        _fail(str(error))
    click.echo(
        gettext(
            "%(file)s: %(rows)s till total(s) of %(stores)s store(s), %(days)s (%(replaced)s replaced);"
            " KPI rollups refreshed",
            file=file.name,
            rows=result.rows,
            stores=result.stores,
            days=f"{result.first_day}..{result.last_day}",
            replaced=result.replaced,
        )
    )


COMMANDS: list[click.Command] = [
    kpi_command,
    rollups_command,
    forecast_group,
    pilot_group,
    export_command,
    analytics_group,
]
