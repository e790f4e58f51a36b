"""Choosing control stores: for each pilot store, the stores of the same direction, in no wave,
whose pre-pilot weekly sales, checks and active members moved most like the pilot store's.

Similarity of two stores over one metric combines the two things test-and-learn tools look at:
- correlation of the weekly series (do they rise and fall together), and
- scaled distance: mean |pilot − control| ÷ mean pilot (are they of the same size).
score = mean over metrics of ½·correlation + ½·(1 − min(1, scaled distance)); 1 is a perfect twin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Series = npt.NDArray[np.float64]
MATCH_METRICS = ("sales", "checks", "active_members")
GOOD, FAIR = 0.8, 0.6  # score thresholds of the quality labels


@dataclass(frozen=True)
class StoreHistory:
    code: str
    direction: str
    weekly: Mapping[str, Series]  # metric -> pre-pilot weekly values, aligned across stores


@dataclass(frozen=True)
class Match:
    pilot: str
    control: str
    correlation: float  # mean over the metrics
    scaled_distance: float  # mean over the metrics
    score: float

    @property
    def quality(self) -> str:
        """good / fair / poor, for people who will not read the score."""
        return "good" if self.score >= GOOD else "fair" if self.score >= FAIR else "poor"


def _correlation(a: Series, b: Series) -> float:
    if a.std() == 0 or b.std() == 0:
        return 0.0  # a flat series tells nothing about moving together
    return float(np.corrcoef(a, b)[0, 1])


def _scaled_distance(pilot: Series, control: Series) -> float:
    scale = float(np.abs(pilot).mean())
    return float(np.abs(pilot - control).mean() / scale) if scale else 1.0


def similarity(pilot: StoreHistory, control: StoreHistory, metrics: Iterable[str] = MATCH_METRICS) -> Match:
    correlations, distances = [], []
    for metric in metrics:
        a, b = pilot.weekly[metric], control.weekly[metric]
        correlations.append(_correlation(a, b))
        distances.append(_scaled_distance(a, b))
    correlation, distance = float(np.mean(correlations)), float(np.mean(distances))
    score = float(
        np.mean([0.5 * c + 0.5 * (1 - min(1.0, d)) for c, d in zip(correlations, distances, strict=True)])
    )
    return Match(pilot.code, control.code, correlation, distance, score)


def suggest_controls(
    pilots: Iterable[StoreHistory],
    candidates: Iterable[StoreHistory],
    excluded: Iterable[str] = (),
    per_pilot: int = 2,
) -> dict[str, list[Match]]:
    """The best `per_pilot` matches of each pilot store among `candidates` of its direction,
    leaving out `excluded` stores (those already in a wave) and the pilot stores themselves."""
    pilot_list = list(pilots)
    barred = set(excluded) | {p.code for p in pilot_list}
    pool = [c for c in candidates if c.code not in barred]
    suggestions = {}
    for pilot in pilot_list:
        matches = [similarity(pilot, c) for c in pool if c.direction == pilot.direction]
        suggestions[pilot.code] = sorted(matches, key=lambda m: (-m.score, m.control))[:per_pilot]
    return suggestions


def control_set(suggestions: Mapping[str, list[Match]]) -> list[str]:
    """The distinct control stores of all suggestions, best first."""
    seen: dict[str, float] = {}
    for matches in suggestions.values():
        for match in matches:
            seen[match.control] = max(seen.get(match.control, -1.0), match.score)
    return sorted(seen, key=lambda code: (-seen[code], code))
