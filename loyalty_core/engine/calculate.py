"""The points math of DESIGN.md, rule by rule (the numbers in comments are the rule numbers)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import NamedTuple

from loyalty_core.config.schema import ProgramConfig, Tier
from loyalty_core.engine.basket import (
    AppliedPromotion,
    Basket,
    Decision,
    LineDecision,
    MemberState,
    SkippedPromotion,
)
from loyalty_core.engine.promotions import CompiledProgramme, Context, compiled, index_categories
from loyalty_core.errors import BusinessRuleViolation, InvalidRequest
from loyalty_core.money import (
    ZERO,
    integer_weights,
    largest_remainder,
    money_str,
    round_points,
    split,
    to_cents_int,
)

_new_tuple = tuple.__new__
HUNDRED = Decimal(100)
NO_MONEY = Decimal("0.00")
ONE = Decimal(1)


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def max_redeemable(check_total: Decimal, balance: int, config: ProgramConfig) -> int:
    """Rule 1: min(balance, floor(check_total * max_share% / point_value)), 0 below min_points."""
    rules = config.redemption
    by_share = int(
        (check_total * rules.max_share / HUNDRED / rules.point_value).to_integral_value(ROUND_FLOOR)
    )
    limit = max(0, min(balance, by_share))
    return limit if limit >= rules.min_points else 0


def calculate(basket: Basket, member: MemberState, config: ProgramConfig, at: dt.datetime) -> Decision:
    """Decide the points of one receipt. Raises BusinessRuleViolation for a refused redemption.

    One step per rule of the README's points math, in the order they run.
    """
    _check_receipt(basket, at)
    redemption = _redemption_first(basket, member, config)  # 1
    tier, tier_multiplier = _tier(member, config)  # 7 (before the purchase: the rules below use it)
    programme = compiled(config)
    rates, excluded = _line_rates(basket, programme)  # 3
    promotions = _promotions(
        basket, redemption.total, member, config, programme, tier, at, rates, excluded
    )  # 4
    bases = _earn_bases(basket, redemption.value_shares)  # 2
    raws, receipt_points, line_points = _receipt_points(
        bases, rates, promotions, tier_multiplier, config
    )  # 5
    lines = tuple(
        # Positional, straight to tuple.__new__ (field order as declared): one per line per quote.
        _new_tuple(
            LineDecision,
            (
                i + 1,
                line.sku,
                line.category,
                line.quantity,
                line.amount,
                redemption.point_shares[i],
                redemption.value_shares[i],
                bases[i],
                rates[i],
                tier_multiplier * promotions.multipliers[i],
                raws[i],
                line_points[i],
            ),
        )
        for i, line in enumerate(basket.lines)
    )
    return Decision(
        check_total=redemption.total,
        tier=tier.code if tier else None,
        tier_multiplier=tier_multiplier,
        balance_before=member.balance,
        max_redeemable=redemption.limit,
        redeemed_points=redemption.points,
        redeemed_value=redemption.value,
        earned_points=receipt_points,
        extra_points=promotions.extra,
        lines=lines,
        applied=promotions.applied,
        skipped=promotions.skipped,
    )


def _check_receipt(basket: Basket, at: dt.datetime) -> None:
    if not basket.lines:
        raise InvalidRequest("a receipt needs at least one line", field="lines")
    if at.tzinfo is None:
        raise ValueError("calculate needs a timezone-aware moment")
    if basket.redeem_points < 0:
        raise InvalidRequest("redeem_points must not be negative", field="redeem_points")


class _Redemption(NamedTuple):
    total: Decimal
    limit: int
    points: int
    value: Decimal
    value_shares: list[Decimal]
    point_shares: list[int]


def _redemption_first(basket: Basket, member: MemberState, config: ProgramConfig) -> _Redemption:
    """Rule 1: check the points asked for against max_redeemable and min_points, then split the
    redeemed value (to the cent) and points over the lines by amount, largest remainder."""
    total = basket.total
    limit = max_redeemable(total, member.balance, config)
    asked = basket.redeem_points
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
    value = asked * config.redemption.point_value
    if not asked:
        return _Redemption(total, limit, 0, value, [NO_MONEY] * len(basket.lines), [0] * len(basket.lines))
    by_amount = integer_weights([line.amount for line in basket.lines])  # once for both splits
    value_shares = [Decimal(c).scaleb(-2) for c in split(to_cents_int(value), by_amount)]
    return _Redemption(total, limit, asked, value, value_shares, split(asked, by_amount))


def _earn_bases(basket: Basket, value_shares: list[Decimal]) -> list[Decimal]:
    """Rule 2: no points are earned on the part of a line paid with points."""
    return [line.amount - share for line, share in zip(basket.lines, value_shares, strict=True)]


def _line_rates(basket: Basket, programme: CompiledProgramme) -> tuple[list[Decimal], list[bool]]:
    """Rule 3: the category's rate, else the base rate; excluded categories are flagged (their
    rate is 0 in the compiled programme, and no promotion lifts it)."""
    rates = [programme.rates.get(line.category, programme.base_rate) for line in basket.lines]
    excluded = [line.category in programme.excluded for line in basket.lines]
    return rates, excluded


def _tier(member: MemberState, config: ProgramConfig) -> tuple[Tier | None, Decimal]:
    """Rule 7: the tier of the spend before this purchase, and its multiplier (1 without tiers)."""
    tier = config.tier_for(member.spend_365)
    return tier, (tier.multiplier if tier else ONE)


class _Promotions(NamedTuple):
    multipliers: list[Decimal]
    extra: int
    applied: tuple[AppliedPromotion, ...]
    skipped: tuple[SkippedPromotion, ...]


def _promotions(
    basket: Basket,
    total: Decimal,
    member: MemberState,
    config: ProgramConfig,
    programme: CompiledProgramme,
    tier: Tier | None,
    at: dt.datetime,
    rates: list[Decimal],
    excluded: list[bool],
) -> _Promotions:
    """Rule 4: promotions by priority, highest first; an exclusive one stops all lower ones.

    Multipliers collect per line, extra points per receipt; a category rate replaces `rates`
    in place (the caller's list), the higher priority winning.
    """
    multipliers: list[Decimal] = [ONE] * len(basket.lines)
    rate_replaced = [False] * len(basket.lines)
    extra = 0
    today = at.astimezone(_zone(config.timezone)).date()
    by_category = index_categories(basket)
    all_lines = tuple(range(len(basket.lines)))
    context = programme.in_context(today, basket.store_code, basket.direction, tier.code if tier else None)
    entries = context.entries
    applied: list[AppliedPromotion] = []
    refused: dict[int, SkippedPromotion] = {}
    decided: list[int] = []  # candidate positions, in order: applied or refused by the basket
    stopped_at: int | None = None
    # Only the promotions open to this context and targeting the basket's categories can apply;
    # the rest are refused by the context or by "no line in categories" (listed below).
    for position in context.candidates(by_category):
        decided.append(position)
        cp, _, context_held = entries[position]
        why_not, basket_held, affected = cp.check_basket(
            total, by_category, all_lines, today, member.birthday
        )
        if why_not is not None:
            refused[position] = SkippedPromotion(cp.code, why_not)
            continue
        if cp.is_multiplier:
            assert cp.multiplier is not None
            for i in affected:
                multipliers[i] *= cp.multiplier
        elif cp.is_category_rate:
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
            # Positional and straight to tuple.__new__: a receipt builds dozens of these, and the
            # named tuple's keyword __new__ was a visible share of a quote (field order as declared).
            _new_tuple(
                AppliedPromotion,
                (
                    cp.code,
                    cp.name,
                    cp.kind_value,
                    cp.priority,
                    cp.exclusive,
                    cp.effect,
                    context_held + basket_held if basket_held else context_held,
                    _numbered(affected) if cp.is_multiplier or cp.is_category_rate else (),
                    cp.points,
                ),
            )
        )
        if cp.exclusive:
            stopped_at = position
            break
    return _Promotions(
        multipliers, extra, tuple(applied), _not_applied(context, decided, refused, stopped_at)
    )


def _receipt_points(
    bases: list[Decimal],
    rates: list[Decimal],
    promotions: _Promotions,
    tier_multiplier: Decimal,
    config: ProgramConfig,
) -> tuple[list[Decimal], int, list[int]]:
    """Rule 5: sum of base x rate% x tier x promotion multipliers, rounded once per receipt, plus
    extra points; split over the lines by largest remainder of their unrounded points (by earn
    base when those are all 0). Returns (unrounded per line, receipt points, points per line)."""
    multipliers = promotions.multipliers
    raws = [base * rates[i] / HUNDRED * tier_multiplier * multipliers[i] for i, base in enumerate(bases)]
    receipt_points = round_points(sum(raws, ZERO), config.rounding.value) + promotions.extra
    weights = raws if any(r > 0 for r in raws) else bases
    return raws, receipt_points, largest_remainder(receipt_points, weights)


@lru_cache(maxsize=4096)
def _numbered(affected: tuple[int, ...]) -> tuple[int, ...]:
    """0-based line positions as 1-based line numbers."""
    return tuple(i + 1 for i in affected)


def _not_applied(
    context: Context,
    decided: list[int],
    refused: dict[int, SkippedPromotion],
    stopped_at: int | None,
) -> tuple[SkippedPromotion, ...]:
    """Every promotion that did not apply, in evaluation order, with its reason.

    Positions the basket never looked at keep the context's default reason; they are copied
    in slices between the few positions the basket decided (applied, or refused with a reason
    of its own), so a calendar of hundreds of promotions costs little per receipt.
    """
    defaults = context.default_skips
    end = len(defaults) if stopped_at is None else stopped_at
    out: list[SkippedPromotion] = []
    previous = 0
    for position in decided:
        if position >= end:
            break
        out.extend(defaults[previous:position])
        if position in refused:
            out.append(refused[position])
        previous = position + 1
    out.extend(defaults[previous:end])
    if stopped_at is not None:
        stop = f"stopped by exclusive promotion {context.entries[stopped_at][0].code}"
        out.extend(SkippedPromotion(cp.code, stop) for cp, _, _ in context.entries[stopped_at + 1 :])
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
        f"({_pct(rules.max_share)}% of the check {money_str(total)} at {money_str(rules.point_value)} per "
        "point)"
    )


def _pct(value: Decimal) -> str:
    return format(value.normalize(), "f")
