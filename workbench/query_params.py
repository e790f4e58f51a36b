"""Whole numbers read from URLs and query strings, bounded to what the database can hold.

Werkzeug's `<int:...>` and `request.args.get(..., type=int)` accept any number of digits; a
20-digit id or page made PostgreSQL (and SQLite) refuse the query with a 500. Ids are bounded
by the 32-bit id columns, page numbers by MAX_PAGE: beyond them there is nothing to show.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest value of an INTEGER id column
MAX_PAGE = 100_000


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` that matches only 0..MAX_ID: a larger number is no such page (404)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:  # noqa: A002 - Werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def bounded_int_arg(name: str, default: int, *, minimum: int = 1, maximum: int = MAX_ID) -> int:
    """The query argument `name` as a whole number clamped to minimum..maximum; `default` when it
    is missing or not a number (a bad page number shows a page, never an error)."""
    raw = request.args.get(name, "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return default
    return max(minimum, min(maximum, int(raw[:20])))  # 20 digits are past any bound already


def page_number(name: str = "page") -> int:
    """The page asked for, 1..MAX_PAGE (a page past the last one simply shows no entries)."""
    return bounded_int_arg(name, 1, maximum=MAX_PAGE)


def init_query_params(app: Flask) -> None:
    """Install the bounded `int` converter; call before the blueprints add their rules."""
    app.url_map.converters["int"] = BoundedIntegerConverter
