"""Jinja filters: times are stored in UTC and shown in the display time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from flask import Flask, current_app

from loyalty_core.ledger.phone import mask_phone
from loyalty_core.money import money_str


def localtime(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    zone = zoneinfo.ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "Europe/Moscow"))
    return value.astimezone(zone).strftime(fmt)


def register_filters(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(money_str, "money")
    app.add_template_filter(mask_phone, "masked")
