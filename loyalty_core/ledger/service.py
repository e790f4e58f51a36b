"""Enrolment, purchases, returns, expiry and history: the ledger's unit-of-work steps.

Every function takes a session and flushes; the caller commits. Every change to a member's
points first locks the member's account row (SELECT ... FOR UPDATE on PostgreSQL), so
concurrent tills serialise per member and a balance never goes below zero by redemption.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from loyalty_core.config.models import ConfigVersion
from loyalty_core.config.schema import NegativeBalancePolicy, ProgramConfig
from loyalty_core.config.service import program_config
from loyalty_core.engine import Basket, BasketLine, Decision, MemberState, ReturnableLine, calculate, plan_return
from loyalty_core.errors import BusinessRuleViolation, Conflict, InvalidRequest, NotFound
from loyalty_core.ledger.enums import EntryKind, TransactionKind
from loyalty_core.ledger.models import (
    Account,
    Card,
    EarnBucket,
    LedgerEntry,
    Member,
    Transaction,
    TransactionLine,
)
from loyalty_core.ledger.phone import normalise_phone
from loyalty_core.money import ZERO
from loyalty_core.stores.models import Store

SPEND_WINDOW = dt.timedelta(days=365)
CARD_PREFIX = "277"

# The till's hot path runs prebuilt table-level statements: built and cache-keyed once, and
# executed on the session's connection without the ORM's bulk machinery.
_INSERT_LINES = insert(TransactionLine.__table__)  # type: ignore[arg-type]  # a Table, typed FromClause
_INSERT_ENTRIES = insert(LedgerEntry.__table__)  # type: ignore[arg-type]
_INSERT_BUCKET = insert(EarnBucket.__table__)  # type: ignore[arg-type]


# --- members ---------------------------------------------------------------------------------


def _card_check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return str((10 - total % 10) % 10)


def new_card_number() -> str:
    """A 13-digit card number in the in-store EAN range (prefix 277) with its check digit."""
    body = CARD_PREFIX + "".join(secrets.choice("0123456789") for _ in range(9))
    return body + _card_check_digit(body)


def enroll(
    session: Session,
    *,
    phone: str,
    email: str | None = None,
    name: str = "",
    birthday: dt.date | None = None,
    card: str | None = None,
    store: Store | None = None,
    at: dt.datetime | None = None,
) -> Member:
    """Enrol a member with a points account and a card; duplicates are a Conflict naming them."""
    e164 = normalise_phone(phone)
    email = email.strip().lower() if email else None
    existing = session.scalar(select(Member).where(Member.phone == e164))
    if existing is not None:
        raise Conflict(f"a member with phone {e164} already exists", field="phone", member_id=str(existing.id))
    if email:
        existing = session.scalar(select(Member).where(Member.email == email))
        if existing is not None:
            raise Conflict(f"a member with email {email} already exists", field="email", member_id=str(existing.id))
    number = (card or "").strip() or new_card_number()
    holder = session.scalar(select(Card).where(Card.number == number))
    if holder is not None:
        raise Conflict(f"card {number} already belongs to a member", field="card", member_id=str(holder.member_id))
    moment = at or dt.datetime.now(dt.timezone.utc)
    member = Member(
        phone=e164,
        email=email,
        name=name.strip(),
        birthday=birthday,
        enrolled_at=moment,
        enrolled_store_id=store.id if store else None,
    )
    session.add(member)
    session.flush()
    session.add_all([Card(number=number, member_id=member.id, issued_at=moment), Account(member_id=member.id)])
    try:
        session.flush()
    except IntegrityError:
        # A concurrent enrolment of the same phone/card won the race.
        raise Conflict(f"a member with phone {e164} or card {number} already exists", field="phone") from None
    return member


def get_member(session: Session, member_id: str | uuid.UUID) -> Member:
    try:
        key = member_id if isinstance(member_id, uuid.UUID) else uuid.UUID(str(member_id))
    except ValueError:
        raise NotFound(f"no member {member_id!r}", field="member_id") from None
    member = session.get(Member, key, options=[selectinload(Member.cards), selectinload(Member.account)])
    if member is None:
        raise NotFound(f"no member {member_id}", field="member_id")
    return member


def find_member(session: Session, *, card: str | None = None, phone: str | None = None) -> Member:
    """A member by card number or phone (any spelling that normalises to the same E.164)."""
    if card:
        member = session.scalar(select(Member).join(Card).where(Card.number == card.strip()))
        if member is None:
            raise NotFound(f"no member holds card {card}", field="card")
        return member
    if phone:
        e164 = normalise_phone(phone)
        member = session.scalar(select(Member).where(Member.phone == e164))
        if member is None:
            raise NotFound(f"no member with phone {e164}", field="phone")
        return member
    raise InvalidRequest("look a member up by ?card= or ?phone=", field="card")


def resolve_member(session: Session, *, member_id: str | None, card: str | None) -> Member:
    if member_id:
        return get_member(session, member_id)
    if card:
        return find_member(session, card=card)
    raise InvalidRequest("name the member with member_id or card", field="member_id")


# --- state -----------------------------------------------------------------------------------


def _account(session: Session, member: Member, *, lock: bool) -> Account:
    return _account_by_member_id(session, member.id, lock=lock)


def _account_by_member_id(session: Session, member_id: uuid.UUID, *, lock: bool) -> Account:
    query = select(Account).where(Account.member_id == member_id)
    if lock:
        # populate_existing: the row may already sit in the session from before the lock was
        # taken; without it the stale balance would win over the one just read under the lock.
        query = query.with_for_update().execution_options(populate_existing=True)
    account = session.scalar(query)
    if account is None:  # enrolment always creates one; this is a broken row, not user error
        raise NotFound(f"member {member_id} has no points account", field="member_id")
    return account


def spend_365(session: Session, member: Member, at: dt.datetime) -> Decimal:
    """Money paid in the 365 days before `at`, net of returns (returns count on their day)."""
    return _spend_365(session, member.id, at)


def _spend_365(session: Session, member_id: uuid.UUID, at: dt.datetime) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(Transaction.spend_delta), 0)).where(
            Transaction.member_id == member_id,
            Transaction.created_at > at - SPEND_WINDOW,
            Transaction.created_at <= at,
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def _due_buckets(session: Session, account: Account, at: dt.datetime) -> list[EarnBucket]:
    if account.next_expiry_at is None or account.next_expiry_at > at:
        return []
    return list(
        session.scalars(
            select(EarnBucket).where(
                EarnBucket.account_id == account.id,
                EarnBucket.remaining > 0,
                EarnBucket.expires_at.is_not(None),
                EarnBucket.expires_at <= at,
            )
        )
    )


def _effective_balance(session: Session, account: Account, at: dt.datetime) -> int:
    """The balance with points already past their expiry taken away (even if the job has not run)."""
    due = sum(b.remaining for b in _due_buckets(session, account, at))
    return account.balance - due


def member_state(session: Session, member: Member, account: Account, at: dt.datetime) -> MemberState:
    return MemberState(
        balance=_effective_balance(session, account, at),
        spend_365=spend_365(session, member, at),
        birthday=member.birthday,
    )


def balance_of(session: Session, member: Member, at: dt.datetime | None = None) -> int:
    moment = at or dt.datetime.now(dt.timezone.utc)
    return _effective_balance(session, _account(session, member, lock=False), moment)


# --- purchases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunContext:
    """The store a request comes from and the configuration version it runs under."""

    store: Store
    version_id: int
    version_label: str
    config: ProgramConfig
    version: ConfigVersion


def run_context(store: Store, version: ConfigVersion | None = None) -> RunContext:
    """What a request of this store runs under: `version` as the POS resolved it for the
    request's moment (the store's dated assignments), else the store's undated one. Resolved
    once per request, so a request in flight never changes version half-way."""
    version = version if version is not None else store.active_version
    if version is None:
        raise Conflict(
            f"store {store.code} has no active configuration version; assign one first", field="store"
        )
    # program_config caches by (id, content hash): the document is only read on a miss.
    return RunContext(store, version.id, version.label, program_config(version), version)


def quote(
    session: Session, ctx: RunContext, member: Member, lines: list[BasketLine], redeem_points: int, at: dt.datetime
) -> Decision:
    """What a purchase would give, with no side effects."""
    account = _account(session, member, lock=False)
    basket = Basket(tuple(lines), ctx.store.code, ctx.store.direction, redeem_points)
    return calculate(basket, member_state(session, member, account, at), ctx.config, at)


def _expiry_for(config: ProgramConfig, earned_at: dt.datetime) -> dt.datetime | None:
    return earned_at + dt.timedelta(days=config.expiry_days) if config.expiry_days else None


def _post(
    session: Session,
    account: Account,
    txn_id: uuid.UUID | None,
    postings: list[tuple[EntryKind, int]],
    at: dt.datetime,
) -> None:
    """Write ledger entries and move the cached balance by the same amount (the two never part).

    Buckets are filled separately (`_bucket`) from the balance *before* these postings, which
    is why callers post first and compute buckets from the debt they saw.
    """
    if not postings:
        return
    session.connection().execute(
        _INSERT_ENTRIES,
        [
            {"account_id": account.id, "transaction_id": txn_id, "kind": kind.value, "points": points, "created_at": at}
            for kind, points in postings
        ],
    )
    account.balance += sum(points for _, points in postings)
    account.updated_at = at


def _entry(
    session: Session, account: Account, txn_id: uuid.UUID | None, kind: EntryKind, points: int, at: dt.datetime
) -> None:
    _post(session, account, txn_id, [(kind, points)], at)


def _drain(session: Session, account: Account, points: int, first: list[EarnBucket] | None = None) -> None:
    """Take points from buckets: the given ones first, then the soonest to expire."""
    if points <= 0:
        return
    ordered = list(first or [])
    seen = {b.id for b in ordered}
    rest = session.scalars(
        select(EarnBucket)
        .where(EarnBucket.account_id == account.id, EarnBucket.remaining > 0)
        .order_by(EarnBucket.expires_at.is_(None), EarnBucket.expires_at, EarnBucket.earned_at, EarnBucket.id)
    )
    ordered.extend(b for b in rest if b.id not in seen)
    for bucket in ordered:
        if points == 0:
            break
        take = min(bucket.remaining, points)
        bucket.remaining -= take
        points -= take


def _bucket(
    session: Session,
    account: Account,
    txn_id: uuid.UUID,
    points: int,
    at: dt.datetime,
    expires_at: dt.datetime | None,
) -> None:
    """File points just credited into a bucket; a debt the account had is paid back first.

    Called after the credit was posted: the debt before it is what the new balance lacks.
    """
    debt_before = max(0, -(account.balance - points))
    spendable = max(0, points - debt_before)
    if not spendable:
        return
    session.connection().execute(
        _INSERT_BUCKET,
        {
            "account_id": account.id,
            "transaction_id": txn_id,
            "earned_at": at,
            "expires_at": expires_at,
            "points": points,
            "remaining": spendable,
        },
    )
    if expires_at is not None and (account.next_expiry_at is None or expires_at < account.next_expiry_at):
        account.next_expiry_at = expires_at


def _credit(
    session: Session,
    account: Account,
    txn_id: uuid.UUID,
    kind: EntryKind,
    points: int,
    at: dt.datetime,
    expires_at: dt.datetime | None,
) -> None:
    """Add points and file them into a bucket."""
    if points <= 0:
        return
    _entry(session, account, txn_id, kind, points, at)
    _bucket(session, account, txn_id, points, at, expires_at)


def _expire_due(session: Session, account: Account, at: dt.datetime) -> int:
    due = _due_buckets(session, account, at)
    points = sum(b.remaining for b in due)
    if points <= 0:
        return 0
    txn = Transaction(
        kind=TransactionKind.expiry.value,
        member_id=account.member_id,
        created_at=at,
        points_delta=-points,
        details={"buckets": [b.id for b in due]},
    )
    session.add(txn)
    session.flush()
    for bucket in due:
        bucket.remaining = 0
    _entry(session, account, txn.id, EntryKind.expire, -points, at)
    session.flush()
    account.next_expiry_at = session.scalar(
        select(func.min(EarnBucket.expires_at)).where(EarnBucket.account_id == account.id, EarnBucket.remaining > 0)
    )
    return points


def commit_purchase(
    session: Session,
    ctx: RunContext,
    member: Member,
    lines: list[BasketLine],
    redeem_points: int,
    at: dt.datetime,
    *,
    receipt_no: str | None = None,
) -> tuple[Transaction, Decision]:
    """Apply a purchase: redeem, earn, record every line under the store's active version."""
    account = _account(session, member, lock=True)
    return _purchase(
        session, ctx, account, member.birthday, lines, redeem_points, at, receipt_no, _spend_365(session, member.id, at)
    )


