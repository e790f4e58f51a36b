"""Request and response bodies of the POS API.

These pydantic models are the single source of both the parsing and the OpenAPI document
(`/api/v1/openapi.json` is generated from them), so the document cannot promise what the API
does not accept. Money travels as a decimal string with 2 places, never a JSON number.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from loyalty_core.text import BLANK, BLANK_CLASS, NOT_BLANK_PATTERN, NUL_FREE_SCHEMA, refuse_nul

MONEY_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"
# The lookahead keeps "0" and "0.000" out: the API refuses a quantity that is not > 0.
QUANTITY_PATTERN = r"^(?=.*[1-9])\d{1,9}(\.\d{1,3})?$"
# What the email validator accepts once whitespace is stripped ("" means no email).
EMAIL_PATTERN = f"^([^@{BLANK_CLASS}]+@[^@{BLANK_CLASS}]+\\.[^@{BLANK_CLASS}]+)?$"
NOT_BLANK = NOT_BLANK_PATTERN
MAX_WHOLE_QUANTITY = 999_999_999
# As the document's readers (JavaScript regexes) read them: \d is 0-9 only, $ is the very end.
_EMAIL = re.compile(EMAIL_PATTERN, re.ASCII)
_MONEY = re.compile(MONEY_PATTERN, re.ASCII)
_QUANTITY = re.compile(QUANTITY_PATTERN, re.ASCII)


def _whole_number(value: Any) -> Any:
    """JSON has one number type: 5.0 is the integer 5 (JSON Schema's "integer" says so too).

    Strict integer fields still refuse "5" and 5.5.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


MoneyText = Annotated[
    str,
    Field(json_schema_extra={"pattern": MONEY_PATTERN}, examples=["1234.50"], description="Money, 2 places."),
]
QuantityText = Annotated[
    str,
    # The parser also takes a whole JSON number (2), so the document says so.
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": QUANTITY_PATTERN},
                {"type": "integer", "minimum": 1, "maximum": MAX_WHOLE_QUANTITY},
            ]
        }
    ),
    Field(
        examples=["2", "0.350"],
        description="Quantity, > 0: a decimal string (up to 3 places) or a whole number.",
    ),
]


def _document_nul_free(schema: dict[str, Any]) -> None:
    """Say in the document what `_no_nul` enforces, on every text property of the model."""
    for prop in schema.get("properties", {}).values():
        for variant in [prop, *prop.get("anyOf", [])]:
            if variant.get("type") == "string":
                variant.update(NUL_FREE_SCHEMA)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("must carry its UTC offset, like 2026-03-03T12:00:00+03:00 or ...Z")
    return value


OccurredAt = Annotated[
    dt.datetime | None,
    AfterValidator(_aware),
    Field(
        description="When a till that was offline made the receipt (ISO 8601 with offset): the receipt is "
        "computed as of that moment. Not in the future, not older than offline.max_age_days.",
        examples=["2026-03-03T12:00:00+03:00"],
    ),
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_document_nul_free)
    # Text fields that must hold more than blanks (documented with the NOT_BLANK pattern).
    _non_blank: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store NUL in text: refuse it here, for every text field at once.
        return refuse_nul(value) if isinstance(value, str) else value

    @field_validator("*", mode="after")
    @classmethod
    def _strip(cls, value: Any, info: ValidationInfo) -> Any:
        # After the length checks, as the document counts length: on the text as sent.
        if not isinstance(value, str):
            return value
        stripped = value.strip(BLANK)
        if not stripped and info.field_name in cls._non_blank:
            raise ValueError("must not be empty")
        return stripped


class EnrollRequest(_Request):
    _non_blank = frozenset({"phone"})

    phone: str = Field(
        min_length=1, max_length=40, examples=["+7 916 123-45-67"], json_schema_extra={"pattern": NOT_BLANK}
    )
    email: str | None = Field(default=None, max_length=254, json_schema_extra={"pattern": EMAIL_PATTERN})
    name: str = Field(default="", max_length=200)
    birthday: dt.date | None = None
    card: str | None = Field(default=None, max_length=32, pattern=r"^[0-9A-Za-z-]{4,32}$")

    @field_validator("email", mode="before")
    @classmethod
    def _email_shape(cls, value: Any) -> Any:
        # On the text as sent, with the document's own pattern ("" means no email).
        if isinstance(value, str) and not _EMAIL.fullmatch(value):
            raise ValueError("must be an email address")
        return value or None


class LineRequest(_Request):
    _non_blank = frozenset({"sku", "category"})

    sku: str = Field(min_length=1, max_length=64, json_schema_extra={"pattern": NOT_BLANK})
    category: str = Field(min_length=1, max_length=64, json_schema_extra={"pattern": NOT_BLANK})
    quantity: QuantityText
    amount: MoneyText

    @field_validator("quantity", mode="before")
    @classmethod
    def _quantity(cls, value: Any) -> str:
        value = _whole_number(value)
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not _QUANTITY.fullmatch(text) or Decimal(text) <= 0:
            raise ValueError('must be a positive decimal string like "2" or "0.350"')
        return text

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> str:
        if not isinstance(value, str) or not _MONEY.fullmatch(value):
            raise ValueError(
                'must be a decimal string with at most 2 places, like "123.45" (not a JSON number)'
            )
        return value


