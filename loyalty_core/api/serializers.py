"""Domain objects to response bodies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from loyalty_core.api import schemas
from loyalty_core.config.schema import ProgramConfig
from loyalty_core.engine import BasketLine, Decision
from loyalty_core.ledger.fastpath import NewPurchase, Receipt
from loyalty_core.ledger.models import Member, Transaction
from loyalty_core.ledger.phone import mask_phone
from loyalty_core.ledger.service import promotion_records, skipped_records
from loyalty_core.money import money_str


def _num(value: Decimal) -> str:
    """A rate or quantity without trailing zeros (7, 1.5, 0.35)."""
    text = format(value.normalize(), "f")
    return text


def basket_lines(body: schemas.BasketRequest) -> list[BasketLine]:
    return [
        BasketLine(line.sku, line.category, Decimal(line.quantity), Decimal(line.amount))
        for line in body.lines
    ]


def receipt(key: str, digest: str, body: schemas.PurchaseRequest) -> Receipt:
    """A parsed purchase with its Idempotency-Key and body digest, as the fast path takes it."""
    return Receipt(
        key=key,
        digest=digest,
        member_id=str(body.member_id) if body.member_id else None,
        card=body.card,
        lines=basket_lines(body),
        redeem_points=body.redeem_points,
        receipt_no=body.receipt_no,
    )


def member(m: Member, *, balance: int, spend: Decimal, config: ProgramConfig | None) -> dict[str, Any]:
    tier = config.tier_for(spend) if config else None
    return schemas.MemberOut(
        id=m.id,
        name=m.name,
        phone_masked=mask_phone(m.phone),
        cards=[c.number for c in m.cards],
        balance=balance,
        tier=tier.code if tier else None,
        spend_365=money_str(spend),
        enrolled_at=m.enrolled_at,
    ).model_dump(mode="json")


def moment(value: dt.datetime) -> str:
    """A moment as pydantic writes it in JSON: ISO 8601, UTC as "Z"."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# The quote and the purchase are written as plain dicts, not through their pydantic models
# (schemas.QuoteOut, PurchaseOut): with 200 promotions the models cost the till several times
# the points math. The models still define the OpenAPI document, and
# tests/loyalty_core/api/test_serializers.py checks each body is exactly the model's dump.
def _quote_fields(decision: Decision, member_id: Any, store: str, version: str) -> dict[str, Any]:
    return {
        "member_id": str(member_id),
        "store": store,
        "config_version": version,
        "check_total": money_str(decision.check_total),
        "tier": decision.tier,
        "balance": decision.balance_before,
        "max_redeemable": decision.max_redeemable,
        "redeemed_points": decision.redeemed_points,
        "redeemed_value": money_str(decision.redeemed_value),
        "earned_points": decision.earned_points,
        "balance_after": decision.balance_after,
        "lines": [
            {
                "line": line.index,
                "sku": line.sku,
                "category": line.category,
                "quantity": _num(line.quantity),
                "amount": money_str(line.amount),
                "redeemed_points": line.redeemed_points,
                "redeemed_value": money_str(line.redeemed_value),
                "earn_base": money_str(line.earn_base),
                "rate": _num(line.rate),
                "multiplier": _num(line.multiplier),
                "points": line.points,
            }
            for line in decision.lines
        ],
        "promotions": promotion_records(decision),
        "not_applied": skipped_records(decision),
    }


def quote(decision: Decision, member_id: Any, store: str, version: str) -> dict[str, Any]:
    """The body of a quote (schemas.QuoteOut)."""
    return _quote_fields(decision, member_id, store, version)


def purchase(decision: Decision, txn: Transaction | NewPurchase, store: str, version: str) -> dict[str, Any]:
    """The body of a committed purchase (schemas.PurchaseOut)."""
    body = _quote_fields(decision, txn.member_id, store, version)
    body["id"] = str(txn.id)
    body["receipt_no"] = txn.receipt_no
    body["created_at"] = moment(txn.created_at)
    body["recorded_at"] = moment(txn.recorded_at)
    return body


def return_(txn: Transaction, store: str, balance: int) -> dict[str, Any]:
    assert txn.original_id is not None, "a return always names its purchase"
    return schemas.ReturnOut(
        id=txn.id,
        purchase_id=txn.original_id,
        member_id=txn.member_id,
        store=store,
        created_at=txn.created_at,
        recorded_at=txn.recorded_at,
        points_reversed=-txn.earned_points,
        redeemed_points_refunded=-txn.redeemed_points,
        written_off=int(txn.details.get("written_off", 0)),
        balance=balance,
        lines=[
            schemas.ReturnLineOut(
                line=line.line_no,
                quantity=_num(line.quantity),
                amount=money_str(line.amount),
                points_reversed=line.points,
                redeemed_points_refunded=line.redeemed_points,
            )
            for line in txn.lines
        ],
    ).model_dump(mode="json")


def transaction(txn: Transaction) -> schemas.TransactionOut:
    return schemas.TransactionOut(
        id=txn.id,
        kind=txn.kind,
        created_at=txn.created_at,
        recorded_at=txn.recorded_at,
        store=txn.store.code if txn.store else None,
        config_version=txn.config_version.label if txn.config_version else None,
        original_id=txn.original_id,
        receipt_no=txn.receipt_no,
        check_total=money_str(txn.check_total),
        redeemed_points=txn.redeemed_points,
        earned_points=txn.earned_points,
        points_delta=txn.points_delta,
        lines=[
            {
                "line": line.line_no,
                "sku": line.sku,
                "category": line.category,
                "quantity": _num(line.quantity),
                "amount": money_str(line.amount),
                "points": line.points,
                "redeemed_points": line.redeemed_points,
                "returned_quantity": _num(line.returned_quantity),
            }
            for line in txn.lines
        ],
    )


def history(member_id: Any, balance: int, txns: list[Transaction], next_cursor: str | None) -> dict[str, Any]:
    return schemas.TransactionsOut(
        member_id=member_id, balance=balance, transactions=[transaction(t) for t in txns], next=next_cursor
    ).model_dump(mode="json")