def _lock_statement(by_card: bool) -> Any:
    """One round trip: the member's locked account, birthday and 365-day spend."""
    spend = (
        select(func.coalesce(func.sum(Transaction.spend_delta), 0))
        .where(
            Transaction.member_id == Account.member_id,
            Transaction.created_at > bindparam("since"),
            Transaction.created_at <= bindparam("until"),
        )
        .correlate(Account)
        .scalar_subquery()
    )
    query = select(Account, Member.birthday, spend).join(Member, Member.id == Account.member_id)
    if by_card:
        query = query.join(Card, Card.member_id == Member.id).where(Card.number == bindparam("key"))
    else:
        query = query.where(Member.id == bindparam("key"))
    return query.with_for_update(of=Account).execution_options(populate_existing=True)


_LOCK_BY_MEMBER = _lock_statement(by_card=False)
_LOCK_BY_CARD = _lock_statement(by_card=True)


def commit_purchase_for(
    session: Session,
    ctx: RunContext,
    *,
    member_id: str | None,
    card: str | None,
    lines: list[BasketLine],
    redeem_points: int,
    at: dt.datetime,
    receipt_no: str | None = None,
) -> tuple[Transaction, Decision]:
    """The till's path: find the member by id or card and lock the account in one statement."""
    if member_id:
        try:
            key: uuid.UUID | str = uuid.UUID(str(member_id))
        except ValueError:
            raise NotFound(f"no member {member_id!r}", field="member_id") from None
        query = _LOCK_BY_MEMBER
    elif card:
        key, query = card.strip(), _LOCK_BY_CARD
    else:
        raise InvalidRequest("name the member with member_id or card", field="member_id")
    row = session.execute(query, {"key": key, "since": at - SPEND_WINDOW, "until": at}).first()
    if row is None:
        field = "member_id" if member_id else "card"
        raise NotFound(f"no member {'with card ' + card if card and not member_id else member_id}", field=field)
    account, birthday, spent = row
    return _purchase(session, ctx, account, birthday, lines, redeem_points, at, receipt_no, Decimal(spent))


