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
from loyalty_core.engine.promotions import ContextEntry, compiled, index_categories
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
    multipliers: list[Decimal] = [ONE] * len(basket.lines)
    rate_replaced = [False] * len(basket.lines)
    extra = 0

    # 4. Promotions by priority, highest first; an exclusive one stops all lower ones.
    today = at.astimezone(_zone(config.timezone)).date()
    by_category = index_categories(basket)
    all_lines = tuple(range(len(basket.lines)))
    context = compiled(config).in_context(today, basket.store_code, basket.direction, tier.code if tier else None)
    entries = context.entries
    applied: list[AppliedPromotion] = []
    refused: dict[int, SkippedPromotion] = {}
    stopped_at: int | None = None
    # Only the promotions open to this context and targeting the basket's categories can apply;
    # the rest are refused by the context or by "no line in categories" (listed below).
    for position in context.candidates(by_category):
        cp, _, context_held = entries[position]
        why_not, basket_held, affected = cp.check_basket(total, by_category, all_lines, today, member.birthday)
        if why_not is not None:
            refused[position] = SkippedPromotion(cp.code, why_not)
            continue
        if cp.kind is PromotionKind.multiplier:
            assert cp.multiplier is not None
            for i in affected:
                multipliers[i] *= cp.multiplier
        elif cp.kind is PromotionKind.category_rate:
            assert cp.rate is not None
            # Exclusions are absolute; a higher-priority category rate already set wins. A
            # category rate left with no line to re-rate changes nothing: it does not apply
            # (and so, if exclusive, stops nothing).
            affected = tuple(i for i in affected if not excluded[i] and not rate_replaced[i])
            if not affected:
                refused[position] = SkippedPromotion(
                    cp.code, "no line to re-rate: its lines are excluded or re-rated by a higher promotion"
                )
                continue
            for i in affected:
                rates[i] = cp.rate
                rate_replaced[i] = True
        else:
            extra += cp.points
        applied.append(
            AppliedPromotion(
                code=cp.code,
                name=cp.name,
                kind=cp.kind.value,
                priority=cp.priority,
                exclusive=cp.exclusive,
                effect=cp.effect,
                held=context_held + tuple(basket_held) if basket_held else context_held,
                lines=tuple(i + 1 for i in affected) if cp.kind is not PromotionKind.extra_points else (),
                extra_points=cp.points,
            )
        )
        if cp.exclusive:
            stopped_at = position
            break
    skipped = _not_applied(entries, refused, {a.code for a in applied}, stopped_at)

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


def _not_applied(
    entries: tuple[ContextEntry, ...],
    refused: dict[int, SkippedPromotion],
    applied: set[str],
    stopped_at: int | None,
) -> tuple[SkippedPromotion, ...]:
    """Every promotion that did not apply, in evaluation order, with its reason."""
    if stopped_at is None:
        stopped_at = len(entries)
    else:
        stop = f"stopped by exclusive promotion {entries[stopped_at][0].code}"
    out = [
        context_refusal or refused.get(position) or cp.no_line
        for position, (cp, context_refusal, _) in enumerate(entries[:stopped_at])
        if cp.code not in applied
    ]
    out.extend(SkippedPromotion(cp.code, stop) for cp, _, _ in entries[stopped_at + 1 :])
    return tuple(out)


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
