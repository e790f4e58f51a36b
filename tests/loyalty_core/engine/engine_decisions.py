"""Decisions of the engine on seeded random programmes and receipts, one line each, for the
comparison of the pure and the compiled engine (test_compiled_engine.py runs it as a script,
once in each, and compares the output line by line).

    python engine_decisions.py BASKETS SEED

The first line says which engine ran; every other line is the repr of a decision (exact
Decimals, every line, promotion and reason) or the refusal's message.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from typing import Any

from loyalty_core.config import ProgramConfig, parse_config
from loyalty_core.engine import Basket, BasketLine, MemberState, calculate, compiled_engine
from loyalty_core.errors import LoyaltyError

CATEGORIES = [f"c{n}" for n in range(12)] + ["tobacco"]
STORES = ["R001", "R002", "W001"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
KINDS = ["multiplier", "extra_points", "category_rate"]


def _conditions(rng: random.Random) -> dict[str, Any]:
    conditions: dict[str, Any] = {}
    if rng.random() < 0.8:
        conditions["categories"] = rng.sample(CATEGORIES, rng.randint(1, 3))
    if rng.random() < 0.3:
        conditions["date_from"], conditions["date_to"] = "2026-02-01", "2026-05-31"
    if rng.random() < 0.2:
        conditions["weekdays"] = rng.sample(WEEKDAYS, 3)
    if rng.random() < 0.2:
        conditions["stores"] = rng.sample(STORES, 2)
    if rng.random() < 0.15:
        conditions["directions"] = ["retail"]
    if rng.random() < 0.2:
        conditions["tiers"] = ["silver", "gold"]
    if rng.random() < 0.2:
        conditions["min_check"] = f"{rng.randint(100, 3000)}.00"
    if rng.random() < 0.1:
        conditions["birthday_window_days"] = rng.randint(0, 10)
    return conditions


def _promotion(rng: random.Random, number: int) -> dict[str, Any]:
    kind = rng.choice(KINDS)
    promotion: dict[str, Any] = {
        "code": f"P{number:03d}",
        "kind": kind,
        "priority": rng.randint(0, 20),
        "exclusive": rng.random() < 0.05,
        "conditions": _conditions(rng),
    }
    if kind == "category_rate" and "categories" not in promotion["conditions"]:
        promotion["conditions"]["categories"] = [rng.choice(CATEGORIES)]  # it must name them
    if kind == "multiplier":
        promotion["multiplier"] = rng.choice(["1.1", "1.5", "2", "0.75"])
    elif kind == "extra_points":
        promotion["points"] = rng.randint(1, 100)
    else:
        promotion["rate"] = rng.choice(["3", "6.5", "10"])
    return promotion


def programme(rng: random.Random, promotions: int) -> ProgramConfig:
    return parse_config(
        {
            "program": "Compared",
            "earn": {"base_rate": rng.choice([1, 3, 5]), "category_rates": {"c0": 7, "c1": "2.5"},
                     "excluded_categories": ["tobacco"]},
            "tiers": [
                {"code": "base", "threshold": "0"},
                {"code": "silver", "threshold": "5000", "multiplier": "1.25"},
                {"code": "gold", "threshold": "50000", "multiplier": "1.5"},
            ],
            "redemption": {"point_value": rng.choice(["1.00", "0.50"]), "max_share": 30, "min_points": 10},
            "rounding": rng.choice(["floor", "half_up", "half_even", "ceil"]),
            "expiry_days": 365,
            "promotions": [_promotion(rng, n) for n in range(promotions)],
        }
    )  # fmt: skip


def receipt(rng: random.Random) -> tuple[Basket, MemberState, dt.datetime]:
    lines = tuple(
        BasketLine(
            f"S{n}",
            rng.choice(CATEGORIES),
            Decimal(rng.choice(["1", "2", "0.355", "1.5"])),
            Decimal(rng.randint(1, 500_000)).scaleb(-rng.choice([0, 1, 2])),
        )
        for n in range(rng.randint(1, 12))
    )
    balance = rng.choice([0, 5, 50, 5_000, 100_000])
    basket = Basket(lines, rng.choice(STORES), rng.choice(["retail", "wholesale"]),
                    rng.choice([0, 0, 10, 37, 150, 100_000]))  # fmt: skip
    birthday = dt.date(1990, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.5 else None
    member = MemberState(balance, Decimal(rng.randint(0, 80_000)).scaleb(-2 * rng.randint(0, 1)), birthday)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randint(0, 200 * 24 * 60))
    return basket, member, at


def main(baskets: int, seed: int) -> None:
    rng = random.Random(seed)
    print(f"compiled: {compiled_engine()}")
    configs = [programme(rng, promotions) for promotions in (0, 5, 40, 200)]
    for _ in range(baskets):
        basket, member, at = receipt(rng)
        try:
            print(repr(calculate(basket, member, rng.choice(configs), at)))
        except LoyaltyError as refusal:
            print(f"refused: {refusal}")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