def _purchase(
    session: Session,
    ctx: RunContext,
    account: Account,
    birthday: dt.date | None,
    lines: list[BasketLine],
    redeem_points: int,
    at: dt.datetime,
    receipt_no: str | None,
    spend: Decimal,
) -> tuple[Transaction, Decision]:
    """The purchase itself, under the account lock the caller holds."""
    _expire_due(session, account, at)
    state = MemberState(balance=account.balance, spend_365=spend.quantize(Decimal("0.01")), birthday=birthday)
    basket = Basket(tuple(lines), ctx.store.code, ctx.store.direction, redeem_points)
    decision = calculate(basket, state, ctx.config, at)
    txn = Transaction(
        id=uuid.uuid4(),
        kind=TransactionKind.purchase.value,
        member_id=account.member_id,
        store_id=ctx.store.id,
        config_version_id=ctx.version_id,
        receipt_no=receipt_no,
        created_at=at,
        check_total=decision.check_total,
        redeemed_points=decision.redeemed_points,
        redeemed_value=decision.redeemed_value,
        earned_points=decision.earned_points,
        points_delta=decision.earned_points - decision.redeemed_points,
        spend_delta=decision.paid_amount,
        tier=decision.tier,
        details=decision_details(decision),
    )
    session.add(txn)
    session.flush()
    # Lines, entries and buckets go in as plain inserts: a receipt is written once and never
    # edited through the ORM, and this path runs behind every till.
    session.connection().execute(
        _INSERT_LINES,
        [
            {
                "transaction_id": txn.id,
                "line_no": line.index,
                "sku": line.sku,
                "category": line.category,
                "quantity": line.quantity,
                "amount": line.amount,
                "redeemed_points": line.redeemed_points,
                "redeemed_value": line.redeemed_value,
                "points": line.points,
            }
            for line in decision.lines
        ],
    )
    postings: list[tuple[EntryKind, int]] = []
    if decision.redeemed_points:
        _drain(session, account, decision.redeemed_points)
        postings.append((EntryKind.redeem, -decision.redeemed_points))
    if decision.earned_points:
        postings.append((EntryKind.earn, decision.earned_points))
    _post(session, account, txn.id, postings, at)
    if decision.earned_points:
        _bucket(session, account, txn.id, decision.earned_points, at, _expiry_for(ctx.config, at))
    session.flush()
    return txn, decision


