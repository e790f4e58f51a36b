"""Small ledgers written straight into the core's real tables (stores, members, transactions,
ledger entries), so a KPI test states every figure it expects by hand."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from loyalty_core.ledger.models import Account, LedgerEntry, Member, Transaction
from loyalty_core.stores.models import Store

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    """'2026-01-05 10:00' as an aware UTC instant."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


class LedgerBuilder:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.stores: dict[str, int] = {}
        self.members: dict[str, uuid.UUID] = {}
        self.accounts: dict[str, int] = {}

    def store(self, code: str, direction: str, region: str = "") -> None:
        self.stores[code] = self.conn.execute(
            insert(Store)
            .values(code=code, direction=direction, region=region, api_key_hash=f"hash-{code}")
            .returning(Store.id)
        ).scalar_one()

    def member(self, name: str, enrolled: str, store: str | None = None) -> None:
        member_id = uuid.uuid4()
        self.conn.execute(
            insert(Member).values(
                id=member_id,
                phone=f"+7900{len(self.members):07d}",
                name=name,
                enrolled_at=at(enrolled),
                enrolled_store_id=self.stores[store] if store else None,
            )
        )
        self.members[name] = member_id
        self.accounts[name] = self.conn.execute(
            insert(Account)
            .values(member_id=member_id, balance=0, updated_at=at(enrolled))
            .returning(Account.id)
        ).scalar_one()

    def transaction(
        self,
        kind: str,
        member: str,
        when: str,
        store: str | None = None,
        total: str = "0",
        tier: str | None = "base",
        entries: tuple[tuple[str, int], ...] = (),
    ) -> uuid.UUID:
        txn_id = uuid.uuid4()
        self.conn.execute(
            insert(Transaction).values(
                id=txn_id,
                kind=kind,
                member_id=self.members[member],
                store_id=self.stores[store] if store else None,
                created_at=at(when),
                check_total=Decimal(total),
                tier=tier,
                details={},
                points_delta=sum(points for _, points in entries),
            )
        )
        for entry_kind, points in entries:
            self.conn.execute(
                insert(LedgerEntry).values(
                    account_id=self.accounts[member],
                    transaction_id=txn_id,
                    kind=entry_kind,
                    points=points,
                    created_at=at(when),
                )
            )
        return txn_id

    def till(self, store: str, day: str, total: str) -> None:
        """A store's till total of a day (all its sales, with and without a card)."""
        from analytics.tills.tables import till_totals

        self.conn.execute(
            insert(till_totals).values(
                store_id=self.stores[store],
                day=dt.date.fromisoformat(day),
                total=Decimal(total),
                source="test",
                imported_at=at("2026-04-01 00:00"),
            )
        )
