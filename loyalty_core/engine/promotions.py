"""Which promotions apply to a receipt, and why (or why not).

A programme's promotions are compiled once (sets instead of lists, texts formatted ahead) and
kept on the configuration object. The conditions split in two: those fixed by the moment and
the till (date, weekday, store, direction, member tier) are evaluated once per context and
cached; those of the basket (categories, minimum check, birthday) per receipt. This keeps a
quote with hundreds of active promotions within a fraction of a millisecond.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from loyalty_core.config.schema import ProgramConfig, Promotion, PromotionKind
from loyalty_core.engine.basket import Basket, SkippedPromotion
from loyalty_core.money import money_str

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CONTEXT_CACHE_SIZE = 4096


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def describe_effect(promo: Promotion) -> str:
    if promo.multiplier is not None:
        return f"x{_num(promo.multiplier)}"
    if promo.points is not None:
        return f"+{promo.points} points"
    assert promo.rate is not None
    return f"rate {_num(promo.rate)}%"


@lru_cache(maxsize=1024)
def _money_text(value: Decimal) -> str:
    return money_str(value)


@lru_cache(maxsize=4096)
def _line_numbers(lines: tuple[int, ...]) -> str:
    """0-based line positions as the 1-based numbers a receipt shows ("1, 4")."""
    return ", ".join(str(i + 1) for i in lines)


def _days_from_birthday(today: dt.date, birthday: dt.date) -> int:
    """Distance in days from today to the nearest anniversary of the birthday (29 Feb -> 28 Feb)."""
    best = 366
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            anniversary = birthday.replace(year=year)
        except ValueError:
            anniversary = dt.date(year, 2, 28)
        best = min(best, abs((today - anniversary).days))
    return best


@dataclass(frozen=True)
class Verdict:
    applies: bool
    reason: str
    lines: tuple[int, ...] = ()


class CompiledPromotion:
    """One promotion with its conditions in the shape the hot path wants."""

    __slots__ = (
        "promo",
        "code",
        "name",
        "kind",
        "kind_value",
        "is_multiplier",
        "is_category_rate",
        "priority",
        "exclusive",
        "effect",
        "multiplier",
        "points",
        "rate",
        "date_from",
        "date_to",
        "span",
        "weekdays",
        "weekday_text",
        "stores",
        "store_text",
        "directions",
        "direction_text",
        "tiers",
        "tier_text",
        "categories",
        "category_set",
        "category_text",
        "category_prefix",
        "only_category",
        "no_line",
        "min_check",
        "min_check_text",
        "birthday_window",
    )

    def __init__(self, promo: Promotion) -> None:
        cond = promo.conditions
        self.promo = promo
        self.code = promo.code
        self.name = promo.name
        self.kind = promo.kind
        self.kind_value = promo.kind.value
        self.is_multiplier = promo.kind is PromotionKind.multiplier
        self.is_category_rate = promo.kind is PromotionKind.category_rate
        self.priority = promo.priority
        self.exclusive = promo.exclusive
        self.effect = describe_effect(promo)
        self.multiplier = promo.multiplier
        self.points = promo.points or 0
        self.rate = promo.rate
        self.date_from = cond.date_from
        self.date_to = cond.date_to
        if cond.date_from and cond.date_to:
            self.span = f"in {cond.date_from}..{cond.date_to}"
        else:
            self.span = f"from {cond.date_from}" if cond.date_from else f"until {cond.date_to}"
        self.weekdays = frozenset(d.iso for d in cond.weekdays) or None
        self.weekday_text = ", ".join(d.value for d in cond.weekdays)
        self.stores = frozenset(cond.stores) or None
        self.store_text = ", ".join(cond.stores)
        self.directions = frozenset(d.value for d in cond.directions) or None
        self.direction_text = ", ".join(d.value for d in cond.directions)
        self.tiers = frozenset(cond.tiers) or None
        self.tier_text = ", ".join(cond.tiers)
        self.categories = tuple(dict.fromkeys(cond.categories)) or None
        self.category_set = frozenset(cond.categories)
        self.category_text = ", ".join(cond.categories)
        self.category_prefix = f"categories {self.category_text} on lines "
        self.no_line = SkippedPromotion(promo.code, f"no line in categories {self.category_text}")
        self.min_check = cond.min_check
        # The common shape in a big calendar: one category and no other basket condition.
        self.only_category = (
            cond.categories[0]
            if len(set(cond.categories)) == 1 and cond.min_check is None and cond.birthday_window_days is None
            else None
        )
        self.min_check_text = money_str(cond.min_check) if cond.min_check is not None else ""
        self.birthday_window = cond.birthday_window_days

    def check_context(
        self, today: dt.date, store: str, direction: str, tier: str | None
    ) -> tuple[str | None, tuple[str, ...]]:
        """(why not, or None; the conditions that held) for the moment, the till and the tier."""
        held: list[str] = []
        if self.date_from and today < self.date_from:
            return f"starts {self.date_from.isoformat()}", ()
        if self.date_to and today > self.date_to:
            return f"ended {self.date_to.isoformat()}", ()
        if self.date_from or self.date_to:
            held.append(f"date {today.isoformat()} {self.span}")
        if self.weekdays:
            name = WEEKDAY_NAMES[today.weekday()]
            if today.isoweekday() not in self.weekdays:
                return f"weekday {name} not in {self.weekday_text}", ()
            held.append(f"weekday {name}")
        if self.stores:
            if store not in self.stores:
                return f"store {store} not in {self.store_text}", ()
            held.append(f"store {store}")
        if self.directions:
            if direction not in self.directions:
                return f"direction {direction} not in {self.direction_text}", ()
            held.append(f"direction {direction}")
        if self.tiers:
            if tier not in self.tiers:
                return f"tier {tier or 'none'} not in {self.tier_text}", ()
            held.append(f"tier {tier}")
        return None, tuple(held)

    def check_basket(
        self,
        total: Decimal,
        by_category: dict[str, tuple[int, ...]],
        all_lines: tuple[int, ...],
        today: dt.date,
        birthday: dt.date | None,
    ) -> tuple[str | None, tuple[str, ...], tuple[int, ...]]:
        """(why not, or None; the conditions that held; the 0-based lines it affects)."""
        if self.only_category is not None:
            lines = by_category.get(self.only_category, ())
            if not lines:
                return self.no_line.reason, (), ()
            return None, (self.category_prefix + _line_numbers(lines),), lines
        held: tuple[str, ...] = ()
        lines = all_lines
        if self.categories:
            if len(self.categories) == 1:
                lines = by_category.get(self.categories[0], ())  # already in line order
            else:
                found: list[int] = []
                for category in self.categories:
                    found.extend(by_category.get(category, ()))
                lines = tuple(sorted(found))
            if not lines:
                return self.no_line.reason, held, ()
            held = (self.category_prefix + _line_numbers(lines),)
        if self.min_check is not None:
            if total < self.min_check:
                return f"check {_money_text(total)} below {self.min_check_text}", held, ()
            held += (f"check {_money_text(total)} >= {self.min_check_text}",)
        if self.birthday_window is not None:
            if birthday is None:
                return "member's birthday unknown", held, ()
            distance = _days_from_birthday(today, birthday)
            if distance > self.birthday_window:
                days = "day" if distance == 1 else "days"
                return f"birthday {distance} {days} away (window {self.birthday_window})", held, ()
            held += (f"birthday within {self.birthday_window} days",)
        return None, held, lines


ContextEntry = tuple[CompiledPromotion, SkippedPromotion | None, tuple[str, ...]]


@dataclass(frozen=True)
class Context:
    """The promotions' verdicts for one (day, store, direction, tier), indexed for baskets.

    `entries` are in evaluation order; `open_positions` pass the context and name no category;
    `by_category` maps a category to the positions that pass the context and target it. A
    basket only needs to look at the positions of its own categories plus the open ones.
    """

    entries: tuple[ContextEntry, ...]
    open_positions: tuple[int, ...]
    by_category: dict[str, tuple[int, ...]]
    # Per position, the reason it does not apply unless the basket says otherwise: the
    # context's refusal, or "no line in its categories" for those the context lets through.
    default_skips: tuple[SkippedPromotion, ...]

    def candidates(self, categories: Iterable[str]) -> list[int]:
        found = set(self.open_positions)
        for category in categories:
            positions = self.by_category.get(category)
            if positions:
                found.update(positions)
        return sorted(found)


class CompiledProgramme:
    """A configuration's promotions in evaluation order, with a cache of context verdicts."""

    def __init__(self, config: ProgramConfig) -> None:
        self.base_rate = config.earn.base_rate
        self.excluded = frozenset(config.earn.excluded_categories)
        # Category -> rate before promotions (0 for excluded categories).
        self.rates: dict[str, Decimal] = {
            **config.earn.category_rates,
            **{c: Decimal(0) for c in config.earn.excluded_categories},
        }
        ordered = sorted(enumerate(config.promotions), key=lambda pair: (-pair[1].priority, pair[0]))
        self.promotions = tuple(CompiledPromotion(p) for _, p in ordered)
        self._contexts: dict[tuple[dt.date, str, str, str | None], Context] = {}

    def in_context(self, today: dt.date, store: str, direction: str, tier: str | None) -> Context:
        key = (today, store, direction, tier)
        context = self._contexts.get(key)
        if context is None:
            entries = []
            open_positions = []
            by_category: dict[str, list[int]] = {}
            for position, cp in enumerate(self.promotions):
                why_not, held = cp.check_context(today, store, direction, tier)
                entries.append((cp, SkippedPromotion(cp.code, why_not) if why_not else None, held))
                if why_not:
                    continue
                if cp.categories:
                    for category in cp.categories:
                        by_category.setdefault(category, []).append(position)
                else:
                    open_positions.append(position)
            context = Context(
                tuple(entries),
                tuple(open_positions),
                {c: tuple(p) for c, p in by_category.items()},
                tuple(refusal or cp.no_line for cp, refusal, _ in entries),
            )
            if len(self._contexts) >= _CONTEXT_CACHE_SIZE:
                self._contexts.clear()
            self._contexts[key] = context
        return context


