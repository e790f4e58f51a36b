"""Enrolment, purchases, returns, expiry and history: the ledger's unit-of-work steps.

Every function takes a session and flushes; the caller commits. Every change to a member's
points first locks the member's account row (SELECT ... FOR UPDATE on PostgreSQL), so
concurrent tills serialise per member and a balance never goes below zero by redemption.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from loyalty_core.clock import expiry_moment, utc, window_start
from loyalty_core.config.models import ConfigVersion
from loyalty_core.config.schema import NegativeBalancePolicy, ProgramConfig
from loyalty_core.config.service import program_config
from loyalty_core.engine import (
    Basket,
    BasketLine,
    Decision,
    LineReturn,
    MemberState,
    ReturnableLine,
    calculate,
    plan_return,
)
from loyalty_core.errors import BusinessRuleViolation, Conflict, InvalidRequest, NotFound
from loyalty_core.ids import uuid7
from loyalty_core.ledger.enums import EntryKind, TransactionKind
from loyalty_core.ledger.limits import check_storable
from loyalty_core.ledger.models import (
    RECEIPT_INDEX,
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
from loyalty_core.stores.service import version_at

SPEND_WINDOW_DAYS = 365
# The zone day counts use where no configuration is at hand (the schema's default).
DEFAULT_ZONE: str = ProgramConfig.model_fields["timezone"].default
CARD_PREFIX = "277"
CARD_ATTEMPTS = 8

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
    """A 13-digit card number in the in-store EAN range (prefix 277) with its EAN-13 check digit."""
    body = CARD_PREFIX + "".join(secrets.choice("0123456789") for _ in range(9))
    return body + _card_check_digit(body)


def is_card_number(number: str) -> bool:
    """True for a 13-digit number whose last digit is its EAN-13 check digit."""
    return len(number) == 13 and number.isdigit() and _card_check_digit(number[:12]) == number[12]


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
    card_numbers: Callable[[], str] = new_card_number,
) -> Member:
    """Enrol a member with a points account and a card; duplicates are a Conflict naming them.

    A card number the client sends is the member's card or a 409; a generated one is drawn
    again (`card_numbers`) while it clashes with a card already issued.
    """
    e164 = normalise_phone(phone)
    email = email.strip().lower() if email else None
    _refuse_duplicate_person(session, e164, email)
    moment = utc(at) if at is not None else dt.datetime.now(dt.UTC)
    member = Member(
        phone=e164,
        email=email,
        name=name.strip(),
        birthday=birthday,
        enrolled_at=moment,
        enrolled_store_id=store.id if store else None,
    )
    session.add(member)
    try:
        session.flush()
    except IntegrityError:
        # A concurrent enrolment of the same phone or email won the race.
        raise Conflict(f"a member with phone {e164} or email {email} already exists", field="phone") from None
    session.add(Account(member_id=member.id))
    given = (card or "").strip()
    if given:
        if not _insert_card(session, given, member.id, moment):
            holder = session.scalar(select(Card.member_id).where(Card.number == given))
            raise Conflict(f"card {given} already belongs to a member", field="card", member_id=str(holder))
    else:
        _issue_card(session, member.id, moment, card_numbers)
    session.flush()
    session.expire(member, ["cards"])  # the card went in as a plain insert
    return member


def _refuse_duplicate_person(session: Session, e164: str, email: str | None) -> None:
    existing = session.scalar(select(Member).where(Member.phone == e164))
    if existing is not None:
        raise Conflict(
            f"a member with phone {e164} already exists", field="phone", member_id=str(existing.id)
        )
    if email:
        existing = session.scalar(select(Member).where(Member.email == email))
        if existing is not None:
            raise Conflict(
                f"a member with email {email} already exists", field="email", member_id=str(existing.id)
            )


def _issue_card(
    session: Session, member_id: uuid.UUID, moment: dt.datetime, numbers: Callable[[], str]
) -> str:
    """Insert a generated card number, drawing another while one is taken (the unique index decides)."""
    for _ in range(CARD_ATTEMPTS):
        number = numbers()
        if _insert_card(session, number, member_id, moment):
            return number
    # 8 clashes in a row among 10^9 numbers means the range is nearly full, not bad luck.
    raise Conflict(f"no free card number found in {CARD_ATTEMPTS} attempts; try again", field="card")


def _insert_card(session: Session, number: str, member_id: uuid.UUID, moment: dt.datetime) -> bool:
    """Insert the card unless the number is taken (True when inserted).

    ON CONFLICT DO NOTHING rather than catching IntegrityError: a failed insert would abort the
    whole PostgreSQL transaction, enrolment included, while this leaves it intact, and a
    concurrent enrolment drawing the same number is settled by the unique index itself.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Card.__table__)
        .values(number=number, member_id=member_id, issued_at=moment)
        .on_conflict_do_nothing(index_elements=["number"])
        .returning(Card.__table__.c.id)
    )
    return session.execute(statement).first() is not None


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


