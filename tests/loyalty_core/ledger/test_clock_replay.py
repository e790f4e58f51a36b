"""One meaning of "N days": the zone of the clock the core is handed changes no result.

The same 1,000 random operations (purchases with and without redemption, partial returns,
expiry runs, time passing, often close to midnight and across Moscow's DST changes of
1997-2000) are replayed under a UTC clock, a clock in the programme's own zone and one in a
third zone: the ledgers come out identical, entry for entry.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.config import service as config_service
from loyalty_core.db import make_engine, make_session_factory, metadata
from loyalty_core.engine import BasketLine
from loyalty_core.errors import BusinessRuleViolation
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import EarnBucket, LedgerEntry, Transaction, TransactionLine
from loyalty_core.stores import service as store_service

MOSCOW = ZoneInfo("Europe/Moscow")
PROGRAMME = """
program: Days
timezone: Europe/Moscow
earn: {base_rate: 5}
tiers:
  - {code: base, threshold: "0.00"}
  - {code: silver, threshold: "3000.00", multiplier: 1.5}
redemption: {point_value: "1.00", max_share: 50, min_points: 0}
expiry_days: 60
returns: {window_days: 45}
"""
START = dt.datetime(1997, 1, 20, 21, 30, tzinfo=dt.UTC)  # 00:30 Moscow time, winter


def _operations(seed: int, count: int) -> list[tuple[Any, ...]]:
    """`count` operations as plain data (moments as UTC instants), the same for every replay."""
    rng = random.Random(seed)
    now = START
    ops: list[tuple[Any, ...]] = []
    for _ in range(count):
        # Mostly hours, sometimes days: a run spans about three years and six DST changes.
        now += dt.timedelta(minutes=rng.choice([7, 55, 60 * 5, 60 * 23, 60 * 24, 60 * 24 * 5]))
        kind = rng.choices(["buy", "return", "expire"], weights=[6, 2, 1])[0]
        if kind == "buy":
            amount = Decimal(rng.randrange(100, 300_000)) / 100
            ops.append(("buy", now, rng.randrange(1, 4), amount, rng.random()))
        elif kind == "return":
            ops.append(("return", now, rng.randrange(1000), rng.choice(["1", "0.5"])))
        else:
            ops.append(("expire", now))
    return ops


def _replay(ops: list[tuple[Any, ...]], clock_zone: dt.tzinfo) -> list[Any]:
    """Run the operations with every moment handed in `clock_zone`; the resulting ledger."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'replay.db'}")
        metadata.create_all(engine)
        session = make_session_factory(engine)()
        try:
            _run(session, ops, clock_zone)
            return _ledger(session)
        finally:
            session.close()
            engine.dispose()


def _run(session: Session, ops: list[tuple[Any, ...]], clock_zone: dt.tzinfo) -> None:
    version = config_service.create_version(session, "v1", PROGRAMME, created_by="t")
    config_service.approve(session, version, approved_by="t")
    store, _ = store_service.add_store(session, "D1", "retail")
    store_service.assign_version(session, store, version, at=START.astimezone(clock_zone))
    member = ledger.enroll(session, phone="+79160000301", at=START.astimezone(clock_zone))
    session.commit()
    ctx = ledger.run_context(store)
    purchases: list[Any] = []
    for op in ops:
        at = op[1].astimezone(clock_zone)
        if op[0] == "buy":
            lines = [BasketLine("SKU", "grocery", Decimal(op[2]), op[3])]
            quoted = ledger.quote(session, ctx, member, lines, 0, at)
            # A quarter of the purchases redeem (part of) what they may, so points also live to expire.
            redeem = int(quoted.max_redeemable * (op[4] - 0.75) * 4) if op[4] > 0.75 else 0
            txn, _ = ledger.commit_purchase(session, ctx, member, lines, redeem, at)
            purchases.append(txn.id)
        elif op[0] == "return" and purchases:
            _give_back(session, store, purchases[op[2] % len(purchases)], Decimal(op[3]), at)
        elif op[0] == "expire":
            ledger.expire_points(session, at)
        session.commit()


