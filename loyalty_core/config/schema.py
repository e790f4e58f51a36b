"""The configuration schema of a loyalty programme (YAML or JSON).

The models are strict about keys (a typo is an error, never silently ignored) and lenient
about scalar spelling (`5`, `"5"` and `5.0` are all a rate of 5%). Money is Decimal.
The README's "Configuration" section documents every key with a complete example.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

Percent = Annotated[Decimal, Field(ge=0, le=1000)]
Money = Annotated[Decimal, Field(ge=0, decimal_places=2)]
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]


class RoundingMode(str, Enum):
    floor = "floor"
    ceil = "ceil"
    half_up = "half_up"
    half_even = "half_even"


class Direction(str, Enum):
    retail = "retail"
    wholesale = "wholesale"


class PromotionKind(str, Enum):
    multiplier = "multiplier"
    extra_points = "extra_points"
    category_rate = "category_rate"


class Weekday(str, Enum):
    mon = "mon"
    tue = "tue"
    wed = "wed"
    thu = "thu"
    fri = "fri"
    sat = "sat"
    sun = "sun"

    @property
    def iso(self) -> int:
        """ISO weekday number, Monday = 1."""
        return list(Weekday).index(self) + 1


class NegativeBalancePolicy(str, Enum):
    allow = "allow"  # the member owes the points; future earnings pay the debt first
    clamp = "clamp"  # reverse only what the balance holds; the rest is written off


# The metadata key naming the capabilities a leaf field switches on (read by the capability
# catalogue, `loyalty_core.capabilities`, and published in the JSON Schema).
CAPABILITIES_KEY = "x-capabilities"


def _caps(*codes: str) -> dict[str, Any]:
    """A field's `json_schema_extra` naming the capabilities it belongs to."""
    return {CAPABILITIES_KEY: list(codes)}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class EarnRules(_Strict):
    base_rate: Percent = Field(
        description="Percent of the earn base given as points (5 = 5%).",
        json_schema_extra=_caps("earn.base_rate"),
    )
    category_rates: dict[str, Percent] = Field(
        default_factory=dict, json_schema_extra=_caps("earn.category_rates")
    )
    excluded_categories: list[str] = Field(
        default_factory=list, json_schema_extra=_caps("earn.excluded_categories")
    )

    @model_validator(mode="after")
    def _rates_not_excluded(self) -> EarnRules:
        both = sorted(set(self.category_rates) & set(self.excluded_categories))
        if both:
            raise ValueError(f"category_rates: {', '.join(both)} also listed in excluded_categories")
        return self


class Tier(_Strict):
    code: Code = Field(json_schema_extra=_caps("tiers.levels"))
    name: str = Field(default="", json_schema_extra=_caps("tiers.levels"))
    threshold: Money = Field(
        description="Money spent in the previous 365 days to reach the tier.",
        json_schema_extra=_caps("tiers.levels"),
    )
    multiplier: Annotated[Decimal, Field(gt=0, le=100)] = Field(
        default=Decimal(1), json_schema_extra=_caps("tiers.levels")
    )


class Redemption(_Strict):
    point_value: Annotated[Decimal, Field(gt=0, decimal_places=2)] = Field(
        default=Decimal("1.00"), json_schema_extra=_caps("redemption.point_value")
    )
    max_share: Annotated[Decimal, Field(ge=0, le=100)] = Field(
        default=Decimal(100), json_schema_extra=_caps("redemption.max_share")
    )
    min_points: Annotated[int, Field(ge=0)] = Field(
        default=0, json_schema_extra=_caps("redemption.min_points")
    )


class ReturnPolicy(_Strict):
    window_days: Annotated[int, Field(ge=1)] | None = Field(
        default=None, json_schema_extra=_caps("returns.window")
    )
    negative_balance: NegativeBalancePolicy = Field(
        default=NegativeBalancePolicy.allow, json_schema_extra=_caps("returns.negative_balance")
    )


class OfflinePolicy(_Strict):
    max_age_days: Annotated[int, Field(ge=0, le=365)] = Field(
        default=0,
        description="How many local days back a receipt's occurred_at may be (0: today only).",
        json_schema_extra=_caps("offline.receipts"),
    )


class Conditions(_Strict):
    date_from: dt.date | None = Field(default=None, json_schema_extra=_caps("condition.dates"))
    date_to: dt.date | None = Field(default=None, json_schema_extra=_caps("condition.dates"))
    weekdays: list[Weekday] = Field(default_factory=list, json_schema_extra=_caps("condition.weekdays"))
    stores: list[str] = Field(default_factory=list, json_schema_extra=_caps("condition.stores"))
    directions: list[Direction] = Field(default_factory=list, json_schema_extra=_caps("condition.directions"))
    categories: list[str] = Field(default_factory=list, json_schema_extra=_caps("condition.categories"))
    min_check: Money | None = Field(default=None, json_schema_extra=_caps("condition.min_check"))
    tiers: list[str] = Field(default_factory=list, json_schema_extra=_caps("condition.tiers"))
    birthday_window_days: Annotated[int, Field(ge=0, le=183)] | None = Field(
        default=None, json_schema_extra=_caps("condition.birthday")
    )

    @model_validator(mode="after")
    def _range_in_order(self) -> Conditions:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ValueError("date_to: must not be before date_from")
        return self