def decision_details(decision: Decision) -> dict[str, Any]:
    """What is kept of a decision besides the line figures: why promotions did or did not apply."""
    return {
        "max_redeemable": decision.max_redeemable,
        "tier_multiplier": str(decision.tier_multiplier),
        "extra_points": decision.extra_points,
        "promotions": [
            {
                "code": p.code,
                "name": p.name,
                "kind": p.kind,
                "reason": p.reason,
                "lines": list(p.lines),
                "extra_points": p.extra_points,
            }
            for p in decision.applied
        ],
        "not_applied": [{"code": s.code, "reason": s.reason} for s in decision.skipped],
        "lines": [
            {"line": line.index, "earn_base": str(line.earn_base), "rate": str(line.rate), "multiplier": str(line.multiplier)}
            for line in decision.lines
        ],
    }


# --- returns ---------------------------------------------------------------------------------


def get_purchase(session: Session, purchase_id: str | uuid.UUID) -> Transaction:
    try:
        key = purchase_id if isinstance(purchase_id, uuid.UUID) else uuid.UUID(str(purchase_id))
    except ValueError:
        raise NotFound(f"no purchase {purchase_id!r}", field="purchase_id") from None
    txn = session.get(Transaction, key, options=[selectinload(Transaction.lines)])
    if txn is None or txn.kind != TransactionKind.purchase.value:
        raise NotFound(f"no purchase {purchase_id}", field="purchase_id")
    return txn


