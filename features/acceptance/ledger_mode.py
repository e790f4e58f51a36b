"""The ledger-backed mode of a scenario: a member enrolled at the till lives in the core's real
ledger (`loyalty_core.ledger.service`) on an in-memory SQLite database made for the scenario.

Enrolment (phone normalisation, duplicate refusal), purchases, returns (their window), expiry
(dated buckets, closest-to-expiry-first redemption, the expiry job) then run the core's own
code, not a model of it: what rules 6-8 and the enrolment requirements need beyond the pure
engine. A scenario switches to this mode with its first enrolment step; until then the till
computes with the pure engine alone (fast, no database).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

import loyalty_core.models  # noqa: F401  (every table of the core on Base.metadata)
from loyalty_core.config import service as config_service
from loyalty_core.db import Base, make_engine, make_session_factory
from loyalty_core.engine import BasketLine, Decision, LineReturn
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import Card, Member, Transaction
from loyalty_core.stores.models import Store


class LedgerBook:
    """One scenario's ledger: its database, the configuration as an approved version, the stores
    the scenario names, and the members it enrolled (the last one is "the member")."""

    def __init__(self, document: dict[str, Any]) -> None:
        # The core's own engine settings (SQLite foreign keys on), as in production.
        self.engine = make_engine("sqlite://", poolclass=StaticPool)
        Base.metadata.create_all(self.engine)
        self.session: Session = make_session_factory(self.engine)()
        version = config_service.create_version(
            self.session, "under-test", json.dumps(document, ensure_ascii=False), created_by="acceptance"
        )
        self.version = config_service.approve(self.session, version, approved_by="acceptance")
        self.stores: dict[str, Store] = {}
        self.member: Member | None = None
        self.last_purchase: Transaction | None = None
        self.session.commit()

    def close(self) -> None:
        self.session.close()
        self.engine.dispose()

    def store(self, code: str, direction: str) -> Store:
        store = self.stores.get(code)
        if store is None:
            store = Store(
                code=code,
                direction=direction,
                name=code,
                api_key_hash=secrets.token_hex(32),
                active_version_id=self.version.id,
            )
            self.session.add(store)
            self.session.flush()
            self.stores[code] = store
        elif store.direction != direction:
            store.direction = direction
            self.session.flush()
        return store

    def enroll(self, phone: str, at: dt.datetime, store: Store, birthday: dt.date | None = None) -> Member:
        """Enrol at the till (LoyaltyError when refused: a duplicate phone, a bad number)."""
        try:
            member = ledger.enroll(self.session, phone=phone, birthday=birthday, store=store, at=at)
        except Exception:
            self.session.rollback()
            raise
        self.session.commit()
        self.member = member
        return member

    def card_of(self, member: Member) -> str:
        number = self.session.scalar(select(Card.number).where(Card.member_id == member.id))
        return number or ""

    def buy(self, store: Store, lines: list[BasketLine], redeem: int, at: dt.datetime) -> Decision:
        member = self.require_member()
        try:
            txn, decision = ledger.commit_purchase(
                self.session, ledger.run_context(store), member, lines, redeem, at
            )
        except Exception:
            self.session.rollback()
            raise
        self.session.commit()
        self.last_purchase = txn
        return decision

    def quote(self, store: Store, lines: list[BasketLine], at: dt.datetime) -> Decision:
        """The POS quote: what the purchase would give, nothing written."""
        return ledger.quote(self.session, ledger.run_context(store), self.require_member(), lines, 0, at)

    def give_back(self, store: Store, quantities: dict[int, Decimal], at: dt.datetime) -> list[LineReturn]:
        """Return quantities of the last purchase through the core: the figures of the return
        transaction it stored, per line (what a scenario's Then steps check)."""
        if self.last_purchase is None:
            raise AssertionError("there is no purchase to return from (the member has not bought the basket)")
        purchase_id: uuid.UUID = self.last_purchase.id
        paid_before = {line.line_no: line.returned_paid for line in self.last_purchase.lines}
        try:
            txn = ledger.commit_return(self.session, store, purchase_id, quantities, at)
        except Exception:
            self.session.rollback()
            raise
        self.session.commit()
        # The money part of a line is kept on the purchase's line (returned_paid), not the return's.
        paid_after = {line.line_no: line.returned_paid for line in self.last_purchase.lines}
        return [
            LineReturn(
                index=line.line_no,
                quantity=line.quantity,
                points_reversed=line.points,
                redeemed_points_refunded=line.redeemed_points,
                amount=line.amount,
                paid=paid_after[line.line_no] - paid_before[line.line_no],
            )
            for line in sorted(txn.lines, key=lambda item: item.line_no)
        ]

    def expire(self, at: dt.datetime) -> int:
        """Run the expiry job at `at`: the points it expired."""
        _, points = ledger.expire_points(self.session, at)
        self.session.commit()
        return points

    def balance(self, at: dt.datetime) -> int:
        return ledger.balance_of(self.session, self.require_member(), at)

    def spend(self, at: dt.datetime) -> Decimal:
        return ledger.spend_365(self.session, self.require_member(), at)

    def require_member(self) -> Member:
        if self.member is None:
            raise AssertionError("no member is enrolled in this scenario yet")
        return self.member