_VALUE_KEY = {
    PromotionKind.multiplier: "multiplier",
    PromotionKind.extra_points: "points",
    PromotionKind.category_rate: "rate",
}


# A promotion's code, name and kind belong to each kind of promotion.
_EVERY_PROMOTION = ("promotion.multiplier", "promotion.extra_points", "promotion.category_rate")


class Promotion(_Strict):
    code: Code = Field(json_schema_extra=_caps(*_EVERY_PROMOTION))
    name: str = Field(default="", json_schema_extra=_caps(*_EVERY_PROMOTION))
    kind: PromotionKind = Field(json_schema_extra=_caps(*_EVERY_PROMOTION))
    priority: int = Field(default=0, json_schema_extra=_caps("promotion.priority"))
    exclusive: bool = Field(default=False, json_schema_extra=_caps("promotion.exclusive"))
    # validate_default: the kind check below must also run when the key is absent.
    multiplier: Annotated[Decimal, Field(gt=0, le=100)] | None = Field(
        default=None, validate_default=True, json_schema_extra=_caps("promotion.multiplier")
    )
    points: Annotated[int, Field(ge=1)] | None = Field(
        default=None, validate_default=True, json_schema_extra=_caps("promotion.extra_points")
    )
    rate: Percent | None = Field(
        default=None, validate_default=True, json_schema_extra=_caps("promotion.category_rate")
    )
    conditions: Conditions = Field(default_factory=Conditions)

    @field_validator("multiplier", "points", "rate")
    @classmethod
    def _value_for_kind(cls, value: Any, info: ValidationInfo) -> Any:
        """Each kind has exactly its own value key (checked per field, so every problem is listed)."""
        kind = info.data.get("kind")
        if kind is None:  # the kind itself is invalid: that problem is reported on its own
            return value
        needed = _VALUE_KEY[kind]
        if info.field_name == needed and value is None:
            raise ValueError(f"is required when kind is '{kind.value}'")
        if info.field_name != needed and value is not None:
            raise ValueError(f"does not apply to kind '{kind.value}'")
        return value

    @model_validator(mode="after")
    def _categories_for_category_rate(self) -> Promotion:
        if self.kind is PromotionKind.category_rate and not self.conditions.categories:
            raise ValueError("conditions.categories: a category_rate promotion names its categories")
        return self


class ProgramConfig(_Strict):
    """One version of a programme's configuration."""

    program: str = Field(min_length=1, json_schema_extra=_caps("program.identity"))
    currency: str = Field(default="RUB", json_schema_extra=_caps("program.identity"))
    timezone: str = Field(default="Europe/Moscow", json_schema_extra=_caps("program.timezone"))
    rounding: RoundingMode = Field(default=RoundingMode.floor, json_schema_extra=_caps("earn.rounding"))
    earn: EarnRules
    tiers: list[Tier] = Field(default_factory=list)
    redemption: Redemption = Field(default_factory=Redemption)
    expiry_days: Annotated[int, Field(ge=1)] | None = Field(
        default=None, json_schema_extra=_caps("expiry.days")
    )
    returns: ReturnPolicy = Field(default_factory=ReturnPolicy)
    offline: OfflinePolicy = Field(default_factory=OfflinePolicy)
    promotions: list[Promotion] = Field(default_factory=list)

    @field_validator("currency")
    @classmethod
    def _currency_code(cls, value: str) -> str:
        # Not a Field pattern: its generic message speaks of codes ("letters, digits, _ . -").
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError(f"must be a three-letter ISO 4217 code in capitals, like RUB (got '{value}')")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        # OSError: read from the `tzdata` package (installed when matplotlib's dateutil is), a
        # folder of zones such as 'America' raises IsADirectoryError instead of "not found".
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone '{value}' (use an IANA name like Europe/Moscow)") from None
        return value

    @model_validator(mode="after")
    def _cross_checks(self) -> ProgramConfig:
        """Checks across sections; every failing one is reported, not only the first."""
        problems: list[str] = []
        seen: set[str] = set()
        for i, tier in enumerate(self.tiers):
            if tier.code in seen:
                problems.append(f"tiers[{i}].code: duplicate tier '{tier.code}'")
            seen.add(tier.code)
        thresholds = [t.threshold for t in self.tiers]
        if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
            problems.append("tiers: thresholds must strictly increase from the first tier to the last")
        codes: set[str] = set()
        for i, promo in enumerate(self.promotions):
            if promo.code in codes:
                problems.append(f"promotions[{i}].code: duplicate promotion '{promo.code}'")
            codes.add(promo.code)
            for tier_code in promo.conditions.tiers:
                if tier_code not in seen:
                    problems.append(f"promotions[{i}].conditions.tiers: unknown tier '{tier_code}'")
        if len(problems) == 1:
            raise ValueError(problems[0])
        if problems:
            # A ValidationError raised in a validator keeps each of its errors (one per problem).
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError("value_error", "{error}", {"error": problem}),
                        loc=(),
                        input=None,
                    )
                    for problem in problems
                ],
            )
        return self

    def tier_for(self, spend_365: Decimal) -> Tier | None:
        """The highest tier whose threshold is at or below the spend; the lowest tier when none
        is (every member of a programme with tiers has one). None only without tiers."""
        if not self.tiers:
            return None
        best = self.tiers[0]
        for tier in self.tiers[1:]:
            if tier.threshold <= spend_365:
                best = tier
        return best
