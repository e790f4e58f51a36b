"""Pilot against control on generated stores whose truth is known."""

from __future__ import annotations

import numpy as np

from analytics.pilot.did import Effect, diff_in_diff
from analytics.pilot.guardrail import Status, check_guardrails
from analytics.pilot.matching import StoreHistory, control_set, suggest_controls
from analytics.pilot.verdict import Finding, judge

PRE, POST = 26, 12


def stores_per_group(seed: int, lift: float, pilots: int = 5, controls: int = 10) -> tuple[np.ndarray, ...]:
    """Per store, the metric's mean over the pre and post weeks. Stores differ in size (x3),
    share a seasonal curve, have weekly noise (5%) and their own drift after the start (3%);
    the pilot stores' post weeks are multiplied by 1 + lift."""
    rng = np.random.default_rng(seed)
    n = pilots + controls
    size = rng.lognormal(13, 0.3, n)
    season = 1 + 0.1 * np.sin(np.arange(PRE + POST) / 4)
    weekly = size[:, None] * season[None, :] * np.exp(rng.normal(0, 0.05, (n, PRE + POST)))
    weekly[:, PRE:] *= np.exp(rng.normal(0, 0.03, n))[:, None]
    weekly[:pilots, PRE:] *= 1 + lift
    pre, post = weekly[:, :PRE].mean(axis=1), weekly[:, PRE:].mean(axis=1)
    return pre[:pilots], post[:pilots], pre[pilots:], post[pilots:]


def test_an_injected_8_percent_lift_is_recovered_within_its_interval() -> None:
    effect = diff_in_diff("average_check", *stores_per_group(seed=1, lift=0.08))
    assert effect.low <= 0.08 <= effect.high
    assert effect.low > 0  # and shown to be a lift
    assert judge(effect).finding is Finding.lift


def test_with_no_lift_the_interval_covers_zero_in_at_least_90_percent_of_200_seeds() -> None:
    covered = sum(
        effect.low <= 0 <= effect.high
        for effect in (
            diff_in_diff("sales", *stores_per_group(seed, lift=0.0), seed=seed) for seed in range(200)
        )
    )
    assert covered >= 180


def test_five_noisy_stores_are_told_plainly_they_cannot_show_a_small_effect() -> None:
    rng = np.random.default_rng(5)
    # Stores whose change varies by +-15% among themselves: 5 of them cannot see 3%.
    pilot_pre, control_pre = np.full(5, 100.0), np.full(5, 100.0)
    pilot_post, control_post = 100 * np.exp(rng.normal(0, 0.15, 5)), 100 * np.exp(rng.normal(0, 0.15, 5))
    verdict = judge(
        diff_in_diff("retention", pilot_pre, pilot_post, control_pre, control_post), material=0.03
    )
    assert verdict.finding is Finding.underpowered
    assert verdict.effect.mde > 0.03
    assert "cannot show an effect of the size that matters (3.0%)" in verdict.sentence()


def test_guardrail_breaches_passes_or_cannot_tell() -> None:
    drop = diff_in_diff("average_check", *stores_per_group(seed=2, lift=-0.15))
    flat = diff_in_diff("purchase_frequency", *stores_per_group(seed=3, lift=0.0))
    result = check_guardrails(
        [drop, flat], {"average_check": 0.05, "purchase_frequency": 0.05}, confidence=0.9
    )
    assert [c.status for c in result.checks] == [Status.breached, Status.passed]
    assert not result.passed
    # About a 2% drop, tested against a 1% guardrail, with stores spread +-3%: cannot be called.
    hundred = np.full(5, 100.0)
    pilot_post = 100 * np.exp(np.array([-0.05, -0.02, 0.01, -0.03, 0.0]))
    control_post = 100 * np.exp(np.array([0.01, -0.01, 0.0, 0.02, -0.02]))
    small = diff_in_diff("sales", hundred, pilot_post, hundred, control_post)
    (check,) = check_guardrails([small], {"sales": 0.01}).checks
    assert check.lower < -0.01 < check.upper and check.status is Status.inconclusive
    assert check_guardrails([small], {"sales": 0.01}).passed
    assert not check_guardrails([small], {"sales": 0.01}, block_inconclusive=True).passed


def _history(
    code: str, direction: str, pattern: np.ndarray, level: float, rng: np.random.Generator
) -> StoreHistory:
    noisy = {
        metric: level * scale * pattern * np.exp(rng.normal(0, 0.02, len(pattern)))
        for metric, scale in (("sales", 1000.0), ("checks", 1.0), ("active_members", 0.6))
    }
    return StoreHistory(code, direction, noisy)


def test_control_matching_chooses_the_truly_similar_stores() -> None:
    rng = np.random.default_rng(11)
    weeks = 20
    patterns = {name: 1 + 0.3 * np.sin(np.arange(weeks) / (2 + i) + i) for i, name in enumerate("ABC")}
    pilots = [
        _history(f"R00{i}", "retail", patterns[name], 500 + 100 * i, rng)
        for i, name in enumerate("ABC", start=1)
    ]
    twins = [
        _history(f"R1{i}", "retail", patterns[name], 510 + 100 * i, rng)
        for i, name in enumerate("ABC", start=1)
    ]
    others = [
        _history(
            f"R2{i:02d}",
            "retail",
            1 + 0.3 * np.sin(np.arange(weeks) / rng.uniform(1, 6) + rng.uniform(0, 6)),
            rng.uniform(300, 900),
            rng,
        )
        for i in range(20)
    ]
    # Exact twins the rules must refuse: another direction, and a store already in a wave.
    wholesale = _history("W001", "wholesale", patterns["A"], 600, rng)
    in_wave = _history("R099", "retail", patterns["B"], 700, rng)
    suggestions = suggest_controls(
        pilots, [*others, wholesale, in_wave, *twins], excluded={"R099"}, per_pilot=1
    )
    assert {pilot: m[0].control for pilot, m in suggestions.items()} == {
        "R001": "R11",
        "R002": "R12",
        "R003": "R13",
    }
    assert all(m[0].quality == "good" and m[0].correlation > 0.9 for m in suggestions.values())
    assert sorted(control_set(suggestions)) == ["R11", "R12", "R13"]


def test_the_guardrail_bounds_are_one_sided_and_ordered() -> None:
    effect: Effect = diff_in_diff("sales", *stores_per_group(seed=9, lift=0.0))
    assert effect.bound(0.9, "lower") < effect.lift < effect.bound(0.9, "upper")
    assert effect.low < effect.bound(0.9, "lower")  # the two-sided 95% interval is wider
