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
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

MONEY_PATTERN = r"^\d{1,12}(\.\d{1,2})?$"
QUANTITY_PATTERN = r"^\d{1,9}(\.\d{1,3})?$"
_MONEY = re.compile(MONEY_PATTERN)
_QUANTITY = re.compile(QUANTITY_PATTERN)

MoneyText = Annotated[
    str, Field(json_schema_extra={"pattern": MONEY_PATTERN}, examples=["1234.50"], description="Money, 2 places.")
]
QuantityText = Annotated[
    str,
    Field(json_schema_extra={"pattern": QUANTITY_PATTERN}, examples=["2", "0.350"], description="Quantity, > 0."),
]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EnrollRequest(_Request):
    phone: str = Field(min_length=1, max_length=40, examples=["+7 916 123-45-67"])
    email: str | None = Field(default=None, max_length=254)
    name: str = Field(default="", max_length=200)
    birthday: dt.date | None = None
    card: str | None = Field(default=None, max_length=32, pattern=r"^[0-9A-Za-z-]{4,32}$")

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError("must be an email address")
        return value or None


class LineRequest(_Request):
    sku: str = Field(min_length=1, max_length=64)
    category: str = Field(min_length=1, max_length=64)
    quantity: QuantityText
    amount: MoneyText

    @field_validator("quantity", mode="before")
    @classmethod
    def _quantity(cls, value: Any) -> str:
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not _QUANTITY.match(text) or Decimal(text) <= 0:
            raise ValueError('must be a positive decimal string like "2" or "0.350"')
        return text

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> str:
        if not isinstance(value, str) or not _MONEY.match(value):
            raise ValueError('must be a decimal string with at most 2 places, like "123.45" (not a JSON number)')
        return value


class BasketRequest(_Request):
    member_id: uuid.UUID | None = None
    card: str | None = Field(default=None, max_length=32)
    redeem_points: Annotated[int, Field(ge=0, le=100_000_000, strict=True)] = 0
    lines: list[LineRequest] = Field(min_length=1, max_length=500)


class PurchaseRequest(BasketRequest):
    receipt_no: str | None = Field(default=None, max_length=64)


class ReturnLineRequest(_Request):
    line: Annotated[int, Field(ge=1, strict=True)]
    quantity: QuantityText

    _quantity = field_validator("quantity", mode="before")(LineRequest._quantity.__func__)  # type: ignore[attr-defined]


class ReturnRequest(_Request):
    lines: list[ReturnLineRequest] = Field(min_length=1, max_length=500)


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
    created_at: dt.datetime


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
    created_at: dt.datetime
    points_reversed: int
    redeemed_points_refunded: int
    written_off: int
    balance: int
    lines: list[ReturnLineOut]


class TransactionOut(BaseModel):
    id: uuid.UUID
    kind: str
    created_at: dt.datetime
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


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    problems: list[str] | None = None
