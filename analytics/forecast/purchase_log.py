"""Reading an external purchase log (a client's history before any programme runs).

The file is comma or whitespace separated with a header line; the caller names the customer and
date columns (and optionally an amount column). Bad rows are refused with their line number.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

_WHITESPACE = re.compile(r"\s+")


class PurchaseLogError(ValueError):
    """A purchase log that cannot be read; the message names the line or column."""


def _split(line: str, comma: bool) -> list[str]:
    if comma:
        return next(csv.reader([line]))
    return _WHITESPACE.split(line.strip())


def read_purchase_log(
    path: Path,
    customer_column: str,
    date_column: str,
    date_format: str = "%Y-%m-%d",
    amount_column: str | None = None,
) -> Iterator[tuple[str, dt.date, float]]:
    """(customer, day, amount) per row; amount is 0 when no amount column is named."""
    with path.open(encoding="utf-8-sig") as handle:
        header_line = handle.readline()
        comma = "," in header_line
        header = [name.strip() for name in _split(header_line, comma)]
        wanted = [customer_column, date_column] + ([amount_column] if amount_column else [])
        missing = [name for name in wanted if name not in header]
        if missing:
            raise PurchaseLogError(
                f"{path.name}: no column {', '.join(missing)} (columns: {', '.join(header)})"
            )
        ci, di = header.index(customer_column), header.index(date_column)
        ai = header.index(amount_column) if amount_column else None
        for number, line in enumerate(handle, start=2):
            if not line.strip():
                continue
            yield _row(_split(line, comma), number, ci, di, ai, date_format, path.name)


def _row(
    cells: list[str], number: int, ci: int, di: int, ai: int | None, date_format: str, name: str
) -> tuple[str, dt.date, float]:
    try:
        day = dt.datetime.strptime(cells[di].strip(), date_format).date()
        amount = float(cells[ai]) if ai is not None else 0.0
        return cells[ci].strip(), day, amount
    except (IndexError, ValueError) as error:
        raise PurchaseLogError(f"{name} line {number}: {error}") from None
