"""The points math of DESIGN.md, rule by rule (the numbers in comments are the rule numbers)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache

from loyalty_core.config.schema import ProgramConfig, PromotionKind
from loyalty_core.engine.basket import (
    AppliedPromotion,
    Basket,
    Decision,
    LineDecision,
    MemberState,
    SkippedPromotion,
)
from loyalty_core.engine.promotions import describe_effect, evaluate
from loyalty_core.errors import BusinessRuleViolation, InvalidRequest
from loyalty_core.money import ZERO, allocate_money, largest_remainder, money_str, round_points

HUNDRED = Decimal(100)
ONE = Decimal(1)


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def max_redeemable(check_total: Decimal, balance: int, config: ProgramConfig) -> int:
    """Rule 1: min(balance, floor(check_total * max_share% / point_value)), 0 below min_points."""
    rules = config.redemption
    by_share = int((check_total * rules.max_share / HUNDRED / rules.point_value).to_integral_value(ROUND_FLOOR))
    limit = max(0, min(balance, by_share))
    return limit if limit >= rules.min_points else 0


def calculate(basket: Basket, member: MemberState, config: ProgramConfig, at: dt.datetime) -> Decision:
    """Decide the points of one receipt. Raises BusinessRuleViolation for a refused redemption."""
    if not basket.lines:
        raise InvalidRequest("a receipt needs at least one line", field="lines")
    if at.tzinfo is None:
        raise ValueError("calculate needs a timezone-aware moment")
    total = basket.total

    # 1. Redemption first.
    limit = max_redeemable(total, member.balance, config)
    asked = basket.redeem_points
    if asked < 0:
        raise InvalidRequest("redeem_points must not be negative", field="redeem_points")
    if asked > limit:
        raise BusinessRuleViolation(
            _redeem_refusal(asked, limit, total, member.balance, config),
            field="redeem_points",
            max_redeemable=limit,
        )
    if 0 < asked < config.redemption.min_points:
        raise BusinessRuleViolation(
            f"at least {config.redemption.min_points} points must be redeemed at once (asked {asked})",
            field="redeem_points",
            max_redeemable=limit,
        )
    amounts = [line.amount for line in basket.lines]
    redeemed_value = asked * config.redemption.point_value
    value_shares = allocate_money(redeemed_value, amounts)
    point_shares = largest_remainder(asked, amounts)

    # 7. Tier, from spend before this purchase.
    tier = config.tier_for(member.spend_365)
    tier_multiplier = tier.multiplier if tier else ONE

    # 3. Line rates before promotions.
    rates = [config.line_rate(line.category) for line in basket.lines]
    excluded = [line.category in config.earn.excluded_categories for line in basket.lines]
    multipliers = [ONE] * len(basket.lines)
    rate_replaced = [False] * len(basket.lines)
    extra = 0

    # 4. Promotions by priority, highest first; an exclusive one stops all lower ones.
    local_now = at.astimezone(_zone(config.timezone))
    applied: list[AppliedPromotion] = []
    skipped: list[SkippedPromotion] = []
    ordered = sorted(enumerate(config.promotions), key=lambda pair: (-pair[1].priority, pair[0]))
    stopped_by: str | None = None
    for _, promo in ordered:
        if stopped_by:
            skipped.append(SkippedPromotion(promo.code, f"stopped by exclusive promotion {stopped_by}"))
            continue
        verdict = evaluate(promo, basket, local_now, tier.code if tier else None, member.birthday)
        if not verdict.applies:
            skipped.append(SkippedPromotion(promo.code, verdict.reason))
            continue
        affected = verdict.lines
        if promo.kind is PromotionKind.multiplier:
            assert promo.multiplier is not None
            for i in affected:
                multipliers[i] *= promo.multiplier
        elif promo.kind is PromotionKind.category_rate:
            assert promo.rate is not None
            # Exclusions are absolute; a higher-priority category rate already set wins.
            affected = tuple(i for i in affected if not excluded[i] and not rate_replaced[i])
            for i in affected:
                rates[i] = promo.rate
                rate_replaced[i] = True
        else:
            assert promo.points is not None
            extra += promo.points
        applied.append(
            AppliedPromotion(
                code=promo.code,
                name=promo.name,
                kind=promo.kind.value,
                priority=promo.priority,
                exclusive=promo.exclusive,
                reason=f"{describe_effect(promo)}: {verdict.reason}",
                lines=tuple(i + 1 for i in affected) if promo.kind is not PromotionKind.extra_points else (),
                extra_points=promo.points or 0,
            )
        )
        if promo.exclusive:
            stopped_by = promo.code

    # 2 and 5. Earn on what was paid with money, round once per receipt, allocate to lines.
    bases = [line.amount - share for line, share in zip(basket.lines, value_shares)]
    raws = [
        base * rates[i] / HUNDRED * tier_multiplier * multipliers[i] for i, base in enumerate(bases)
    ]
    receipt_points = round_points(sum(raws, ZERO), config.rounding.value) + extra
    weights = raws if any(r > 0 for r in raws) else bases
    line_points = largest_remainder(receipt_points, weights)

    lines = tuple(
        LineDecision(
            index=i + 1,
            sku=line.sku,
            category=line.category,
            quantity=line.quantity,
            amount=line.amount,
            redeemed_points=point_shares[i],
            redeemed_value=value_shares[i],
            earn_base=bases[i],
            rate=rates[i],
            multiplier=tier_multiplier * multipliers[i],
            raw_points=raws[i],
            points=line_points[i],
        )
        for i, line in enumerate(basket.lines)
    )
    return Decision(
        check_total=total,
        tier=tier.code if tier else None,
        tier_multiplier=tier_multiplier,
        balance_before=member.balance,
        max_redeemable=limit,
        redeemed_points=asked,
        redeemed_value=redeemed_value,
        earned_points=receipt_points,
        extra_points=extra,
        lines=lines,
        applied=tuple(applied),
        skipped=tuple(skipped),
    )


def _redeem_refusal(asked: int, limit: int, total: Decimal, balance: int, config: ProgramConfig) -> str:
    rules = config.redemption
    share_cap = int((total * rules.max_share / HUNDRED / rules.point_value).to_integral_value(ROUND_FLOOR))
    if limit == 0 and min(balance, share_cap) < rules.min_points and min(balance, share_cap) > 0:
        why = f"below the minimum of {rules.min_points} points that can be redeemed"
        return f"cannot redeem {asked} points: at most {min(balance, share_cap)} are available, {why}"
    if balance < share_cap:
        return f"cannot redeem {asked} points: the balance is {balance}"
    return (
        f"cannot redeem {asked} points: at most {limit} points "
        f"({_pct(rules.max_share)}% of the check {money_str(total)} at {money_str(rules.point_value)} per point)"
    )


def _pct(value: Decimal) -> str:
    return format(value.normalize(), "f")
