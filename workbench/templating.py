"""Jinja filters. Times are stored in UTC and shown in the zone of DISPLAY_TIMEZONE; dates,
numbers, money and counted points follow the page's language (Flask-Babel / CLDR)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, current_app
from flask_babel import format_currency, format_date, format_decimal, get_locale, gettext, ngettext

from loyalty_core.ledger.phone import mask_phone
from workbench.i18n.labels import change_element_label, change_field_label, change_kind_label, status_label
from workbench.i18n.markers import N_

DEFAULT_CURRENCY = "RUB"  # the programme configuration's default currency (loyalty_core.config.schema)
# Date and time in tables: compact and sortable by eye. English keeps the ISO form the workbench
# always showed; other languages take their CLDR "short" pattern ("04.12.2026, 16:40" in Russian).
_DATETIME_PATTERNS = {"en": "yyyy-MM-dd HH:mm"}
_DATE_PATTERNS = {"en": "yyyy-MM-dd"}


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE") or "Europe/Moscow")


def _as_utc(value: dt.datetime) -> dt.datetime:
    # A naive value is UTC: that is what the database holds (see UTCDateTime), whereas the
    # server's own zone says nothing about the people reading the page.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def localtime(value: dt.datetime | None, fmt: str | None = None) -> str:
    """`value` (UTC) as wall-clock time of the display zone, in the page's language; '' for None.
    An explicit strftime `fmt` (e.g. "%H:%M:%S" for the audit log) is kept as given."""
    if value is None:
        return ""
    local = _as_utc(value).astimezone(_zone())
    if fmt is not None:
        return local.strftime(fmt)
    locale = get_locale()
    language = locale.language if locale is not None else "en"
    return babel_format_datetime(
        local, _DATETIME_PATTERNS.get(language, "short"), tzinfo=local.tzinfo, locale=locale
    )


def short_date(value: dt.date | None) -> str:
    """A date in a table: "2026-09-14" in English (as always shown), "14.09.2026" in Russian."""
    if value is None:
        return ""
    locale = get_locale()
    language = locale.language if locale is not None else "en"
    return str(format_date(value, _DATE_PATTERNS.get(language, "short")))


def long_date(value: dt.date | dt.datetime | None) -> str:
    """A date as people write it: "4 декабря 2026 г." / "December 4, 2026"; '' for None.
    A datetime is first moved to the display zone (its calendar day there)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _as_utc(value).astimezone(_zone()).date()
    return str(format_date(value, "long"))


def money(value: Decimal | int | str | None, currency: str = DEFAULT_CURRENCY) -> str:
    """An amount in the page's language: "1 234,50 ₽" / "RUB 1,234.50"; '' for None."""
    if value is None:
        return ""
    return str(format_currency(Decimal(value), currency))


def number(value: Decimal | int | float | None) -> str:
    """A number with the language's grouping and decimal sign ("1 234,5" / "1,234.5")."""
    return "" if value is None else str(format_decimal(value))


def points(value: int) -> str:
    """A count of points with the right plural: 1 балл, 2 балла, 5 баллов / 1 point, 5 points."""
    return str(ngettext("%(count)s point", "%(count)s points", int(value), count=format_decimal(int(value))))


_DIRECTIONS = {"retail": N_("retail"), "wholesale": N_("wholesale")}


def run_summary(run: Any) -> str:
    """An acceptance run's counts in the page's language ("3 passed, 1 failed" / "пройдено: 3,
    не пройдено: 1"); zero counts beyond passed and failed are left out, as in `summary_line`,
    which the CLI keeps printing in English for scripts."""
    counts = [
        (run.passed, gettext("%(count)s passed", count=run.passed)),
        (run.failed, gettext("%(count)s failed", count=run.failed)),
        (run.skipped, gettext("%(count)s skipped", count=run.skipped)),
        (run.undefined, gettext("%(count)s undefined", count=run.undefined)),
        (run.errors, gettext("%(count)s errors", count=run.errors)),
    ]
    return ", ".join(str(text) for n, (count, text) in enumerate(counts) if n < 2 or count)


def direction(value: str) -> str:
    """A direction (розница/опт) as people read it in the current language; unknown values as they are."""
    return str(gettext(_DIRECTIONS[value])) if value in _DIRECTIONS else value


def translate(msgid: str) -> str:
    """`msgid` (an enum label, a stage name) in the current language, as plain text: unlike
    `_()` in a template, whose result is markup, it is escaped like any other value."""
    return str(gettext(msgid))


def register_filters(app: Flask) -> None:
    """Make the filters available to every template of `app`."""
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(short_date, "short_date")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(money, "money")
    app.add_template_filter(number, "number")
    app.add_template_filter(points, "points")
    app.add_template_filter(mask_phone, "masked")
    app.add_template_filter(direction, "direction")
    app.add_template_filter(translate, "t")
    app.add_template_filter(run_summary, "run_summary")
    app.add_template_filter(status_label, "status_label")
    app.add_template_filter(change_kind_label, "change_kind")
    app.add_template_filter(change_element_label, "change_element")
    app.add_template_filter(change_field_label, "change_field")
