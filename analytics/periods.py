"""Reporting periods (day, ISO week from Monday, calendar month) in UTC, numbered.

A period is an integer index counted from 1970 (days since 1970-01-01, weeks since Monday
1970-01-05, months since January 1970). The database computes the same index as Python, so rows
are grouped where they live, "the next period" is plain `+ 1` in SQL (retention joins on it),
and the numbers agree exactly on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import BigInteger, Integer, cast, extract, func
from sqlalchemy.sql.elements import ColumnElement

EPOCH = dt.date(1970, 1, 1)
FIRST_MONDAY = 4  # 1970-01-05, day 4, is the first Monday


class Period(str, Enum):
    day = "day"
    week = "week"
    month = "month"


def index_of(unit: Period, day: dt.date) -> int:
    """The index of the period holding `day`."""
    if unit is Period.month:
        return day.year * 12 + day.month - 1 - 1970 * 12
    days = (day - EPOCH).days
    return (days - FIRST_MONDAY) // 7 if unit is Period.week else days


def start_of(unit: Period, index: int) -> dt.date:
    """The first day of period `index`."""
    if unit is Period.month:
        year, month = divmod(index + 1970 * 12, 12)
        return dt.date(year, month + 1, 1)
    if unit is Period.week:
        return EPOCH + dt.timedelta(days=FIRST_MONDAY + 7 * index)
    return EPOCH + dt.timedelta(days=index)


def end_of(unit: Period, index: int) -> dt.date:
    """The first day after period `index`."""
    return start_of(unit, index + 1)


def sql_period_index(dialect: str, unit: Period, column: Any) -> ColumnElement[int]:
    """The period index of a UTC timestamp column, on PostgreSQL or SQLite.

    SQLite keeps the core's timestamps as UTC text; PostgreSQL holds timestamptz, read in UTC so
    the session's time zone cannot move a day. Dates after 1970 only (integer division).
    """
    if dialect == "postgresql":
        utc = func.timezone("UTC", column)
        if unit is Period.month:
            return cast(extract("year", utc) * 12 + extract("month", utc) - 1 - 1970 * 12, Integer)
        days: ColumnElement[int] = cast(func.floor(extract("epoch", column) / 86400), BigInteger)
    else:
        if unit is Period.month:
            year, month = (
                cast(func.strftime("%Y", column), Integer),
                cast(func.strftime("%m", column), Integer),
            )
            return year * 12 + month - 1 - 1970 * 12
        days = cast(func.strftime("%s", column), BigInteger) // 86400
    return (days - FIRST_MONDAY) // 7 if unit is Period.week else days
