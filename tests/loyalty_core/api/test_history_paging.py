"""History paging: a keyset cursor over (created_at, id), handed out as `next`.

Entries sharing one timestamp (a purchase and the expiry it wrote, or a burst of receipts within
one clock tick) are neither skipped nor repeated, whatever the page size.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from loyalty_core.engine import BasketLine
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import Transaction
from loyalty_core.stores import service as store_service

from ..conftest import Core

API = "/api/v1"


def _pages(core: Core, member_id: str, limit: int) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    query: dict[str, Any] = {"limit": limit}
    while True:
        response = core.client.get(
            f"{API}/members/{member_id}/transactions", query_string=query, headers=core.headers()
        )
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append(body["transactions"])
        if body["next"] is None:
            return pages
        query = {"limit": limit, "cursor": body["next"]}


def test_1000_entries_sharing_one_timestamp_page_through_completely(core: Core) -> None:
    session = core.session()
    member = ledger.enroll(session, phone="+79160000501")
    ctx = ledger.run_context(store_service.get_store(session, core.store_code))
    moment = core.clock.now
    for _ in range(1000):
        ledger.commit_purchase(
            session, ctx, member, [BasketLine("B", "bread", Decimal(1), Decimal("10.00"))], 0, moment
        )
    session.commit()
    stored = session.scalars(select(Transaction.id).where(Transaction.member_id == member.id)).all()
    session.close()
    assert len(stored) == 1000

    pages = _pages(core, str(member.id), limit=37)
    seen = [t["id"] for page in pages for t in page]
    assert len(pages) == 28 and all(len(page) == 37 for page in pages[:-1])
    assert len(seen) == len(set(seen)) == 1000  # none repeated
    assert set(seen) == {str(i) for i in stored}  # none skipped
    assert {t["created_at"] for page in pages for t in page} == {"2026-03-03T09:00:00Z"}
    # Within the timestamp, newest first: the ids are time-ordered (UUIDv7), so by id descending.
    assert seen == sorted(seen, reverse=True)


def test_a_purchase_and_the_expiry_it_wrote_share_a_moment_and_both_are_listed(core: Core) -> None:
    session = core.session()
    member = ledger.enroll(session, phone="+79160000502")
    ctx = ledger.run_context(store_service.get_store(session, core.store_code))
    line = [BasketLine("B", "bread", Decimal(1), Decimal("1000.00"))]
    ledger.commit_purchase(session, ctx, member, line, 0, core.clock.now)
    later = core.clock.now + dt.timedelta(days=400)  # past the 365-day expiry: this purchase expires it
    ledger.commit_purchase(session, ctx, member, line, 0, later)
    session.commit()
    session.close()

    pages = _pages(core, str(member.id), limit=1)
    kinds = [(t["kind"], t["created_at"]) for page in pages for t in page]
    assert kinds == [
        ("purchase", "2027-04-07T09:00:00Z"),
        ("expiry", "2027-04-07T09:00:00Z"),
        ("purchase", "2026-03-03T09:00:00Z"),
    ]


def test_a_cursor_that_was_not_handed_out_is_refused_naming_the_field(core: Core) -> None:
    member = core.client.post(
        f"{API}/members", json={"phone": "+79160000503"}, headers=core.headers()
    ).get_json()
    response = core.client.get(
        f"{API}/members/{member['id']}/transactions",
        query_string={"cursor": "yesterday"},
        headers=core.headers(),
    )
    assert response.status_code == 400
    assert response.get_json()["field"] == "cursor"