def commit_return(
    session: Session,
    store: Store,
    purchase_id: str | uuid.UUID,
    quantities: dict[int, Decimal],
    at: dt.datetime,
) -> Transaction:
    """Hand back quantities of a purchase's lines; reverse earned and refund redeemed points.

    The purchase's own configuration version decides the return policy, so a store switched
    to a newer version still reverses old receipts by the rules they were sold under.
    """
    if not quantities:
        raise InvalidRequest("a return names at least one line", field="lines")
    purchase = get_purchase(session, purchase_id)
    member = session.get(Member, purchase.member_id)
    assert member is not None
    account = _account(session, member, lock=True)
    session.refresh(purchase, with_for_update=False)  # re-read line counters after the lock
    for line in purchase.lines:
        session.refresh(line)
    version = session.get(ConfigVersion, purchase.config_version_id)
    assert version is not None
    config = program_config(version)
    window = config.returns.window_days
    if window is not None and at - purchase.created_at > dt.timedelta(days=window):
        raise BusinessRuleViolation(
            f"the purchase is older than the {window}-day return window", field="purchase_id"
        )
    _expire_due(session, account, at)
    by_no = {line.line_no: line for line in purchase.lines}
    plan = plan_return(
        [
            ReturnableLine(
                index=line.line_no,
                quantity=line.quantity,
                amount=line.amount,
                points=line.points,
                redeemed_points=line.redeemed_points,
                redeemed_value=line.redeemed_value,
                returned_quantity=line.returned_quantity,
                reversed_points=line.reversed_points,
                refunded_points=line.refunded_points,
                returned_amount=line.returned_amount,
                returned_paid=line.returned_paid,
            )
            for line in purchase.lines
        ],
        quantities,
    )
    reversed_points = sum(p.points_reversed for p in plan)
    refunded_points = sum(p.redeemed_points_refunded for p in plan)
    txn = Transaction(
        id=uuid.uuid4(),
        kind=TransactionKind.return_.value,
        member_id=member.id,
        store_id=store.id,
        config_version_id=purchase.config_version_id,
        original_id=purchase.id,
        created_at=at,
        check_total=-sum((p.amount for p in plan), ZERO),
        redeemed_points=-refunded_points,
        earned_points=-reversed_points,
        spend_delta=-sum((p.paid for p in plan), ZERO),
        tier=purchase.tier,
        details={},
        lines=[
            TransactionLine(
                line_no=p.index,
                sku=by_no[p.index].sku,
                category=by_no[p.index].category,
                quantity=p.quantity,
                amount=p.amount,
                redeemed_points=p.redeemed_points_refunded,
                points=p.points_reversed,
                original_line_id=by_no[p.index].id,
            )
            for p in plan
        ],
    )
    session.add(txn)
    session.flush()
    for p in plan:
        line = by_no[p.index]
        line.returned_quantity += p.quantity
        line.reversed_points += p.points_reversed
        line.refunded_points += p.redeemed_points_refunded
        line.returned_amount += p.amount
        line.returned_paid += p.paid

    _credit(
        session, account, txn.id, EntryKind.refund_redeem, refunded_points, at, _expiry_for(config, purchase.created_at)
    )
    to_reverse = reversed_points
    written_off = 0
    if config.returns.negative_balance is NegativeBalancePolicy.clamp:
        to_reverse = min(reversed_points, max(0, account.balance))
        written_off = reversed_points - to_reverse
    if to_reverse:
        own = list(
            session.scalars(
                select(EarnBucket).where(EarnBucket.transaction_id == purchase.id, EarnBucket.remaining > 0)
            )
        )
        _drain(session, account, min(to_reverse, max(0, account.balance)), first=own)
        _entry(session, account, txn.id, EntryKind.reverse_earn, -to_reverse, at)
    txn.points_delta = refunded_points - to_reverse
    txn.details = {"written_off": written_off} if written_off else {}
    session.flush()
    return txn


