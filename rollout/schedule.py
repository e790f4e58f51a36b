"""Local wall-clock switch times -> UTC moments, one per store, in the store's own time zone."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rollout.errors import RolloutError

LOCAL_FORMAT = "%Y-%m-%d %H:%M"


def parse_local(text: str, *, field: str = "at") -> dt.datetime:
    """'2027-01-15 03:00' as a naive local wall-clock moment."""
    try:
        return dt.datetime.strptime(text.strip(), LOCAL_FORMAT)
    except ValueError:
        raise RolloutError(
            f"{field}: {text!r} is not a local time like '2027-01-15 03:00'", field=field
        ) from None


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; RolloutError when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RolloutError(
            f"unknown time zone {name!r} (use an IANA name like Europe/Moscow)", field="timezone"
        ) from None


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except RolloutError:
        return False
    return True


def utc_moment(local: dt.datetime, tz_name: str) -> dt.datetime:
    """The UTC instant at which a store in `tz_name` reads `local` on its wall clock. In a gap
    (a clock moved forward) or a fold, the first reading (fold=0) wins: a switch never happens
    twice, and for a 03:00 switch in Russia (no DST since 2014) the question never arises."""
    return local.replace(tzinfo=zone(tz_name)).astimezone(dt.UTC)


def local_reading(moment: dt.datetime, tz_name: str) -> dt.datetime:
    """What a store's wall clock shows at a UTC `moment`."""
    return moment.astimezone(zone(tz_name))
