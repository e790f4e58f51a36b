"""BG/NBD and Gamma-Gamma: the paper's CDNOW figures, and what a member forecast promises."""

from __future__ import annotations

import time

import numpy as np
import pytest

from analytics.forecast import bgnbd, gamma_gamma
from analytics.forecast.summary import summarise
from tests.analytics.cdnow import CALIBRATION_END, HOLDOUT_END, cdnow_purchases


@pytest.fixture(scope="module")
def cdnow():  # type: ignore[no-untyped-def]
    return summarise(cdnow_purchases(), CALIBRATION_END, HOLDOUT_END)


def test_the_sample_is_set_up_as_the_paper_does(cdnow) -> None:  # type: ignore[no-untyped-def]
    assert len(cdnow) == 2357
    assert cdnow.holdout_weeks == 39.0  # weeks 40-78
    assert cdnow.holdout_purchases.sum() == 1882  # purchase days in the holdout
    assert len(cdnow.holdout_weekly) == 39 and cdnow.holdout_weekly.sum() == 1882  # per week, for the chart
    # A customer first seen on 1997-01-01 has T = 272 days = 38.86 weeks.
    assert cdnow.age.max() == pytest.approx(272 / 7)


def test_the_fit_reproduces_the_papers_parameters(cdnow) -> None:  # type: ignore[no-untyped-def]
    params = bgnbd.fit(cdnow.frequency, cdnow.recency, cdnow.age)
    assert f"{params.r:.3g}" == "0.243"
    assert f"{params.alpha:.4g}" == "4.414"
    assert f"{params.a:.3g}" == "0.793"
    assert f"{params.b:.4g}" == "2.426"


def test_conditional_holdout_purchases_match_the_reference(cdnow) -> None:  # type: ignore[no-untyped-def]
    params = bgnbd.fit(cdnow.frequency, cdnow.recency, cdnow.age)
    expected = bgnbd.conditional_expected_purchases(
        params, cdnow.holdout_weeks, cdnow.frequency, cdnow.recency, cdnow.age
    )
    assert expected.sum() == pytest.approx(1653, rel=0.005)
    weekly = bgnbd.expected_purchases_per_week(params, 39, cdnow.frequency, cdnow.recency, cdnow.age)
    assert weekly.sum() == pytest.approx(expected.sum())  # the chart's weeks add up to the total


def test_a_member_who_stopped_buying_is_less_likely_alive(cdnow) -> None:  # type: ignore[no-untyped-def]
    params = bgnbd.fit(cdnow.frequency, cdnow.recency, cdnow.age)
    x, T = np.array([5.0, 5.0, 0.0]), np.array([38.0, 38.0, 38.0])
    alive = bgnbd.probability_alive(params, x, np.array([37.0, 5.0, 0.0]), T)
    assert alive[0] > 0.8 > 0.2 > alive[1]  # bought lately vs. not since week 5
    assert alive[2] == 1.0  # no repeat purchase: no evidence of dropping out (the model's assumption)


def test_gamma_gamma_shrinks_a_members_spend_towards_the_mean(cdnow) -> None:  # type: ignore[no-untyped-def]
    params = gamma_gamma.fit(cdnow.frequency, cdnow.monetary)
    population = params.p * params.gamma / (params.q - 1)
    one, many = gamma_gamma.expected_average_value(params, np.array([1.0, 20.0]), np.array([100.0, 100.0]))
    assert population < one < many < 100.0
    assert 30 < population < 45  # CDNOW's mean repeat spend is about $35


def test_fitting_25000_members_takes_under_10_seconds() -> None:
    rng = np.random.default_rng(7)
    n = 25_000
    T = rng.uniform(10, 52, n)
    x = rng.poisson(rng.gamma(0.5, 1 / 3, n) * T).astype(np.float64)
    t_x = np.where(x > 0, T * rng.uniform(0.2, 1, n), 0.0)
    started = time.perf_counter()
    params = bgnbd.fit(x, np.round(t_x, 1), np.round(T, 1))
    assert time.perf_counter() - started < 10
    assert params.r > 0 and params.alpha > 0
