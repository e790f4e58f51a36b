"""Property tests of the ledger's invariants over random sequences of tills' operations.

Each example runs on a fresh SQLite file: purchases (with and without redemption), partial
and whole returns, and time passing (expiry). After every step:
- the balance equals the sum of the ledger entries;
- the unexpired buckets hold exactly max(balance, 0);
- a redemption never takes a non-negative balance below zero;
- a fully returned line has reversed exactly what it earned and redeemed;
- a quote and the commit of the same basket at the same moment agree figure for figure.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from loyalty_core.config import service as config_service
from loyalty_core.db import make_engine, make_session_factory, metadata
from loyalty_core.engine import BasketLine
from loyalty_core.errors import BusinessRuleViolation
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import TransactionLine
from loyalty_core.stores import service as store_service

PROGRAMME = """
program: Properties
rounding: %s
earn:
  base_rate: 5
  category_rates: {dairy: 7.5}
  excluded_categories: [tobacco]
tiers:
  - {code: base, threshold: "0.00"}
  - {code: gold, threshold: "3000.00", multiplier: 1.5}
redemption: {point_value: "%s", max_share: %s, min_points: %s}
expiry_days: 40
returns: {negative_balance: %s}
promotions:
  - {code: X2, kind: multiplier, multiplier: 2, priority: 5, conditions: {categories: [dairy]}}
  - {code: BONUS, kind: extra_points, points: 25, priority: 1, conditions: {min_check: "500.00"}}
"""

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2500.00"), places=2)
line = st.tuples(st.sampled_from(["dairy", "bread", "tobacco", "toys"]), st.integers(1, 4), money)
purchase = st.tuples(st.just("buy"), st.lists(line, min_size=1, max_size=4), st.floats(0, 1))
give_back = st.tuples(st.just("return"), st.integers(0, 50), st.integers(0, 3), st.integers(1, 4))
# Time passes; the expiry job may or may not run (purchases must expire due points themselves).
wait = st.tuples(st.just("wait"), st.integers(1, 45), st.booleans())
operations = st.lists(st.one_of(purchase, purchase, give_back, wait), min_size=1, max_size=14)
programmes = st.tuples(
    st.sampled_from(["floor", "ceil", "half_up", "half_even"]),
    st.sampled_from(["1.00", "0.50", "2.00"]),
    st.sampled_from([30, 50, 100]),
    st.sampled_from([0, 10]),
    st.sampled_from(["allow", "clamp"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programme=programmes, ops=operations)
def test_ledger_invariants_hold_for_any_sequence(programme: tuple, ops: list) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'p.db'}")
        metadata.create_all(engine)
        session = make_session_factory(engine)()
        try:
            _run(session, programme, ops)
        finally:
            session.close()
            engine.dispose()


def _run(session, programme: tuple, ops: list) -> None:
    version = config_service.create_version(session, "v1", PROGRAMME % programme, created_by="t")
    config_service.approve(session, version, approved_by="t")
    store, _ = store_service.add_store(session, "P1", "retail")
    store_service.assign_version(session, store, version)
    member = ledger.enroll(session, phone="+79160000009")
    session.commit()
    ctx = ledger.run_context(store)
    now = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC)
    purchases = []

    for op in ops:
        now += dt.timedelta(minutes=7)
        if op[0] == "buy":
            lines = [
                BasketLine(f"S{i}", cat, Decimal(qty), amount) for i, (cat, qty, amount) in enumerate(op[1])
            ]
            before = ledger.quote(session, ctx, member, lines, 0, now)
            redeem = int(before.max_redeemable * op[2])
            if 0 < redeem < ctx.config.redemption.min_points:
                redeem = 0
            quoted = ledger.quote(session, ctx, member, lines, redeem, now)
            txn, committed = ledger.commit_purchase(session, ctx, member, lines, redeem, now)
            session.commit()
            assert committed == quoted, "quote and commit of the same basket must agree"
            if committed.balance_before >= 0:
                assert committed.balance_before - committed.redeemed_points >= 0
            purchases.append(txn.id)
        elif op[0] == "return" and purchases:
            target = purchases[op[1] % len(purchases)]
            stored = session.scalars(
                select(TransactionLine)
                .where(TransactionLine.transaction_id == target)
                .order_by(TransactionLine.line_no)
            ).all()
            chosen = stored[op[2] % len(stored)]
            left = chosen.quantity - chosen.returned_quantity
            if left > 0:
                qty = min(left, Decimal(op[3]))
                ledger.commit_return(session, store, target, {chosen.line_no: qty}, now)
                session.commit()
            else:
                try:
                    ledger.commit_return(session, store, target, {chosen.line_no: Decimal(1)}, now)
                    raise AssertionError("returning more than was bought must be refused")
                except BusinessRuleViolation:
                    session.rollback()
        elif op[0] == "wait":
            now += dt.timedelta(days=op[1])
            if op[2]:
                ledger.expire_points(session, now)
                session.commit()

        session.refresh(member.account)
        balance = member.account.balance
        assert balance == ledger.ledger_sum(session, member)
        assert ledger.bucket_sum(session, member) == max(balance, 0)
        assert ledger.balance_of(session, member, now) <= max(balance, 0) or balance < 0
        if ctx.config.returns.negative_balance.value == "clamp":
            assert balance >= 0

    for stored_line in session.scalars(
        select(TransactionLine).where(TransactionLine.original_line_id.is_(None))
    ):
        if stored_line.returned_quantity == stored_line.quantity:
            assert stored_line.reversed_points == stored_line.points
            assert stored_line.refunded_points == stored_line.redeemed_points
        else:
            assert 0 <= stored_line.reversed_points <= stored_line.points
            assert 0 <= stored_line.refunded_points <= stored_line.redeemed_points
