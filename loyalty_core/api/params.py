"""Query parameters of the POS API, parsed exactly as the OpenAPI document describes them.

Each refusal is a 400 naming the parameter, so a till's integrator learns which one was wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from loyalty_core.errors import InvalidRequest
from loyalty_core.text import NUL

HISTORY_LIMIT_MIN = 1
HISTORY_LIMIT_MAX = 500
HISTORY_LIMIT_DEFAULT = 50
# RFC 3339 date-time (JSON Schema's "date-time"): a date, a time and a zone offset, nothing less.
DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII
)
# A history cursor as the ledger writes it: microseconds since 1970 (bounded so that every value
# the pattern admits is a real moment), a dot, and the transaction id's 32 hex digits.
CURSOR = re.compile(r"^(-\d{1,16}|\d{1,17})\.[0-9a-f]{32}$", re.ASCII)
_DIGITS = re.compile(r"^\d{1,9}$", re.ASCII)
_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


def text(args: Mapping[str, str], name: str) -> str | None:
    """A text parameter; None when absent. NUL is refused: the database cannot store it."""
    value = args.get(name)
    if value is not None and NUL in value:
        raise InvalidRequest(f"{name} must not contain the NUL character (U+0000)", field=name)
    return value


def history_limit(args: Mapping[str, str]) -> int:
    value = text(args, "limit")
    if value is None:
        return HISTORY_LIMIT_DEFAULT
    if not _DIGITS.fullmatch(value):
        raise InvalidRequest("limit must be an integer", field="limit")
    limit = int(value)
    if not HISTORY_LIMIT_MIN <= limit <= HISTORY_LIMIT_MAX:
        raise InvalidRequest(
            f"limit must be between {HISTORY_LIMIT_MIN} and {HISTORY_LIMIT_MAX}, not {limit}", field="limit"
        )
    return limit


def before(args: Mapping[str, str]) -> dt.datetime | None:
    """`before=`: an RFC 3339 timestamp with its offset, as UTC."""
    value = text(args, "before")
    if value is None:
        return None
    if not DATE_TIME.fullmatch(value):
        raise InvalidRequest(
            "before must be an ISO 8601 / RFC 3339 timestamp with a zone, like 2026-03-03T09:00:00Z",
            field="before",
        )
    try:
        moment = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidRequest(f"before is not a real moment: {value}", field="before") from None
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # a moment within hours of year 1 or 9999: outside any history
        return _EARLIEST if moment.year == 1 else _LATEST


def cursor(args: Mapping[str, str]) -> str | None:
    """`cursor=`: the `next` of the previous page, opaque to the till (the ledger decodes it)."""
    value = text(args, "cursor")
    if value is not None and not CURSOR.fullmatch(value):
        raise InvalidRequest("cursor is not a cursor this API returned as `next`", field="cursor")
    return value