# --- expiry ----------------------------------------------------------------------------------


def expire_points(session: Session, at: dt.datetime | None = None) -> tuple[int, int]:
    """Expire every bucket past its date: (accounts touched, points expired). Safe to run twice."""
    moment = at or dt.datetime.now(dt.timezone.utc)
    account_ids = list(
        session.scalars(
            select(EarnBucket.account_id)
            .where(EarnBucket.remaining > 0, EarnBucket.expires_at.is_not(None), EarnBucket.expires_at <= moment)
            .distinct()
        )
    )
    touched = expired = 0
    for account_id in account_ids:
        account = session.scalar(
            select(Account)
            .where(Account.id == account_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if account is None:
            continue
        points = _expire_due(session, account, moment)
        if points:
            touched += 1
            expired += points
    session.flush()
    return touched, expired


# --- history ---------------------------------------------------------------------------------


def history(
    session: Session, member: Member, *, limit: int = 50, before: dt.datetime | None = None
) -> list[Transaction]:
    """A member's transactions, newest first."""
    query = (
        select(Transaction)
        .where(Transaction.member_id == member.id)
        .options(selectinload(Transaction.lines), selectinload(Transaction.store), selectinload(Transaction.config_version))
        .order_by(Transaction.created_at.desc(), Transaction.id)
        .limit(max(1, min(limit, 500)))
    )
    if before is not None:
        query = query.where(Transaction.created_at < before)
    return list(session.scalars(query))


def ledger_sum(session: Session, member: Member) -> int:
    """The sum of the member's ledger entries (equals the account balance: an invariant)."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.points), 0))
            .join(Account, Account.id == LedgerEntry.account_id)
            .where(Account.member_id == member.id)
        )
        or 0
    )


def bucket_sum(session: Session, member: Member) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(EarnBucket.remaining), 0))
            .join(Account, Account.id == EarnBucket.account_id)
            .where(Account.member_id == member.id)
        )
        or 0
    )


def members_matching(session: Session, text: str, limit: int = 50) -> list[Member]:
    """Members whose name, phone or card contains the text (workbench search)."""
    like = f"%{text.strip()}%"
    return list(
        session.scalars(
            select(Member)
            .outerjoin(Card)
            .where(or_(Member.name.ilike(like), Member.phone.ilike(like), Card.number.ilike(like)))
            .distinct()
            .limit(limit)
        )
    )
