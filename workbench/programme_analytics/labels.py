"""The words of the analytics pages in every language: KPI names, verdicts, chart labels.
Module-level strings are lazy so the catalogue extractor finds them and each request gets its
own language."""

from __future__ import annotations

from flask_babel import gettext as _

# N_ is one of the keywords pybabel extracts without options; here it is the lazy gettext.
from flask_babel import lazy_gettext as N_

from analytics.pilot.guardrail import Status
from analytics.pilot.verdict import Finding, Verdict

KPI_TITLES = {
    "active_members": N_("Active members"),
    "new_members": N_("New members"),
    "retention": N_("Retention"),
    "purchase_frequency": N_("Purchase frequency"),
    "average_check": N_("Average check"),
    "net_sales": N_("Net sales"),
    "sales_per_member": N_("Sales per member"),
    "sales_per_store": N_("Sales per store"),
    "card_share": N_("Share of sales with a card"),
    "points_issued": N_("Points issued"),
    "points_redeemed": N_("Points redeemed"),
    "points_expired": N_("Points expired"),
    "liability": N_("Points liability"),
    "breakage_rate": N_("Breakage rate"),
}

GUARDRAIL_STATUS = {
    Status.passed: N_("passed"),
    Status.inconclusive: N_("cannot tell"),
    Status.breached: N_("breached"),
}

# A suggested control store's match (analytics.pilot.matching.Match.quality).
MATCH_QUALITY = {"good": N_("good"), "fair": N_("fair"), "poor": N_("poor")}


def _pct(value: float) -> str:
    return f"{value:+.1%}"


def statement(verdict: Verdict) -> str:
    """The verdict on one KPI as a sentence in the request's language."""
    e = verdict.effect
    values = {
        "kpi": KPI_TITLES.get(e.metric, e.metric),
        "lift": _pct(e.lift),
        "low": _pct(e.low),
        "high": _pct(e.high),
        "level": f"{e.level:.0%}",
        "mde": f"{e.mde:.1%}",
        "material": f"{verdict.material:.1%}",
        "pilot": e.pilot_stores,
        "control": e.control_stores,
    }
    if verdict.finding is Finding.lift:
        return _(
            "%(kpi)s: the pilot raised it by %(lift)s (%(level)s interval %(low)s to %(high)s).", **values
        )
    if verdict.finding is Finding.drop:
        return _(
            "%(kpi)s: the pilot lowered it by %(lift)s (%(level)s interval %(low)s to %(high)s).", **values
        )
    if verdict.finding is Finding.no_effect:
        return _(
            "%(kpi)s: no effect shown, %(lift)s (%(level)s interval %(low)s to %(high)s); %(pilot)s "
            "pilot and "
            "%(control)s control stores would have shown %(mde)s or more.",
            **values,
        )
    return _(
        "%(kpi)s: %(pilot)s pilot and %(control)s control stores cannot show an effect of the size "
        "that matters "
        "(%(material)s): the smallest they can detect is %(mde)s. Measured %(lift)s (%(level)s "
        "interval %(low)s to "
        "%(high)s). Add stores or weeks.",
        **values,
    )


# The formulas of the KPIs as the DOCX report prints them (tests/workbench/test_document_layout.py
# checks they say what analytics.kpi.definitions' docstrings say, word for word, in English).
KPI_FORMULAS = {
    "active_members": N_("Active members = distinct members with at least one purchase in the period."),
    "new_members": N_(
        "New members = members enrolled in the period (grouped by the store that enrolled them)."
    ),
    "retention": N_(
        "Retention = members active in the period and again in the next one (in the same group) ÷ "
        "members active in the period. Unknown until the next period is over."
    ),
    "purchase_frequency": N_(
        "Purchase frequency = purchases ÷ active members (purchases per active member in the period)."
    ),
    "average_check": N_(
        "Average check = sum of purchase check totals ÷ purchases (returns are not checks and are "
        "not netted here; they lower net sales)."
    ),
    "net_sales": N_("Net sales = purchase check totals − returned amounts, for card (member) sales."),
    "sales_per_member": N_("Sales per member = net sales ÷ active members."),
    "points_issued": N_("Points issued = points earned − points reversed by returns."),
    "points_redeemed": N_("Points redeemed = points spent − points given back by returns."),
    "points_expired": N_("Points expired = points written off by expiry in the period."),
    "liability": N_(
        "Points liability = points outstanding at the period's end (sum of all members' balances) ×"
        " point value."
    ),
    "card_share": N_(
        "Share of sales with a card = card (member) net sales ÷ till totals (all net sales, with and "
        "without a card, as the stores' tills report them per day), over the store-days that have a "
        "till total. Not split by tier (a till total has none); empty without till totals."
    ),
    "breakage_rate": N_(
        "Breakage rate = points expired ÷ (points redeemed + points expired): the share of points "
        "leaving the programme in the period that left without being used."
    ),
}