def spend_365(session: Session, member: Member, at: dt.datetime, zone: str = DEFAULT_ZONE) -> Decimal:
    """Money paid in the tier window before `at`, net of the returns made by `at`.

    The window holds the purchases of local days D-365..D (D: the local day of `at` in the
    programme's zone `zone`). A return counts with its purchase (on the purchase's day), so it
    leaves the window together with it: the window's spend is a sum of purchases each net of its
    own returns, never below zero.
    """
    return _spend_365(session, member.id, utc(at), zone)


def _spend_365(session: Session, member_id: uuid.UUID, at: dt.datetime, zone: str) -> Decimal:
    total = session.scalar(
        select(func.coalesce(func.sum(Transaction.spend_delta), 0)).where(
            Transaction.member_id == member_id,
            Transaction.spend_at >= window_start(at, SPEND_WINDOW_DAYS, zone),
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


def member_state(
    session: Session, member: Member, account: Account, at: dt.datetime, zone: str = DEFAULT_ZONE
) -> MemberState:
    at = utc(at)
    return MemberState(
        balance=_effective_balance(session, account, at),
        spend_365=spend_365(session, member, at, zone),
        birthday=member.birthday,
    )


def balance_of(session: Session, member: Member, at: dt.datetime | None = None) -> int:
    moment = utc(at) if at is not None else dt.datetime.now(dt.UTC)
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


def receipt_context(
    session: Session,
    store: Store,
    occurred_at: dt.datetime | None,
    now: dt.datetime,
    current: RunContext | None = None,
) -> tuple[RunContext, dt.datetime]:
    """The version and moment a receipt is computed under: the store's active version now, or,
    for a receipt that carries its own `occurred_at`, the version the store ran at that moment.

    `occurred_at` must not be after `now`, nor before the first instant of local day
    D - offline.max_age_days (D: today in the programme's zone; the store's current version
    sets the bound): a BusinessRuleViolation (422) on the field otherwise. `current` is what the
    request resolved for now (the POS: the version in force at the request's start).
    """
    current = current if current is not None else run_context(store)
    now = utc(now)
    if occurred_at is None:
        return current, now
    at = utc(occurred_at)
    _check_offline_bounds(at, now, current.config)
    version = version_at(session, store, at)
    if version is None:
        raise BusinessRuleViolation(
            f"occurred_at {at.isoformat()}: store {store.code} ran no configuration version then",
            field="occurred_at",
        )
    return RunContext(store, version.id, version.label, program_config(version), version), at


def _check_offline_bounds(at: dt.datetime, now: dt.datetime, config: ProgramConfig) -> None:
    if at > now:
        raise BusinessRuleViolation(
            f"occurred_at {at.isoformat()} is in the future (the core's time is {now.isoformat()})",
            field="occurred_at",
        )
    days = config.offline.max_age_days
    earliest = window_start(now, days, config.timezone)
    if at < earliest:
        raise BusinessRuleViolation(
            f"occurred_at {at.isoformat()} is older than offline.max_age_days ({days}) allows: "
            f"the earliest accepted moment is {earliest.isoformat()}",
            field="occurred_at",
        )


def quote(
    session: Session,
    ctx: RunContext,
    member: Member,
    lines: list[BasketLine],
    redeem_points: int,
    at: dt.datetime,
) -> Decision:
    """What a purchase would give, with no side effects."""
    at = utc(at)
    account = _account(session, member, lock=False)
    basket = Basket(tuple(lines), ctx.store.code, ctx.store.direction, redeem_points)
    decision = calculate(
        basket, member_state(session, member, account, at, ctx.config.timezone), ctx.config, at
    )
    check_storable(decision)
    return decision


def _expiry_for(config: ProgramConfig, earned_at: dt.datetime) -> dt.datetime | None:
    """Points earned on local day D are valid through the end of local day D + expiry_days."""
    return expiry_moment(earned_at, config.expiry_days, config.timezone) if config.expiry_days else None


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
            {
                "account_id": account.id,
                "transaction_id": txn_id,
                "kind": kind.value,
                "points": points,
                "created_at": at,
            }
            for kind, points in postings
        ],
    )
    account.balance += sum(points for _, points in postings)
    account.updated_at = at


