"""The till's fast path (PostgreSQL: one read, one PL/pgSQL call) writes exactly what the held-back
ORM path writes, on the same random baskets and histories.

Each example enrols two members and runs the same random history for both: purchases (with
and without redemption, some refused, some in excluded categories), returns (through the ORM,
for both), and time passing (months, so points expire and purchases leave the 365-day window;
the programme's zone is Moscow). Member A's purchases go through the ORM path
(`ledger.commit_purchase_for`), member B's through `fastpath.commit` as the API calls it
(falling back to the ORM path where the API does). After every step the two members have the
same transactions, lines, ledger entries, buckets and balances, figure for figure (ids aside),
and a refusal is the same refusal. On SQLite the API runs the ORM path for both: the test
checks the interface there; on PostgreSQL it checks the PL/pgSQL function and the monthly
spend against the ORM.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from loyalty_core.api import serializers
from loyalty_core.db import make_session_factory
from loyalty_core.engine import BasketLine
from loyalty_core.errors import LoyaltyError
from loyalty_core.ledger import fastpath
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import Account, EarnBucket, LedgerEntry, Transaction, TransactionLine
from loyalty_core.stores import service as store_service
from tests.loyalty_core.conftest import setup_programme

START = dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC)
CATEGORIES = ["dairy", "grocery", "tobacco", "bakery"]

line = st.tuples(
    st.sampled_from(CATEGORIES),
    st.integers(min_value=1, max_value=3),
    st.integers(min_value=1, max_value=900_000),  # kopecks: up to 9,000.00 a line
)
purchase = st.tuples(
    st.just("purchase"),
    st.lists(line, min_size=1, max_size=4),
    st.sampled_from([0, 0, 10, 50, 400, 100_000]),  # 100,000: more than any balance here
)
passing = st.tuples(st.just("time"), st.integers(min_value=0, max_value=130), st.integers(0, 23))
giving_back = st.tuples(st.just("return"), st.integers(min_value=1, max_value=4))
history = st.lists(st.one_of(purchase, purchase, passing, giving_back), min_size=1, max_size=10)


def _setup(engine: Engine) -> tuple[str, ledger.RunContext]:
    session = make_session_factory(engine)()
    version = setup_programme(session, label=f"v-{uuid.uuid4().hex[:8]}")
    store, key = store_service.add_store(session, f"E{uuid.uuid4().hex[:6]}", "retail")
    store_service.assign_version(session, store, version)
    session.commit()
    ctx = ledger.run_context(store)
    session.close()
    return key, ctx


def _enrol(session: Session, n: int, at: dt.datetime) -> uuid.UUID:
    member = ledger.enroll(session, phone=f"+7916{uuid.uuid4().int % 10**7:07d}", name=f"m{n}", at=at)
    member.account.updated_at = at  # the account's default is the wall clock; the two must match
    session.commit()
    return member.id


def _basket(lines: list[tuple[str, int, int]]) -> list[BasketLine]:
    return [
        BasketLine(f"SKU{i}", category, Decimal(quantity), Decimal(kopecks).scaleb(-2))
        for i, (category, quantity, kopecks) in enumerate(lines)
    ]


def _orm_purchase(engine: Engine, ctx: ledger.RunContext, member: uuid.UUID, op: Any, at: dt.datetime) -> Any:
    session = make_session_factory(engine)()
    try:
        ledger.commit_purchase_for(
            session,
            ctx,
            member_id=str(member),
            card=None,
            lines=_basket(op[1]),
            redeem_points=op[2],
            at=at,
            recorded_at=at,
        )
        session.commit()
        return "ok"
    except LoyaltyError as exc:
        session.rollback()
        return (type(exc).__name__, str(exc))
    finally:
        session.close()


def _fast_purchase(
    engine: Engine, key: str, ctx: ledger.RunContext, member: uuid.UUID, op: Any, at: dt.datetime
) -> Any:
    """What the API's purchase does: the fast path where it applies, the ORM path otherwise."""
    session = make_session_factory(engine)()
    try:
        if not fastpath.enabled(engine):
            return _orm_purchase(engine, ctx, member, op, at)
        store = fastpath.cached_store(session, key, at)
        receipt = fastpath.Receipt(
            key=uuid.uuid4().hex,
            digest="d",
            member_id=str(member),
            card=None,
            lines=_basket(op[1]),
            redeem_points=op[2],
            receipt_no=None,
        )
        if fastpath.commit(session, store, receipt, at, serializers.purchase) is None:
            return _orm_purchase(engine, ctx, member, op, at)
        return "ok"
    except LoyaltyError as exc:
        return (type(exc).__name__, str(exc))
    finally:
        session.close()


