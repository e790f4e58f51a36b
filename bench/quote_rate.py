"""In-process quote rate of the points engine with 200 active promotions, on one core.

    .venv/bin/python bench/quote_rate.py [--promotions 200] [--seconds 3] [--repeats 5]

Builds a programme with N promotions active today (multipliers, extra points and category
rates targeting categories, weekdays, store groups, tiers and check sizes, as a marketing
calendar does; `--all-apply` makes every one apply, the worst case), a 12-line basket, and times
`loyalty_core.engine.calculate` in a tight loop. Prints quotes/s per repeat and the median.
Prints which engine ran: pure Python, or compiled by mypyc (`make engine`; `make clean-engine`
to go back). Targets: over 5,000 quotes/s (foundation issue); 12,000 with 20,000 as the aim
(issue 13).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from decimal import Decimal
from typing import Any

from loyalty_core.config import parse_config
from loyalty_core.engine import Basket, BasketLine, MemberState, calculate, compiled_engine

# A grocery assortment of 60 categories (departments x sub-categories); a receipt touches 12.
CATEGORIES = [
    f"{dept}.{sub}" for dept in ("dairy", "bakery", "meat", "fish", "produce", "drinks") for sub in range(10)
]


def programme(promotions: int, all_apply: bool) -> dict[str, Any]:
    """N promotions active today. Typical: each targets a few categories, a weekday, a store
    group or a tier, as a chain's marketing calendar does, so a receipt triggers a handful.
    All-apply (worst case): every promotion applies to every receipt."""
    promos = []
    for i in range(promotions):
        kind = ("multiplier", "extra_points", "category_rate")[i % 3]
        conditions: dict[str, Any] = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
        if all_apply:
            # Each targets one of the basket's categories, so every one of them applies.
            conditions["categories"] = [CATEGORIES[(i % 11) * 5]]
            promos.append(_promo(i, kind, conditions))
            continue
        conditions["categories"] = [CATEGORIES[(i * 7) % 60], CATEGORIES[(i * 13 + 5) % 60]]
        if i % 4 == 1:
            conditions["weekdays"] = [("mon", "tue", "wed", "thu", "fri", "sat", "sun")[i % 7]]
        if i % 5 == 2:
            conditions["stores"] = [f"R{n:03d}" for n in range(i % 9, 40, 9)]
        if i % 6 == 3:
            conditions["tiers"] = ["silver", "gold"]
        if i % 7 == 0:
            conditions["min_check"] = "500.00"
        promos.append(_promo(i, kind, conditions))
    return _document(promos)


def _promo(i: int, kind: str, conditions: dict[str, Any]) -> dict[str, Any]:
    promo: dict[str, Any] = {"code": f"P{i:03d}", "kind": kind, "priority": i % 50, "conditions": conditions}
    if kind == "multiplier":
        promo["multiplier"] = "1.1"
    elif kind == "extra_points":
        promo["points"] = 5
    else:
        promo["rate"] = 6
    return promo


def _document(promos: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "program": "Bench",
        "earn": {"base_rate": 5, "category_rates": {"dairy.0": 7}, "excluded_categories": ["tobacco"]},
        "tiers": [
            {"code": "base", "threshold": "0"},
            {"code": "silver", "threshold": "10000", "multiplier": "1.25"},
            {"code": "gold", "threshold": "50000", "multiplier": "1.5"},
        ],
        "redemption": {"point_value": "1.00", "max_share": 30, "min_points": 10},
        "expiry_days": 365,
        "promotions": promos,
    }


def basket() -> Basket:
    lines = tuple(
        BasketLine(
            f"SKU{i}",
            CATEGORIES[i * 5] if i < 11 else "tobacco",
            Decimal(1 + i % 3),
            Decimal(f"{37 + i * 53}.{i:02d}"),
        )
        for i in range(12)
    )
    return Basket(lines, "R001", "retail", redeem_points=150)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--promotions", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--all-apply", action="store_true", help="worst case: every promotion applies")
    args = parser.parse_args()

    config = parse_config(programme(args.promotions, args.all_apply))
    cart = basket()
    member = MemberState(balance=5000, spend_365=Decimal("12000.00"))
    at = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
    decision = calculate(cart, member, config, at)
    engine = "compiled (mypyc)" if compiled_engine() else "pure Python"
    print(
        f"{engine} engine; {args.promotions} promotions, {len(cart.lines)} lines: "
        f"{len(decision.applied)} applied, {len(decision.skipped)} not applied, "
        f"{decision.earned_points} points"
    )
    rates = []
    for repeat in range(args.repeats):
        count = 0
        start = time.perf_counter()
        deadline = start + args.seconds
        while time.perf_counter() < deadline:
            for _ in range(50):
                calculate(cart, member, config, at)
            count += 50
        rate = count / (time.perf_counter() - start)
        rates.append(rate)
        print(f"  repeat {repeat + 1}: {rate:,.0f} quotes/s")
    print(f"median: {statistics.median(rates):,.0f} quotes/s (target >= 12,000, aim 20,000)")


if __name__ == "__main__":
    main()