def _entry(
    session: Session,
    account: Account,
    txn_id: uuid.UUID | None,
    kind: EntryKind,
    points: int,
    at: dt.datetime,
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


def _expire_due(
    session: Session, account: Account, at: dt.datetime, recorded_at: dt.datetime | None = None
) -> int:
    """Expire the account's buckets due by `at` (written as at `at`; recorded at `recorded_at`)."""
    due = _due_buckets(session, account, at)
    points = sum(b.remaining for b in due)
    if points <= 0:
        return 0
    txn = Transaction(
        id=uuid7(),
        kind=TransactionKind.expiry.value,
        member_id=account.member_id,
        created_at=at,
        recorded_at=recorded_at or at,
        spend_at=at,
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
        select(func.min(EarnBucket.expires_at)).where(
            EarnBucket.account_id == account.id, EarnBucket.remaining > 0
        )
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
    recorded_at: dt.datetime | None = None,
) -> tuple[Transaction, Decision]:
    """Apply a purchase: redeem, earn, record every line under the context's version.

    `at` is when the purchase happened; `recorded_at` (default: `at`) when the core learns of
    it, later for a receipt a till sent after being offline.
    """
    at = utc(at)
    account = _account(session, member, lock=True)
    spend = _spend_365(session, member.id, at, ctx.config.timezone)
    moments = (at, utc(recorded_at) if recorded_at else at)
    return _purchase(session, ctx, account, member.birthday, lines, redeem_points, moments, receipt_no, spend)


def _lock_statement(by_card: bool) -> Any:
    """One round trip: the member's locked account, birthday and 365-day spend.

    The spend is _spend_365's sum, with the window's start and the moment bound per call.
    """
    spend = (
        select(func.coalesce(func.sum(Transaction.spend_delta), 0))
        .where(
            Transaction.member_id == Account.member_id,
            Transaction.spend_at >= bindparam("since"),
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
    recorded_at: dt.datetime | None = None,
) -> tuple[Transaction, Decision]:
    """The till's path: find the member by id or card and lock the account in one statement."""
    at = utc(at)
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
    since = window_start(at, SPEND_WINDOW_DAYS, ctx.config.timezone)
    row = session.execute(query, {"key": key, "since": since, "until": at}).first()
    if row is None:
        field = "member_id" if member_id else "card"
        raise NotFound(
            f"no member {'with card ' + card if card and not member_id else member_id}", field=field
        )
    account, birthday, spent = row
    moments = (at, utc(recorded_at) if recorded_at else at)
    return _purchase(
        session, ctx, account, birthday, lines, redeem_points, moments, receipt_no, Decimal(spent)
    )


def _purchase(
    session: Session,
    ctx: RunContext,
    account: Account,
    birthday: dt.date | None,
    lines: list[BasketLine],
    redeem_points: int,
    moments: tuple[dt.datetime, dt.datetime],
    receipt_no: str | None,
    spend: Decimal,
) -> tuple[Transaction, Decision]:
    """The purchase itself, under the account lock the caller holds.

    `moments` = (when it happened, when it is recorded), both UTC.
    """
    at, recorded_at = moments
    _expire_due(session, account, at, recorded_at)
    state = MemberState(balance=account.balance, spend_365=spend.quantize(Decimal("0.01")), birthday=birthday)
    basket = Basket(tuple(lines), ctx.store.code, ctx.store.direction, redeem_points)
    decision = calculate(basket, state, ctx.config, at)
    check_storable(decision)
    if receipt_no is not None:
        _refuse_committed_receipt(session, ctx.store, receipt_no)
    txn = Transaction(
        id=uuid7(),
        kind=TransactionKind.purchase.value,
        member_id=account.member_id,
        store_id=ctx.store.id,
        config_version_id=ctx.version_id,
        receipt_no=receipt_no,
        created_at=at,
        recorded_at=recorded_at,
        spend_at=at,
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
    try:
        session.flush()
    except IntegrityError as exc:
        if not _is_receipt_clash(exc):
            raise
        # Another till committed the same receipt between the check above and this insert.
        raise Conflict(
            f"receipt {receipt_no} of store {ctx.store.code} was committed by a concurrent request; "
            "retry to see its transaction",
            field="receipt_no",
        ) from None
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
    if recorded_at > at:  # a late receipt's points may be past their date: earned and expired at once
        _expire_due(session, account, recorded_at)
    session.flush()
    return txn, decision


def _is_receipt_clash(exc: IntegrityError) -> bool:
    # PostgreSQL names the index; SQLite names the columns.
    message = str(exc.orig)
    return RECEIPT_INDEX in message or "transactions.receipt_no" in message


def _refuse_committed_receipt(session: Session, store: Store, receipt_no: str) -> None:
    """A store's receipt number is committed once: a second commit (a new Idempotency-Key)
    is a 409 naming the transaction that holds it, so the till can show that one instead."""
    existing = session.scalar(
        select(Transaction.id).where(
            Transaction.store_id == store.id,
            Transaction.receipt_no == receipt_no,
            Transaction.kind == TransactionKind.purchase.value,
        )
    )
    if existing is not None:
        raise Conflict(
            f"receipt {receipt_no} of store {store.code} is already committed as transaction {existing}",
            field="receipt_no",
            transaction_id=str(existing),
        )


def promotion_records(decision: Decision) -> list[dict[str, Any]]:
    """The promotions that applied, as the stored details and the API's bodies both give them."""
    return [
        {
            "code": p.code,
            "name": p.name,
            "kind": p.kind,
            "reason": p.reason,
            "lines": list(p.lines),
            "extra_points": p.extra_points,
        }
        for p in decision.applied
    ]


def skipped_records(decision: Decision) -> list[dict[str, Any]]:
    """The promotions that did not apply, each with its reason."""
    return [{"code": s.code, "reason": s.reason} for s in decision.skipped]


def decision_details(decision: Decision) -> dict[str, Any]:
    """What is kept of a decision besides the line figures: why promotions did or did not apply."""
    return {
        "max_redeemable": decision.max_redeemable,
        "tier_multiplier": str(decision.tier_multiplier),
        "extra_points": decision.extra_points,
        "promotions": promotion_records(decision),
        "not_applied": skipped_records(decision),
        "lines": [
            {
                "line": line.index,
                "earn_base": str(line.earn_base),
                "rate": str(line.rate),
                "multiplier": str(line.multiplier),
            }
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
    *,
    recorded_at: dt.datetime | None = None,
) -> Transaction:
    """Hand back quantities of a purchase's lines; reverse earned and refund redeemed points.

    The purchase's own configuration version decides the return policy, so a store switched
    to a newer version still reverses old receipts by the rules they were sold under. `at` is
    when the return happened, `recorded_at` (default: `at`) when the core learns of it.
    """
    if not quantities:
        raise InvalidRequest("a return names at least one line", field="lines")
    at = utc(at)
    recorded_at = utc(recorded_at) if recorded_at else at
    purchase, account = _locked_purchase(session, purchase_id)
    config = _purchase_config(purchase)
    _check_return_moment(purchase, config, at)
    _expire_due(session, account, at, recorded_at)
    plan = plan_return([_returnable(line) for line in purchase.lines], quantities)
    txn = _return_transaction(session, store, purchase, plan, at, recorded_at)
    _take_back_lines(purchase, plan)
    _reverse_points(session, account, config, purchase, txn, plan)
    if recorded_at > at:
        _expire_due(session, account, recorded_at)
    session.flush()
    return txn


def _locked_purchase(session: Session, purchase_id: str | uuid.UUID) -> tuple[Transaction, Account]:
    """The purchase, re-read after its member's account is locked, and that account."""
    purchase = get_purchase(session, purchase_id)
    account = _account_by_member_id(session, purchase.member_id, lock=True)
    session.refresh(purchase, with_for_update=False)  # re-read line counters after the lock
    for line in purchase.lines:
        session.refresh(line)
    return purchase, account


def _purchase_config(purchase: Transaction) -> ProgramConfig:
    version = purchase.config_version
    assert version is not None, "a purchase always records its version"
    return program_config(version)


def _check_return_moment(purchase: Transaction, config: ProgramConfig, at: dt.datetime) -> None:
    """A return comes after its purchase, and by the end of local day D + window_days."""
    if at < purchase.created_at:
        raise BusinessRuleViolation(
            f"a return cannot happen before its purchase ({purchase.created_at.isoformat()})",
            field="occurred_at",
        )
    window = config.returns.window_days
    if window is not None and at >= expiry_moment(purchase.created_at, window, config.timezone):
        raise BusinessRuleViolation(
            f"the purchase is older than the {window}-day return window", field="purchase_id"
        )


def _returnable(line: TransactionLine) -> ReturnableLine:
    return ReturnableLine(
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


def _return_transaction(
    session: Session,
    store: Store,
    purchase: Transaction,
    plan: list[LineReturn],
    at: dt.datetime,
    recorded_at: dt.datetime,
) -> Transaction:
    """The return's own record; its spend counts on the purchase's moment (the tier window)."""
    by_no = {line.line_no: line for line in purchase.lines}
    txn = Transaction(
        id=uuid7(),
        kind=TransactionKind.return_.value,
        member_id=purchase.member_id,
        store_id=store.id,
        config_version_id=purchase.config_version_id,
        original_id=purchase.id,
        created_at=at,
        recorded_at=recorded_at,
        spend_at=purchase.created_at,
        check_total=-sum((p.amount for p in plan), ZERO),
        redeemed_points=-sum(p.redeemed_points_refunded for p in plan),
        earned_points=-sum(p.points_reversed for p in plan),
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
    return txn


def _take_back_lines(purchase: Transaction, plan: list[LineReturn]) -> None:
    """Move the purchase lines' cumulative counters (what later returns are computed from)."""
    by_no = {line.line_no: line for line in purchase.lines}
    for p in plan:
        line = by_no[p.index]
        line.returned_quantity += p.quantity
        line.reversed_points += p.points_reversed
        line.refunded_points += p.redeemed_points_refunded
        line.returned_amount += p.amount
        line.returned_paid += p.paid


def _reverse_points(
    session: Session,
    account: Account,
    config: ProgramConfig,
    purchase: Transaction,
    txn: Transaction,
    plan: list[LineReturn],
) -> None:
    """Give back redeemed points (dated like the purchase's), then take back earned ones."""
    at = txn.created_at
    refunded = sum(p.redeemed_points_refunded for p in plan)
    reversed_points = sum(p.points_reversed for p in plan)
    _credit(
        session,
        account,
        txn.id,
        EntryKind.refund_redeem,
        refunded,
        at,
        _expiry_for(config, purchase.created_at),
    )
    to_reverse = reversed_points
    if config.returns.negative_balance is NegativeBalancePolicy.clamp:
        to_reverse = min(reversed_points, max(0, account.balance))
    if to_reverse:
        own = list(
            session.scalars(
                select(EarnBucket).where(EarnBucket.transaction_id == purchase.id, EarnBucket.remaining > 0)
            )
        )
        _drain(session, account, min(to_reverse, max(0, account.balance)), first=own)
        _entry(session, account, txn.id, EntryKind.reverse_earn, -to_reverse, at)
    written_off = reversed_points - to_reverse
    txn.points_delta = refunded - to_reverse
    txn.details = {"written_off": written_off} if written_off else {}


# --- expiry ----------------------------------------------------------------------------------


def expire_points(
    session: Session, at: dt.datetime | None = None, *, recorded_at: dt.datetime | None = None
) -> tuple[int, int]:
    """Expire every bucket past its date as of `at` (default: now): (accounts touched, points
    expired). Safe to run twice, and for a past `at` (a missed night) too."""
    moment = utc(at) if at is not None else dt.datetime.now(dt.UTC)
    account_ids = list(
        session.scalars(
            select(EarnBucket.account_id)
            .where(
                EarnBucket.remaining > 0, EarnBucket.expires_at.is_not(None), EarnBucket.expires_at <= moment
            )
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
        points = _expire_due(session, account, moment, utc(recorded_at) if recorded_at else None)
        if points:
            touched += 1
            expired += points
    session.flush()
    return touched, expired


# --- history ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryPage:
    """A page of a member's transactions, newest first, and the cursor of the next (None: last)."""

    transactions: list[Transaction]
    next: str | None


def history(
    session: Session,
    member: Member,
    *,
    limit: int = 50,
    before: dt.datetime | None = None,
    cursor: str | None = None,
) -> HistoryPage:
    """A member's transactions, newest first, by (created_at, id) descending.

    `cursor` (a page's `next`) continues after the last transaction shown: a keyset over
    (created_at, id), so entries sharing one timestamp (a purchase and the expiry it wrote) are
    neither skipped nor repeated. `before` (a timestamp) still starts a listing at a moment.
    """
    size = max(1, min(limit, 500))
    query = (
        select(Transaction)
        .where(Transaction.member_id == member.id)
        .options(
            selectinload(Transaction.lines),
            selectinload(Transaction.store),
            selectinload(Transaction.config_version),
        )
        .order_by(Transaction.created_at.desc(), Transaction.id.desc())
        .limit(size + 1)  # one more than shown says whether a next page exists
    )
    if before is not None:
        query = query.where(Transaction.created_at < utc(before))
    if cursor:
        moment, last_id = decode_cursor(cursor)
        query = query.where(
            or_(
                Transaction.created_at < moment,
                and_(Transaction.created_at == moment, Transaction.id < last_id),
            )
        )
    rows = list(session.scalars(query))
    shown = rows[:size]
    more = len(rows) > size
    return HistoryPage(shown, encode_cursor(shown[-1]) if more else None)


def encode_cursor(txn: Transaction) -> str:
    """An opaque cursor after `txn`: its created_at (microseconds since the epoch) and id."""
    micros = (txn.created_at - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}.{txn.id.hex}"


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    micros, _, hex_id = cursor.partition(".")
    try:
        return _EPOCH + dt.timedelta(microseconds=int(micros)), uuid.UUID(hex=hex_id)
    except (ValueError, OverflowError):
        raise InvalidRequest("cursor is not a cursor this API returned as `next`", field="cursor") from None


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


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


def latest_members(session: Session, limit: int = 50) -> list[Member]:
    """The most recently enrolled members, newest first (the members page before any search)."""
    newest = select(Member).order_by(Member.enrolled_at.desc(), Member.id.desc()).limit(limit)
    return list(session.scalars(newest))


def members_matching(session: Session, text: str, limit: int = 50, *, by_phone: bool = True) -> list[Member]:
    """Members whose name, phone or card contains the text (workbench search).

    `by_phone=False` leaves the phone out, for searchers who may not see phones: otherwise a
    hit would confirm whose number it is.
    """
    like = f"%{text.strip()}%"
    fields = [Member.name.ilike(like), Card.number.ilike(like)]
    if by_phone:
        fields.append(Member.phone.ilike(like))
    return list(session.scalars(select(Member).outerjoin(Card).where(or_(*fields)).distinct().limit(limit)))