def _give_back(session: Session, store: Any, purchase_id: Any, quantity: Decimal, at: dt.datetime) -> None:
    line = session.scalar(select(TransactionLine).where(TransactionLine.transaction_id == purchase_id))
    assert line is not None
    quantity = min(quantity, line.quantity - line.returned_quantity)
    if quantity <= 0:
        return
    try:
        ledger.commit_return(session, store, purchase_id, {1: quantity}, at)
    except BusinessRuleViolation as refused:  # past the 45-day window: refused the same way by every clock
        session.rollback()
        assert "return window" in refused.detail


def _ledger(session: Session) -> list[Any]:
    """Everything the ledger holds, without generated ids, in a stable order."""
    txns = [
        (
            t.kind,
            t.created_at,
            t.spend_at,
            t.points_delta,
            t.earned_points,
            t.redeemed_points,
            t.spend_delta,
            t.tier,
        )
        for t in session.scalars(select(Transaction).order_by(Transaction.created_at, Transaction.id))
    ]
    entries = [
        (e.kind, e.points, e.created_at)
        for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))
    ]
    buckets = [
        (b.earned_at, b.expires_at, b.points, b.remaining)
        for b in session.scalars(select(EarnBucket).order_by(EarnBucket.id))
    ]
    return [txns, entries, buckets]


def test_a_utc_clock_and_local_clocks_give_identical_ledgers_over_1000_operations() -> None:
    ops = _operations(seed=17, count=1000)
    under_utc = _replay(ops, dt.UTC)
    assert len(under_utc[0]) > 600 and any(t[0] == "expiry" for t in under_utc[0])
    assert any(t[0] == "return" for t in under_utc[0])
    assert _replay(ops, MOSCOW) == under_utc
    assert _replay(ops, ZoneInfo("America/New_York")) == under_utc


def test_the_dst_example_points_earned_in_winter_are_valid_all_day_180_days_later() -> None:
    """61 points earned 1997-01-30 10:09 MSK, expiry_days 180: valid through local 1997-07-29.

    A purchase at 10:46 MSD that day still finds them, under a Moscow clock and a UTC clock
    alike (before, one clock had them expired at 10:09 MSD and the other still valid until
    11:09 MSD); they expire at midnight Moscow time, 20:00 UTC.
    """
    earned = dt.datetime(1997, 1, 30, 10, 9, tzinfo=MOSCOW)
    spent = dt.datetime(1997, 7, 29, 10, 46, tzinfo=MOSCOW)
    midnight = dt.datetime(1997, 7, 30, 0, 0, tzinfo=MOSCOW)
    assert midnight == dt.datetime(1997, 7, 29, 20, 0, tzinfo=dt.UTC)
    for clock in (MOSCOW, dt.UTC):
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'dst.db'}")
            metadata.create_all(engine)
            session = make_session_factory(engine)()
            try:
                version = config_service.create_version(
                    session, "v1", PROGRAMME.replace("expiry_days: 60", "expiry_days: 180"), created_by="t"
                )
                config_service.approve(session, version, approved_by="t")
                store, _ = store_service.add_store(session, "D1", "retail")
                store_service.assign_version(session, store, version)
                ctx = ledger.run_context(store)
                member = ledger.enroll(session, phone="+79160000302", at=earned.astimezone(clock))
                lines = [BasketLine("SKU", "grocery", Decimal(1), Decimal("1220.00"))]  # 5% = 61
                ledger.commit_purchase(session, ctx, member, lines, 0, earned.astimezone(clock))
                session.commit()

                quote = ledger.quote(session, ctx, member, lines, 0, spent.astimezone(clock))
                assert quote.balance_before == 61, clock
                assert ledger.expire_points(
                    session, (midnight - dt.timedelta(seconds=1)).astimezone(clock)
                ) == (0, 0)
                assert ledger.expire_points(session, midnight.astimezone(clock)) == (1, 61)
            finally:
                session.close()
                engine.dispose()