# id(config) -> (config, its compiled form). Holding the config keeps its id from being reused;
# configurations come from a bounded per-version cache, so this stays small.
_COMPILED: dict[int, tuple[ProgramConfig, CompiledProgramme]] = {}


def compiled(config: ProgramConfig) -> CompiledProgramme:
    """The compiled form of a configuration, built on first use."""
    entry = _COMPILED.get(id(config))
    if entry is not None and entry[0] is config:
        return entry[1]
    if len(_COMPILED) >= 512:
        _COMPILED.clear()
    programme = CompiledProgramme(config)
    _COMPILED[id(config)] = (config, programme)
    return programme


def index_categories(basket: Basket) -> dict[str, tuple[int, ...]]:
    """Category -> the 0-based positions of the basket's lines in it, in line order."""
    by_category: dict[str, list[int]] = {}
    for i, line in enumerate(basket.lines):
        by_category.setdefault(line.category, []).append(i)
    return {category: tuple(positions) for category, positions in by_category.items()}


def evaluate(
    promo: Promotion,
    basket: Basket,
    local_now: dt.datetime,
    tier: str | None,
    birthday: dt.date | None,
) -> Verdict:
    """Check every condition of one promotion against a receipt (the readable single-promotion entry)."""
    cp = CompiledPromotion(promo)
    today = local_now.date()
    why_not, context_held = cp.check_context(today, basket.store_code, basket.direction, tier)
    if why_not:
        return Verdict(False, why_not)
    why_not, basket_held, lines = cp.check_basket(
        basket.total, index_categories(basket), tuple(range(len(basket.lines))), today, birthday
    )
    if why_not:
        return Verdict(False, why_not)
    held = [*context_held, *basket_held]
    return Verdict(True, "; ".join(held) if held else "no conditions", lines)


__all__ = ["CompiledProgramme", "PromotionKind", "Verdict", "compiled", "describe_effect", "evaluate"]
