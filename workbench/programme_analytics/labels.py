"""The words of the analytics pages in every language: KPI names, verdicts, chart labels.
Module-level strings are lazy so the catalogue extractor finds them and each request gets its
own language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from analytics.pilot.guardrail import Status
from analytics.pilot.verdict import Finding, Verdict

KPI_TITLES = {
    "active_members": _l("Active members"),
    "new_members": _l("New members"),
    "retention": _l("Retention"),
    "purchase_frequency": _l("Purchase frequency"),
    "average_check": _l("Average check"),
    "net_sales": _l("Net sales"),
    "sales_per_member": _l("Sales per member"),
    "sales_per_store": _l("Sales per store"),
    "points_issued": _l("Points issued"),
    "points_redeemed": _l("Points redeemed"),
    "points_expired": _l("Points expired"),
    "liability": _l("Points liability"),
    "breakage_rate": _l("Breakage rate"),
}

GUARDRAIL_STATUS = {
    Status.passed: _l("passed"),
    Status.inconclusive: _l("cannot tell"),
    Status.breached: _l("breached"),
}


def _pct(value: float) -> str:
    return f"{value:+.1%}"


def statement(verdict: Verdict) -> str:
    """The verdict on one KPI as a sentence in the request's language."""
    e = verdict.effect
    values = {
        "kpi": KPI_TITLES.get(e.metric, e.metric), "lift": _pct(e.lift), "low": _pct(e.low), "high": _pct(e.high),
        "level": f"{e.level:.0%}", "mde": f"{e.mde:.1%}", "material": f"{verdict.material:.1%}",
        "pilot": e.pilot_stores, "control": e.control_stores,
    }
    if verdict.finding is Finding.lift:
        return _("%(kpi)s: the pilot raised it by %(lift)s (%(level)s interval %(low)s to %(high)s).", **values)
    if verdict.finding is Finding.drop:
        return _("%(kpi)s: the pilot lowered it by %(lift)s (%(level)s interval %(low)s to %(high)s).", **values)
    if verdict.finding is Finding.no_effect:
        return _("%(kpi)s: no effect shown, %(lift)s (%(level)s interval %(low)s to %(high)s); %(pilot)s pilot and "
                 "%(control)s control stores would have shown %(mde)s or more.", **values)
    return _("%(kpi)s: %(pilot)s pilot and %(control)s control stores cannot show an effect of the size that matters "
             "(%(material)s): the smallest they can detect is %(mde)s. Measured %(lift)s (%(level)s interval %(low)s to "
             "%(high)s). Add stores or weeks.", **values)
