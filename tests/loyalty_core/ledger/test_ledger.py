"""The ledger through its service functions: enrolment, expiry, returns policy, invariants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from loyalty_core.config import service as config_service
from loyalty_core.db import make_session_factory
from loyalty_core.engine import BasketLine
from loyalty_core.errors import BusinessRuleViolation, ConfigurationError, Conflict, InvalidRequest
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import Transaction
from loyalty_core.stores import service as store_service

T0 = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)
# Midnight in Moscow (the programme's zone) after local day 2026-02-09, T0's day + 30.
END_OF_DAY_30 = dt.datetime(2026, 2, 10, 0, 0, tzinfo=ZoneInfo("Europe/Moscow"))

EXPIRING = """
program: Expiry
earn: {base_rate: 10}
redemption: {point_value: "1.00", max_share: 100, min_points: 0}
expiry_days: 30
returns: {negative_balance: %s}
"""


@pytest.fixture
def session(engine: Engine) -> Any:
    s = make_session_factory(engine)()
    yield s
    s.close()


def _context(session: Session, policy: str = "allow") -> ledger.RunContext:
    version = config_service.create_version(session, "v1", EXPIRING % policy, created_by="t")
    config_service.approve(session, version, approved_by="t")
    store, _ = store_service.add_store(session, "S1", "retail")
    store_service.assign_version(session, store, version)
    session.commit()
    return ledger.run_context(store)


def _line(amount: str, qty: str = "1") -> BasketLine:
    return BasketLine("SKU", "grocery", Decimal(qty), Decimal(amount))


def _check_invariants(session: Session, member: Any) -> None:
    session.refresh(member.account)
    assert member.account.balance == ledger.ledger_sum(session, member)
    assert ledger.bucket_sum(session, member) == max(member.account.balance, 0)


def test_enrolment_normalises_the_phone_and_refuses_duplicates(session: Session) -> None:
    member = ledger.enroll(session, phone="8 (916) 123-45-67", email="Anna@Example.com")
    assert member.phone == "+79161234567" and member.email == "anna@example.com"
    assert len(member.cards[0].number) == 13
    with pytest.raises(Conflict) as dup:
        ledger.enroll(session, phone="+7 916 1234567")
    assert str(member.id) == dup.value.extra["member_id"] and "+79161234567" in dup.value.detail
    with pytest.raises(InvalidRequest, match="not a valid number"):
        ledger.enroll(session, phone="12")


def test_points_expire_after_expiry_days_and_the_job_is_safe_twice(session: Session) -> None:
    ctx = _context(session)
    member = ledger.enroll(session, phone="+79160000002")
    # +100 on local day D (2026-01-10, Moscow): valid through the end of local day D+30.
    ledger.commit_purchase(session, ctx, member, [_line("1000.00")], 0, T0)
    ledger.commit_purchase(session, ctx, member, [_line("500.00")], 0, T0 + dt.timedelta(days=10))  # +50
    session.commit()

    assert ledger.expire_points(session, T0 + dt.timedelta(days=30)) == (0, 0)
    assert ledger.expire_points(session, END_OF_DAY_30 - dt.timedelta(microseconds=1)) == (0, 0)
    assert ledger.expire_points(session, END_OF_DAY_30) == (1, 100)
    assert ledger.expire_points(session, END_OF_DAY_30) == (0, 0)  # second run: nothing
    session.commit()
    assert ledger.balance_of(session, member, END_OF_DAY_30) == 50
    _check_invariants(session, member)
    expiries = session.scalars(select(Transaction).where(Transaction.kind == "expiry")).all()
    assert [t.points_delta for t in expiries] == [-100]


def test_redemption_consumes_the_points_closest_to_expiry_first(session: Session) -> None:
    ctx = _context(session)
    member = ledger.enroll(session, phone="+79160000003")
    ledger.commit_purchase(session, ctx, member, [_line("1000.00")], 0, T0)  # 100, expire after day D+30
    ledger.commit_purchase(
        session, ctx, member, [_line("1000.00")], 0, T0 + dt.timedelta(days=20)
    )  # 100, D+50
    # Redeem 80 on an 80.00 check (earns 0): taken from the first bucket, 20 of it left.
    ledger.commit_purchase(session, ctx, member, [_line("80.00")], 80, T0 + dt.timedelta(days=21))
    session.commit()
    # When day D+30 ends only the 20 left of the first bucket expire, not the newer points.
    assert ledger.expire_points(session, END_OF_DAY_30) == (1, 20)
    session.commit()
    assert ledger.balance_of(session, member, END_OF_DAY_30) == 100
    _check_invariants(session, member)


def test_expired_points_cannot_be_redeemed_even_before_the_job_runs(session: Session) -> None:
    ctx = _context(session)
    member = ledger.enroll(session, phone="+79160000004")
    ledger.commit_purchase(session, ctx, member, [_line("1000.00")], 0, T0)
    session.commit()
    later = T0 + dt.timedelta(days=31)
    quote = ledger.quote(session, ctx, member, [_line("100.00")], 0, later)
    assert quote.balance_before == 0 and quote.max_redeemable == 0
    with pytest.raises(BusinessRuleViolation, match="balance is 0"):
        ledger.commit_purchase(session, ctx, member, [_line("100.00")], 50, later)


@pytest.mark.parametrize(
    ("policy", "balance_after", "written_off"),
    [
        # Earned 100, redeemed 100 of them on a 100.00 check (earning 0); returning the first
        # purchase reverses 100 with nothing left: "allow" owes 100, "clamp" writes 100 off.
        ("allow", -100, 0),
        ("clamp", 0, 100),
    ],
)
def test_a_return_after_the_points_were_spent_follows_the_policy(
    session: Session, policy: str, balance_after: int, written_off: int
) -> None:
    ctx = _context(session, policy)
    member = ledger.enroll(session, phone="+79160000005")
    purchase, _ = ledger.commit_purchase(session, ctx, member, [_line("1000.00")], 0, T0)
    ledger.commit_purchase(session, ctx, member, [_line("100.00")], 100, T0 + dt.timedelta(days=1))
    ret = ledger.commit_return(session, ctx.store, purchase.id, {1: Decimal(1)}, T0 + dt.timedelta(days=2))
    session.commit()
    assert ret.details.get("written_off", 0) == written_off
    assert member.account.balance == balance_after
    _check_invariants(session, member)
    if policy == "allow":
        # The debt is paid from the next earning before anything becomes spendable.
        ledger.commit_purchase(session, ctx, member, [_line("1500.00")], 0, T0 + dt.timedelta(days=3))  # +150
        session.commit()
        assert member.account.balance == 50
        _check_invariants(session, member)


def test_repeated_partial_returns_reverse_exactly_what_the_line_earned(session: Session) -> None:
    ctx = _context(session)
    member = ledger.enroll(session, phone="+79160000006")
    # 3 x 33.33 = 99.99 at 10% = 9.999 -> floor 9 points on the line.
    purchase, decision = ledger.commit_purchase(session, ctx, member, [_line("99.99", "3")], 0, T0)
    assert decision.earned_points == 9
    reversed_total = 0
    for _ in range(3):
        ret = ledger.commit_return(
            session, ctx.store, purchase.id, {1: Decimal(1)}, T0 + dt.timedelta(hours=1)
        )
        reversed_total += -ret.earned_points
    session.commit()
    assert reversed_total == 9  # half-up 3, 6, 9 cumulative: 3 + 3 + 3
    assert member.account.balance == 0
    with pytest.raises(BusinessRuleViolation, match="only 0 of 3 left"):
        ledger.commit_return(session, ctx.store, purchase.id, {1: Decimal(1)}, T0 + dt.timedelta(hours=2))
    _check_invariants(session, member)


def test_returns_lower_the_tier_spend(session: Session) -> None:
    ctx = _context(session)
    member = ledger.enroll(session, phone="+79160000007")
    purchase, _ = ledger.commit_purchase(session, ctx, member, [_line("300.00", "3")], 0, T0)
    ledger.commit_return(session, ctx.store, purchase.id, {1: Decimal(1)}, T0 + dt.timedelta(days=1))
    session.commit()
    assert ledger.spend_365(session, member, T0 + dt.timedelta(days=1)) == Decimal("200.00")
    # A year and a day later the purchase is out of the window and so is the return (day 1).
    assert ledger.spend_365(session, member, T0 + dt.timedelta(days=366)) == Decimal("0.00")


def test_every_transaction_records_its_configuration_version(session: Session) -> None:
    ctx = _context(session)
    member = ledger.enroll(session, phone="+79160000008")
    txn, _ = ledger.commit_purchase(session, ctx, member, [_line("10.00")], 0, T0)
    session.commit()
    assert txn.config_version_id == ctx.version.id


def test_an_approved_version_cannot_change(session: Session) -> None:
    version = config_service.create_version(session, "v9", EXPIRING % "allow", created_by="t")
    config_service.update_draft(
        session, version, (EXPIRING % "allow").replace("base_rate: 10", "base_rate: 11")
    )
    assert version.document["earn"]["base_rate"] == 11
    config_service.approve(session, version, approved_by="approver")
    session.commit()
    with pytest.raises(ConfigurationError, match="approved and cannot change"):
        config_service.update_draft(session, version, EXPIRING % "clamp")
    version.document = {"program": "sneaky", "earn": {"base_rate": 1}}
    with pytest.raises(ConfigurationError, match="approved"):
        session.flush()
    session.rollback()
    fresh = config_service.get_version(session, "v9")
    assert fresh.document["earn"]["base_rate"] == 11
    assert fresh.content_hash == config_service.content_hash(fresh.document)


def test_a_draft_cannot_run_in_a_store(session: Session) -> None:
    draft = config_service.create_version(session, "draft", EXPIRING % "allow", created_by="t")
    store, _ = store_service.add_store(session, "S2", "wholesale")
    with pytest.raises(Conflict, match="draft"):
        store_service.assign_version(session, store, draft)


def test_an_invalid_document_stores_nothing(session: Session) -> None:
    with pytest.raises(ConfigurationError) as error:
        config_service.create_version(session, "bad", "program: x\nearn: {base_rate: lots}\n", created_by="t")
    assert error.value.problems == ["earn.base_rate: must be a number"]
    assert session.scalar(select(func.count()).select_from(Transaction)) == 0
    assert config_service.list_versions(session) == []
