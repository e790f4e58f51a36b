"""Purchase histories reduced to what the models read: (x, t_x, T) per customer.

The paper's set-up (Fader, Hardie & Lee 2005): purchases are counted per *day* (two receipts on
one day are one purchase), time runs in weeks (days / 7), `x` is the number of repeat purchase
days in the calibration period, `t_x` the time from the first to the last of them and `T` the
time from the first purchase to the end of calibration.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DAYS_PER_PERIOD = 7.0  # the models' time unit is a week


@dataclass(frozen=True)
class RFMSummary:
    """One row per customer; arrays aligned by position with `customers`."""

    customers: list[str]
    frequency: npt.NDArray[np.float64]  # x: repeat purchase days in calibration
    recency: npt.NDArray[np.float64]  # t_x in weeks
    age: npt.NDArray[np.float64]  # T in weeks
    monetary: npt.NDArray[np.float64]  # mean spend of the repeat purchase days (0 when x = 0)
    holdout_purchases: npt.NDArray[np.float64]  # purchase days after calibration, to holdout end
    holdout_weeks: float  # length of the holdout period (0 without one)
    holdout_weekly: npt.NDArray[np.float64]  # purchase days of the cohort in each holdout week

    def __len__(self) -> int:
        return len(self.customers)


def summarise(
    purchases: Iterable[tuple[str, dt.date, float]],
    calibration_end: dt.date,
    holdout_end: dt.date | None = None,
) -> RFMSummary:
    """(customer, day, amount) purchases -> per-customer RFM, calibration up to and including
    `calibration_end`, holdout after it up to and including `holdout_end`."""
    days: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for customer, day, amount in purchases:
        if holdout_end is not None and day > holdout_end:
            continue
        if holdout_end is None and day > calibration_end:
            continue
        days[customer][day] += amount
    customers, rows = [], []
    weekly: dict[int, int] = defaultdict(int)
    for customer, spend_by_day in days.items():
        calibration = sorted(d for d in spend_by_day if d <= calibration_end)
        if not calibration:
            continue  # first seen in the holdout: not part of the calibration cohort
        repeat = calibration[1:]
        for day in spend_by_day:
            if day > calibration_end:  # the day after calibration ends opens holdout week 0
                weekly[((day - calibration_end).days - 1) // 7] += 1
        customers.append(customer)
        rows.append(
            (
                len(repeat),
                (calibration[-1] - calibration[0]).days / DAYS_PER_PERIOD,
                (calibration_end - calibration[0]).days / DAYS_PER_PERIOD,
                float(np.mean([spend_by_day[d] for d in repeat])) if repeat else 0.0,
                sum(1 for d in spend_by_day if d > calibration_end),
            )
        )
    table = np.array(rows, dtype=np.float64).reshape(-1, 5)
    holdout_weeks = (holdout_end - calibration_end).days / DAYS_PER_PERIOD if holdout_end else 0.0
    per_week = np.array([weekly.get(w, 0) for w in range(int(np.ceil(holdout_weeks)))], dtype=np.float64)
    return RFMSummary(
        customers, table[:, 0], table[:, 1], table[:, 2], table[:, 3], table[:, 4], holdout_weeks, per_week
    )