def _member_named(schema: dict[str, Any]) -> None:
    _document_nul_free(schema)
    schema["anyOf"] = [
        {"required": ["member_id"], "properties": {"member_id": {"type": "string"}}},
        {"required": ["card"], "properties": {"card": {"type": "string", "pattern": NOT_BLANK}}},
    ]


class BasketRequest(_Request):
    # The member is named by member_id or card (the API refuses a basket with neither).
    model_config = ConfigDict(json_schema_extra=_member_named)

    member_id: uuid.UUID | None = None
    card: str | None = Field(default=None, max_length=32)
    redeem_points: Annotated[
        int, Field(ge=0, le=100_000_000, strict=True), BeforeValidator(_whole_number)
    ] = 0
    lines: list[LineRequest] = Field(min_length=1, max_length=500)
    occurred_at: OccurredAt = None


class PurchaseRequest(BasketRequest):
    receipt_no: str | None = Field(default=None, max_length=64)


class ReturnLineRequest(_Request):
    line: Annotated[int, Field(ge=1, strict=True), BeforeValidator(_whole_number)]
    quantity: QuantityText

    _quantity = field_validator("quantity", mode="before")(LineRequest._quantity.__func__)  # type: ignore[attr-defined]


class ReturnRequest(_Request):
    lines: list[ReturnLineRequest] = Field(min_length=1, max_length=500)
    occurred_at: OccurredAt = None


# --- responses -------------------------------------------------------------------------------


class CardOut(BaseModel):
    number: str


class MemberOut(BaseModel):
    id: uuid.UUID
    name: str
    phone_masked: str = Field(description="The phone with its middle digits hidden.")
    cards: list[str]
    balance: int
    tier: str | None
    spend_365: str
    enrolled_at: dt.datetime


class LineOut(BaseModel):
    line: int
    sku: str
    category: str
    quantity: str
    amount: str
    redeemed_points: int
    redeemed_value: str
    earn_base: str
    rate: str
    multiplier: str
    points: int


class PromotionOut(BaseModel):
    code: str
    name: str
    kind: str
    reason: str
    lines: list[int]
    extra_points: int


class NotAppliedOut(BaseModel):
    code: str
    reason: str


class QuoteOut(BaseModel):
    member_id: uuid.UUID
    store: str
    config_version: str
    check_total: str
    tier: str | None
    balance: int = Field(description="The balance before this purchase.")
    max_redeemable: int
    redeemed_points: int
    redeemed_value: str
    earned_points: int
    balance_after: int
    lines: list[LineOut]
    promotions: list[PromotionOut]
    not_applied: list[NotAppliedOut]


class PurchaseOut(QuoteOut):
    id: uuid.UUID
    receipt_no: str | None
    created_at: dt.datetime = Field(description="When the purchase happened (its occurred_at when sent).")
    recorded_at: dt.datetime = Field(description="When the core recorded it.")


class ReturnLineOut(BaseModel):
    line: int
    quantity: str
    amount: str
    points_reversed: int
    redeemed_points_refunded: int


class ReturnOut(BaseModel):
    id: uuid.UUID
    purchase_id: uuid.UUID
    member_id: uuid.UUID
    store: str
    created_at: dt.datetime = Field(description="When the return happened (its occurred_at when sent).")
    recorded_at: dt.datetime = Field(description="When the core recorded it.")
    points_reversed: int
    redeemed_points_refunded: int
    written_off: int
    balance: int
    lines: list[ReturnLineOut]


class TransactionOut(BaseModel):
    id: uuid.UUID
    kind: str
    created_at: dt.datetime = Field(
        description="When it happened and counts (the till's occurred_at when sent)."
    )
    recorded_at: dt.datetime = Field(
        description="When the core recorded it (later than created_at: sent late)."
    )
    store: str | None
    config_version: str | None
    original_id: uuid.UUID | None
    receipt_no: str | None
    check_total: str
    redeemed_points: int
    earned_points: int
    points_delta: int
    lines: list[dict[str, Any]]


class TransactionsOut(BaseModel):
    member_id: uuid.UUID
    balance: int
    transactions: list[TransactionOut]
    next: str | None = Field(description="Pass as ?cursor= for the next (older) page; null on the last page.")


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    problems: list[str] | None = None
    member_id: uuid.UUID | None = Field(
        default=None, description="409 on enrolment: the member holding the phone, email or card."
    )
    transaction_id: uuid.UUID | None = Field(
        default=None, description="409 on a commit: the transaction holding the receipt_no."
    )
    max_redeemable: int | None = Field(
        default=None, description="422 on redemption: the most that may be redeemed."
    )
    retry_after: int | None = Field(
        default=None, description="429: seconds to wait (the Retry-After header too)."
    )
