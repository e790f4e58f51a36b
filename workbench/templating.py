"""Jinja filters. Times are stored in UTC and shown in the zone of DISPLAY_TIMEZONE."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask import Flask, current_app

from loyalty_core.ledger.phone import mask_phone
from loyalty_core.money import money_str

DEFAULT_FORMAT = "%Y-%m-%d %H:%M"


def localtime(value: dt.datetime | None, fmt: str = DEFAULT_FORMAT) -> str:
    """`value` (UTC) as wall-clock time of the display zone; '' for None.

    A naive value is taken as UTC: that is what the database holds (see UTCDateTime), whereas
    the server's own zone says nothing about the people reading the page.
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    zone = zoneinfo.ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE") or "Europe/Moscow")
    return value.astimezone(zone).strftime(fmt)


def register_filters(app: Flask) -> None:
    """Make the filters available to every template of `app`."""
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(money_str, "money")
    app.add_template_filter(mask_phone, "masked")
