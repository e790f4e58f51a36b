"""One meaning of "N days": calendar days in the programme's time zone.

Every moment entering the core goes through `utc()` first, so the zone of the clock a caller
hands in (the acceptance till's local clock, production's UTC clock) can never change a result:
aware-datetime arithmetic in Python is wall-clock arithmetic in the value's own zone, so
`local + timedelta(days=180)` and `utc + timedelta(days=180)` differ by an hour across a DST
change. Day counts are therefore never done with timedelta on a moment, only on local dates:

- points earned on local day D with `expiry_days: N` are valid through the end of local day D+N
  (`expiry_moment`: the first instant of local day D+N+1);
- money paid on local day S counts toward the tier through the end of local day S+365
  (`window_start`: the first instant of local day D-365 for a purchase on day D);
- a purchase on local day D can be returned through the end of local day D+window_days.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

UTC = dt.UTC


@lru_cache(maxsize=64)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def utc(moment: dt.datetime) -> dt.datetime:
    """The same instant in UTC; a naive moment is refused (its zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the core needs a timezone-aware moment, not a naive one")
    return moment.astimezone(UTC)


def local_day(moment: dt.datetime, zone_name: str) -> dt.date:
    """The calendar day `moment` falls on in the programme's zone."""
    return utc(moment).astimezone(zone(zone_name)).date()


def start_of_day(day: dt.date, zone_name: str) -> dt.datetime:
    """The first instant (in UTC) of a local calendar day.

    Where a zone skips midnight (a DST change at 00:00), the wall time 00:00 does not exist and
    zoneinfo reads it with the offset before the change: the result is the day's first real
    instant rounded to the same hour, never an instant of the previous day.
    """
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone(zone_name)).astimezone(UTC)


def expiry_moment(earned_at: dt.datetime, days: int, zone_name: str) -> dt.datetime:
    """When points earned at `earned_at` stop being valid: the start of local day D+days+1."""
    return start_of_day(local_day(earned_at, zone_name) + dt.timedelta(days=days + 1), zone_name)


def window_start(at: dt.datetime, days: int, zone_name: str) -> dt.datetime:
    """The first instant still inside a `days`-day look-back from `at`: start of local day D-days."""
    return start_of_day(local_day(at, zone_name) - dt.timedelta(days=days), zone_name)
