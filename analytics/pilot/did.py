"""Difference-in-differences of a pilot group against its control group, per store.

For each store the metric's change is log(post ÷ pre); the effect is the pilot stores' mean
change minus the control stores' mean change, reported as a relative lift exp(δ) − 1. Working
in logs makes a +8% lift the same number in a large and a small store.

Uncertainty comes from the stores (the unit that was chosen to pilot), by a bootstrap over
stores: pilot and control stores are resampled separately. With 5 stores a plain bootstrap
understates the spread (it sees n−1 degrees of freedom as n), so each group's deviations from
its mean are inflated by √(n/(n−1)) before resampling, and the interval uses the bootstrap
spread with Student's t rather than the normal quantiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import stats

Array = npt.NDArray[np.float64]
DRAWS = 4000
POWER = 0.8


@dataclass(frozen=True)
class Effect:
    metric: str
    lift: float  # relative, 0.08 = +8%
    low: float  # confidence interval of the lift
    high: float
    level: float
    mde: float  # smallest lift the design detects with 80% power at this level (relative)
    pilot_stores: int
    control_stores: int
    log_draws: Array = field(repr=False, compare=False)  # bootstrap draws of δ (for the guardrail)

    @property
    def significant(self) -> bool:
        return self.low > 0 or self.high < 0

    def bound(self, confidence: float, side: str) -> float:
        """One-sided bound of the lift at `confidence`: 'lower' or 'upper'."""
        q = 1 - confidence if side == "lower" else confidence
        return float(np.expm1(np.quantile(self.log_draws, q)))


def _changes(pre: Array, post: Array) -> Array:
    if (pre <= 0).any() or (post <= 0).any():
        raise ValueError("every store needs a positive value before and after the start to compare changes")
    return np.log(post / pre)


def _inflated(changes: Array) -> Array:
    n = len(changes)
    return changes.mean() + (changes - changes.mean()) * np.sqrt(n / (n - 1))


def _welch_df(pilot: Array, control: Array) -> float:
    vp, vc = pilot.var(ddof=1) / len(pilot), control.var(ddof=1) / len(control)
    denominator = vp**2 / (len(pilot) - 1) + vc**2 / (len(control) - 1)
    return float((vp + vc) ** 2 / denominator) if denominator > 0 else float(len(pilot) + len(control) - 2)


def diff_in_diff(
    metric: str,
    pilot_pre: Array,
    pilot_post: Array,
    control_pre: Array,
    control_post: Array,
    level: float = 0.95,
    seed: int = 0,
) -> Effect:
    """The pilot's relative lift on `metric` with its bootstrap interval and the design's MDE.
    Arrays hold one value per store (the metric over the pre or post weeks)."""
    pilot, control = _changes(pilot_pre, pilot_post), _changes(control_pre, control_post)
    if len(pilot) < 2 or len(control) < 2:
        raise ValueError("difference-in-differences needs at least 2 pilot and 2 control stores")
    delta = float(pilot.mean() - control.mean())
    rng = np.random.default_rng(seed)
    p, c = _inflated(pilot), _inflated(control)
    draws = p[rng.integers(0, len(p), (DRAWS, len(p)))].mean(axis=1) - c[
        rng.integers(0, len(c), (DRAWS, len(c)))
    ].mean(axis=1)
    spread = float(draws.std(ddof=1))
    t = float(stats.t.ppf(0.5 + level / 2, _welch_df(pilot, control)))
    mde = (t + float(stats.norm.ppf(POWER))) * spread
    return Effect(
        metric,
        float(np.expm1(delta)),
        float(np.expm1(delta - t * spread)),
        float(np.expm1(delta + t * spread)),
        level,
        float(np.expm1(mde)),
        len(pilot),
        len(control),
        draws - draws.mean() + delta,
    )