def _return_last(engine: Engine, store: Any, member: uuid.UUID, line_no: int, at: dt.datetime) -> Any:
    session = make_session_factory(engine)()
    try:
        purchase_id = session.scalar(
            select(Transaction.id)
            .where(Transaction.member_id == member, Transaction.kind == "purchase")
            .order_by(Transaction.created_at.desc(), Transaction.id.desc())
            .limit(1)
        )
        if purchase_id is None:
            return "none"
        ledger.commit_return(session, store, purchase_id, {line_no: Decimal(1)}, at, recorded_at=at)
        session.commit()
        return "ok"
    except LoyaltyError as exc:
        session.rollback()
        return (type(exc).__name__, str(exc))
    finally:
        session.close()


def _snapshot(session: Session, member: uuid.UUID) -> dict[str, Any]:
    """Everything the ledger holds for a member, with ids replaced by their order."""
    txns = list(
        session.scalars(
            select(Transaction)
            .where(Transaction.member_id == member)
            .order_by(Transaction.created_at, Transaction.id)
        )
    )
    order = {t.id: n for n, t in enumerate(txns)}
    account = session.scalar(select(Account).where(Account.member_id == member))
    assert account is not None
    lines = session.scalars(
        select(TransactionLine)
        .where(TransactionLine.transaction_id.in_(list(order)))
        .order_by(TransactionLine.id)
    )
    entries = session.scalars(
        select(LedgerEntry).where(LedgerEntry.account_id == account.id).order_by(LedgerEntry.id)
    )
    buckets = session.scalars(
        select(EarnBucket).where(EarnBucket.account_id == account.id).order_by(EarnBucket.id)
    )
    return {
        "transactions": [
            (
                order[t.id], t.kind, t.store_id, t.config_version_id, order.get(t.original_id), t.receipt_no,
                t.created_at, t.recorded_at, t.check_total, t.redeemed_points, t.redeemed_value,
                t.earned_points, t.points_delta, t.spend_delta, t.spend_at, t.tier,
                t.details if t.kind != "expiry" else len(t.details["buckets"]),
            )
            for t in txns
        ],
        "lines": [
            (
                order[x.transaction_id], x.line_no, x.sku, x.category, x.quantity, x.amount,
                x.redeemed_points, x.redeemed_value, x.points, x.returned_quantity, x.reversed_points,
                x.refunded_points, x.returned_amount, x.returned_paid, x.original_line_id is not None,
            )
            for x in lines
        ],
        "entries": [(order.get(e.transaction_id), e.kind, e.points, e.created_at) for e in entries],
        "buckets": [
            (order.get(b.transaction_id), b.earned_at, b.expires_at, b.points, b.remaining) for b in buckets
        ],
        "account": (account.balance, account.next_expiry_at, account.updated_at),
    }  # fmt: skip


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=history)
def test_fast_path_writes_what_the_orm_path_writes(engine: Engine, steps: list[Any]) -> None:
    key, ctx = _setup(engine)
    session = make_session_factory(engine)()
    orm_member, fast_member = _enrol(session, 1, START), _enrol(session, 2, START)
    session.close()
    at = START
    for op in steps:
        at += dt.timedelta(hours=1)
        if op[0] == "time":
            at += dt.timedelta(days=op[1], hours=op[2])
            continue
        if op[0] == "return":
            outcomes = [_return_last(engine, ctx.store, m, op[1], at) for m in (orm_member, fast_member)]
        else:
            outcomes = [
                _orm_purchase(engine, ctx, orm_member, op, at),
                _fast_purchase(engine, key, ctx, fast_member, op, at),
            ]
        assert outcomes[0] == outcomes[1], op
        session = make_session_factory(engine)()
        assert _snapshot(session, orm_member) == _snapshot(session, fast_member), op
        session.close()
