"""The configuration version as programme rules in plain words, Russian and English.

The words are generated from the validated configuration, walking the schema
(`loyalty_core.config.schema.ProgramConfig`): every leaf of the schema that a document sets
becomes part of a sentence, values are written by their schema type (a Percent "5%", Money
"30,000 ₽", a multiplier "×1.25", a list "fresh and bakery"), and a leaf the phrase table below
does not know yet still gets a generic "name: value" line, so a key added to the schema is never
silently left out of what the client signs.

Phrases are gettext msgids (English) translated by `workbench.signoff.phrases` (RU from the
shared catalogue, else from `phrases_ru.yaml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from loyalty_core.config.schema import ProgramConfig, Promotion, PromotionKind, RoundingMode
from loyalty_core.config.validation import parse_config
from workbench.signoff.phrases import LANGUAGES, check_language, translate

CURRENCY_SIGNS = {"RUB": "₽", "EUR": "€", "USD": "$"}


@dataclass(frozen=True)
class Rule:
    """One sentence of the rules and the configuration key it explains (comments anchor there)."""

    key: str
    text: str


class _Words:
    """Translation and value formatting in one language."""

    def __init__(self, lang: str, currency: str) -> None:
        self.lang = lang
        self.sign = CURRENCY_SIGNS.get(currency, currency)

    def __call__(self, msgid: str, **values: Any) -> str:
        return translate(msgid, self.lang, **values)

    def number(self, value: Decimal | int) -> str:
        """1.25 -> "1.25" (EN) / "1,25" (RU); thousands grouped: 30,000 / 30 000."""
        value = Decimal(value)
        text = f"{value.normalize():,f}" if value != value.to_integral() else f"{int(value):,}"
        if self.lang == "ru":
            text = text.replace(",", "\u00a0").replace(".", ",")
        return text

    def percent(self, value: Decimal) -> str:
        return f"{self.number(value)}%"

    def money(self, value: Decimal) -> str:
        return f"{self.number(value)}\u00a0{self.sign}"

    def times(self, value: Decimal) -> str:
        return f"×{self.number(value)}"

    def join(self, values: list[str]) -> str:
        if len(values) <= 1:
            return "".join(values)
        return f"{', '.join(values[:-1])} {self('and')} {values[-1]}"


def programme_rules(document: dict[str, Any], lang: str) -> list[Rule]:
    """The rules of a configuration document in `lang` ("ru" or "en"), in schema order."""
    config = parse_config(document)
    _ = _Words(check_language(lang), config.currency)
    rules = [
        *_identity(config, _),
        *_earn(config, _),
        *_tiers(config, _),
        *_redemption(config, _),
        *_expiry_and_returns(config, _),
    ]
    for promotion in config.promotions:
        rules.append(_promotion(promotion, _))
    return rules + _unexplained(config, {r.key for r in rules}, _)


def _identity(config: ProgramConfig, _: _Words) -> list[Rule]:
    return [
        Rule(
            "program",
            _(
                "Programme “%(name)s”, amounts in %(currency)s, dates in the %(zone)s time zone",
                name=config.program,
                currency=config.currency,
                zone=config.timezone,
            ),
        )
    ]


def _earn(config: ProgramConfig, _: _Words) -> list[Rule]:
    rules = [
        Rule("earn.base_rate", _("%(rate)s of the check in points", rate=_.percent(config.earn.base_rate)))
    ]
    by_rate: dict[Decimal, list[str]] = {}
    for category, rate in config.earn.category_rates.items():
        by_rate.setdefault(rate, []).append(category)
    for rate, categories in by_rate.items():
        rules.append(
            Rule(
                f"earn.category_rates.{categories[0]}",
                _("%(rate)s on %(categories)s", rate=_.percent(rate), categories=_.join(categories)),
            )
        )
    if config.earn.excluded_categories:
        rules.append(
            Rule(
                "earn.excluded_categories",
                _("no points on %(categories)s", categories=_.join(list(config.earn.excluded_categories))),
            )
        )
    rounding = {
        RoundingMode.floor: _("rounded down"),
        RoundingMode.ceil: _("rounded up"),
        RoundingMode.half_up: _("rounded half up"),
        RoundingMode.half_even: _("rounded half to even"),
    }[config.rounding]
    rules.append(Rule("rounding", _("a receipt's points are %(mode)s once per receipt", mode=rounding)))
    return rules


def _tiers(config: ProgramConfig, _: _Words) -> list[Rule]:
    return [
        Rule(
            f"tiers[{t.code}]",
            _(
                "%(tier)s from %(threshold)s a year earns %(times)s",
                tier=t.name or t.code,
                threshold=_.money(t.threshold),
                times=_.times(t.multiplier),
            ),
        )
        for t in config.tiers
    ]


def _redemption(config: ProgramConfig, _: _Words) -> list[Rule]:
    r = config.redemption
    rules = [
        Rule("redemption.point_value", _("1 point pays %(value)s", value=_.money(r.point_value))),
        Rule(
            "redemption.max_share", _("points pay up to %(share)s of a check", share=_.percent(r.max_share))
        ),
    ]
    if r.min_points:
        rules.append(
            Rule(
                "redemption.min_points",
                _("at least %(points)s points at a time", points=_.number(r.min_points)),
            )
        )
    return rules


def _expiry_and_returns(config: ProgramConfig, _: _Words) -> list[Rule]:
    rules = [
        Rule(
            "expiry_days",
            _("points expire %(days)s days after they are earned", days=config.expiry_days)
            if config.expiry_days
            else _("points never expire"),
        )
    ]
    if config.returns.window_days:
        rules.append(
            Rule(
                "returns.window_days",
                _("returns within %(days)s days reverse their points", days=config.returns.window_days),
            )
        )
    rules.append(
        Rule(
            "returns.negative_balance",
            _("a return may take the balance below zero")
            if config.returns.negative_balance.value == "allow"
            else _("a return takes back at most what the balance holds"),
        )
    )
    return rules


def _promotion(p: Promotion, _: _Words) -> Rule:
    effect = {
        PromotionKind.multiplier: lambda: _.times(p.multiplier or Decimal(1)),
        PromotionKind.extra_points: lambda: _(
            "+%(points)s points per receipt", points=_.number(p.points or 0)
        ),
        PromotionKind.category_rate: lambda: _.percent(p.rate or Decimal(0)),
    }[p.kind]()
    c = p.conditions
    parts = [f"{p.name or p.code}: {effect}"]
    if c.categories:
        parts.append(_("on %(categories)s", categories=_.join(list(c.categories))))
    if c.stores:
        parts.append(_("in stores %(stores)s", stores=", ".join(c.stores)))
    if c.directions:
        parts.append(_("in %(directions)s", directions=_.join([_(d.value) for d in c.directions])))
    if c.date_from or c.date_to:
        parts.append(_("from %(start)s to %(end)s", start=c.date_from or "…", end=c.date_to or "…"))
    if c.weekdays:
        parts.append(_("on %(days)s", days=_.join([_(d.value) for d in c.weekdays])))
    if c.min_check is not None:
        parts.append(_("on checks from %(amount)s", amount=_.money(c.min_check)))
    if c.tiers:
        parts.append(_("for tiers %(tiers)s", tiers=", ".join(c.tiers)))
    if c.birthday_window_days is not None:
        parts.append(_("within %(days)s days of the birthday", days=c.birthday_window_days))
    if p.exclusive:
        parts.append(_("exclusive: no lower promotion applies"))
    parts.append(_("priority %(priority)s", priority=p.priority))
    return Rule(
        f"promotions[{p.code}]", "; ".join(parts[:1] + [", ".join(parts[1:])]) if len(parts) > 1 else parts[0]
    )


# Leaves explained by the sentences above (by schema path, promotions and tiers by their record).
_EXPLAINED_PREFIXES = (
    "program",
    "currency",
    "timezone",
    "earn.",
    "rounding",
    "tiers",
    "redemption.",
    "expiry_days",
    "returns.",
    "promotions",
)


def _unexplained(config: ProgramConfig, keys: set[str], _: _Words) -> list[Rule]:
    """A generic line for every set leaf of the schema no sentence above explains."""
    rules = []
    for path, value in _leaves(config, ""):
        if not path.startswith(_EXPLAINED_PREFIXES) and path not in keys:
            rules.append(Rule(path, f"{path.replace('_', ' ')}: {value}"))
    return rules


def _leaves(model: BaseModel, prefix: str) -> list[tuple[str, Any]]:
    found = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, BaseModel):
            found += _leaves(value, path)
        else:
            found.append((path, value))
    return found


def rules_both(document: dict[str, Any]) -> dict[str, list[Rule]]:
    """The rules in every language of the workbench."""
    return {lang: programme_rules(document, lang) for lang in LANGUAGES}
