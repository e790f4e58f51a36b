"""The ledger's tables. A balance is a cached sum: `Account.balance` always equals the sum of
the account's `LedgerEntry.points`, and `EarnBucket.remaining` sums to max(balance, 0)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.db import Base, UTCDateTime, utcnow
from loyalty_core.guards import attach, attach_before_drop
from loyalty_core.ids import uuid7
from loyalty_core.ledger.fastpath_sql import ON_CREATE, ON_DROP

MONEY = Numeric(14, 2)
QUANTITY = Numeric(14, 3)
# Points are 64-bit (see ledger/limits.py for the cap). SQLite's INTEGER is 64-bit already, so
# there the column keeps its declared type and needs no table rebuild.
POINTS = BigInteger().with_variant(Integer(), "sqlite")
RECEIPT_INDEX = "uq_transactions_store_receipt_no"
PURCHASES_WITH_RECEIPT = "kind = 'purchase' AND receipt_no IS NOT NULL"


class Member(Base):
    __tablename__ = "members"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    birthday: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    enrolled_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), nullable=True)

    cards: Mapped[list[Card]] = relationship(back_populates="member", order_by="Card.id")
    account: Mapped[Account] = relationship(back_populates="member", uselist=False)


class Card(Base):
    __tablename__ = "cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(back_populates="cards")


class Account(Base):
    """The member's points account (бонусный счёт); its row is the lock of every change."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), unique=True)
    balance: Mapped[int] = mapped_column(POINTS, default=0)
    # No bucket with points left expires before this (None: none expires). Lets a purchase skip
    # the look for due points on almost every receipt; it may be early, never late.
    next_expiry_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[Member] = relationship(back_populates="account")


class Transaction(Base):
    __tablename__ = "transactions"
    __table_args__ = (
        Index("ix_transactions_member_created", "member_id", "created_at"),
        # The tier window's first month is read by spend_at (the fast path's pos_spend_365).
        Index("ix_transactions_member_spend", "member_id", "spend_at"),
        # A store's receipt is committed once, whatever Idempotency-Key the till sends with it.
        Index(
            RECEIPT_INDEX,
            "store_id",
            "receipt_no",
            unique=True,
            postgresql_where=text(PURCHASES_WITH_RECEIPT),
            sqlite_where=text(PURCHASES_WITH_RECEIPT),
        ),
    )

    # Time-ordered (UUIDv7): among transactions sharing one created_at, the id orders them as
    # written, which is what the history's (created_at, id) keyset cursor pages by.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    kind: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"))
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), nullable=True)
    config_version_id: Mapped[int | None] = mapped_column(ForeignKey("config_versions.id"), nullable=True)
    original_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transactions.id"), nullable=True)
    receipt_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # When the transaction happened and counts (the till's occurred_at for an offline receipt).
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the core wrote it: equal to created_at, except for receipts a till sent late.
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    check_total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    redeemed_points: Mapped[int] = mapped_column(POINTS, default=0)
    redeemed_value: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    earned_points: Mapped[int] = mapped_column(POINTS, default=0)
    points_delta: Mapped[int] = mapped_column(POINTS, default=0)
    # Money paid (not with points) that counts toward the 365-day tier spend; negative on returns.
    spend_delta: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    # The moment that spend_delta belongs to in the tier window: the purchase's own moment, also
    # on its returns, so a return leaves the window with its purchase and the spend of the window
    # never goes below zero.
    spend_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    tier: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    lines: Mapped[list[TransactionLine]] = relationship(
        back_populates="transaction", order_by="TransactionLine.line_no", cascade="all, delete-orphan"
    )
    store: Mapped[Any] = relationship("Store")
    config_version: Mapped[Any] = relationship("ConfigVersion")


class MemberSpendMonth(Base):
    """A member's spend (net of returns) per UTC month of `spend_at`: the 365-day tier window
    read in a bounded number of rows (see loyalty_core.ledger.fastpath_sql).

    PostgreSQL keeps it, by a trigger on `transactions` that every writer goes through. On
    SQLite, where the ORM path sums the transactions themselves, it is not used and stays empty.
    """

    __tablename__ = "member_spend_months"

    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("members.id"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    spend: Mapped[Decimal] = mapped_column(Numeric())


# PostgreSQL: the monthly spend trigger and the fast path's functions, once every table exists
# (SQL functions are checked against the tables they read when they are created).
attach(Base.metadata, ON_CREATE)
attach_before_drop(Base.metadata, ON_DROP)


class TransactionLine(Base):
    __tablename__ = "transaction_lines"
    __table_args__ = (UniqueConstraint("transaction_id", "line_no", name="uq_transaction_lines_txn_line"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No index of its own: the unique (transaction_id, line_no) index serves every look-up by
    # transaction, and a second one cost each line of each receipt a write (issue 13).
    transaction_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transactions.id"))
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64), default="")
    category: Mapped[str] = mapped_column(String(64), default="")
    quantity: Mapped[Decimal] = mapped_column(QUANTITY)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    redeemed_points: Mapped[int] = mapped_column(POINTS, default=0)
    redeemed_value: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    points: Mapped[int] = mapped_column(POINTS, default=0)
    # On purchase lines: what returns have taken back so far (cumulative, so no drift).
    returned_quantity: Mapped[Decimal] = mapped_column(QUANTITY, default=Decimal("0"))
    reversed_points: Mapped[int] = mapped_column(POINTS, default=0)
    refunded_points: Mapped[int] = mapped_column(POINTS, default=0)
    returned_amount: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    returned_paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    # On return lines: the purchase line handed back.
    original_line_id: Mapped[int | None] = mapped_column(ForeignKey("transaction_lines.id"), nullable=True)

    transaction: Mapped[Transaction] = relationship(back_populates="lines")


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    transaction_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transactions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    points: Mapped[int] = mapped_column(POINTS)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EarnBucket(Base):
    """Points earned together and expiring together; redemptions drain the soonest first."""

    __tablename__ = "earn_buckets"
    __table_args__ = (Index("ix_earn_buckets_account_expiry", "account_id", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    transaction_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transactions.id"), nullable=True)
    earned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    points: Mapped[int] = mapped_column(POINTS)
    remaining: Mapped[int] = mapped_column(POINTS)


class IdempotencyRecord(Base):
    """The first response to a (store, Idempotency-Key); replayed for the same request body."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("store_id", "key", name="uq_idempotency_records_store_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
