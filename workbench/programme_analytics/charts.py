"""The dashboard's and the pilot page's charts, labelled in the request's language."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from matplotlib.figure import Figure

from analytics import charts
from analytics.kpi.cohorts import Cohort
from analytics.kpi.report import KPIReport
from analytics.pilot.evaluation import PilotEvaluation
from workbench.programme_analytics.labels import KPI_TITLES


def _floats(report: KPIReport, code: str) -> tuple[list, list[float | None]]:  # type: ignore[type-arg]
    points = report.series(code)
    return [p for p, _v in points], [None if v is None else float(v) for _p, v in points]


def members_figure(report: KPIReport) -> Figure:
    x, active = _floats(report, "active_members")
    _x, new = _floats(report, "new_members")
    return charts.line_chart(
        _("Active and new members"),
        _("Period start"),
        _("Members"),
        [
            charts.Line(str(KPI_TITLES["active_members"]), x, active),
            charts.Line(str(KPI_TITLES["new_members"]), x, new),
        ],
    )


def money_figure(report: KPIReport, currency: str) -> Figure:
    x, check = _floats(report, "average_check")
    _x, per_member = _floats(report, "sales_per_member")
    return charts.line_chart(
        _("Average check and sales per member"),
        _("Period start"),
        _("Money, %(currency)s", currency=currency),
        [
            charts.Line(str(KPI_TITLES["average_check"]), x, check),
            charts.Line(str(KPI_TITLES["sales_per_member"]), x, per_member),
        ],
    )


def liability_figure(report: KPIReport, currency: str) -> Figure:
    # Outstanding points are measured at each period's end; the axis shows the period's start.
    x, liability = _floats(report, "liability")
    return charts.line_chart(
        _("Points liability at period end"),
        _("Period start"),
        _("Liability, %(currency)s", currency=currency),
        [charts.Line(str(KPI_TITLES["liability"]), x, liability)],
    )


def members_chart(report: KPIReport) -> str:
    return charts.svg(members_figure(report))


def money_chart(report: KPIReport, currency: str) -> str:
    return charts.svg(money_figure(report, currency))


def liability_chart(report: KPIReport, currency: str) -> str:
    return charts.svg(liability_figure(report, currency))


def cohort_chart(cohorts: list[Cohort]) -> str:
    return charts.svg(
        charts.heat_map(
            _("Cohort retention"),
            _("Periods since the first purchase"),
            _("Cohort (first purchase)"),
            [c.start.isoformat()[:7] for c in cohorts],
            [[float(s) for s in c.shares] for c in cohorts],
            _("Share of the cohort active"),
        )
    )


def pilot_chart(evaluation: PilotEvaluation, currency: str) -> str:
    return charts.svg(
        charts.line_chart(
            _("Net sales per store and week: pilot vs control"),
            _("Week"),
            _("Net sales per store, %(currency)s", currency=currency),
            [
                charts.Line(_("Pilot stores (mean)"), evaluation.weeks, evaluation.pilot_sales),
                charts.Line(_("Control stores (mean)"), evaluation.weeks, evaluation.control_sales),
            ],
            marker=(evaluation.post[0], _("Pilot starts")),
        )
    )


def card_share_chart(report: KPIReport) -> str | None:
    """The share of sales with a card over time, in percent; None when no till totals cover the
    window (the chart would be empty)."""
    x, shares = _floats(report, "card_share")
    if all(v is None for v in shares):
        return None
    return charts.svg(
        charts.line_chart(
            _("Share of sales with a card"),
            _("Period start"),
            _("Card sales ÷ till totals, percent"),
            [charts.Line(str(KPI_TITLES["card_share"]), x, [None if v is None else v * 100 for v in shares])],
        )
    )


def forecast_chart(starts: list[dt.date], weekly: list[float]) -> str:
    """Expected purchases of the whole base per week ahead (BG/NBD)."""
    return charts.svg(
        charts.line_chart(
            _("Expected purchases per week (all members)"),
            _("Week starting"),
            _("Purchases (days with a purchase)"),
            [charts.Line(_("Expected, total %(total)s", total=f"{sum(weekly):,.0f}"), starts, weekly)],
        )
    )
