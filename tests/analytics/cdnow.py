"""The CDNOW sample as the paper sets it up (calibration 1997-01-01..09-30, holdout to 1998-06-30)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

CDNOW = Path(__file__).resolve().parents[1] / "data" / "CDNOW_sample.txt"
CALIBRATION_END = dt.date(1997, 9, 30)
HOLDOUT_END = dt.date(1998, 6, 30)


def cdnow_purchases() -> Iterator[tuple[str, dt.date, float]]:
    """(customer, day, amount) rows of the sample (no header; columns: id, index, date, CDs, USD)."""
    for line in CDNOW.read_text().splitlines():
        customer, _index, day, _cds, amount = line.split()
        yield customer, dt.datetime.strptime(day, "%Y%m%d").date(), float(amount)
