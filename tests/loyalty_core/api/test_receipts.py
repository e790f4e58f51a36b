"""A store's receipt number is committed once (when the till sends one).

The probe sent the same receipt twice with two Idempotency-Keys and got two purchases: the
member earned twice. Now the second is a 409 problem naming the transaction that holds the
receipt; a replay under the first key still replays, and another store may use the number.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from loyalty_core.ledger.models import LedgerEntry, Transaction
from loyalty_core.stores import service as store_service

from ..conftest import Core

API = "/api/v1"


def _basket(core: Core, phone: str = "+7 916 555-07-07") -> dict[str, Any]:
    member = core.client.post(f"{API}/members", json={"phone": phone}, headers=core.headers()).get_json()
    line = {"sku": "BREAD", "category": "bakery", "quantity": "1", "amount": "200.00"}
    return {"member_id": member["id"], "lines": [line], "receipt_no": "000123"}


def _count(core: Core, model: Any) -> int:
    with core.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_same_receipt_under_a_new_key_is_a_409_naming_the_first_transaction(core: Core) -> None:
    body = _basket(core)
    first = core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem="key-1"))
    assert first.status_code == 201, first.get_json()
    entries = _count(core, LedgerEntry)

    again = core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem="key-2"))

    assert again.status_code == 409, again.get_json()
    assert again.mimetype == "application/problem+json"
    problem = again.get_json()
    assert problem["field"] == "receipt_no"
    assert problem["transaction_id"] == first.get_json()["id"]
    assert "000123" in problem["detail"] and first.get_json()["id"] in problem["detail"]
    assert _count(core, Transaction) == 1 and _count(core, LedgerEntry) == entries
    member = core.client.get(f"{API}/members/{body['member_id']}", headers=core.headers()).get_json()
    assert member["balance"] == first.get_json()["balance_after"]


def test_a_replay_under_the_first_key_still_replays(core: Core) -> None:
    body = _basket(core)
    first = core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem="key-1"))
    replay = core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem="key-1"))
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json()
    assert _count(core, Transaction) == 1


def test_another_store_may_use_the_same_receipt_number_and_receipts_without_one_are_free(core: Core) -> None:
    body = _basket(core)
    assert core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem="k1")).status_code == 201
    with core.session() as session:
        version = store_service.get_store(session, core.store_code).active_version
        other, other_key = store_service.add_store(session, "R002", "retail")
        store_service.assign_version(session, other, version)
        session.commit()
    there = core.client.post(f"{API}/purchases", json=body, headers=core.headers(key=other_key, idem="k1"))
    assert there.status_code == 201, there.get_json()
    no_receipt = {k: v for k, v in body.items() if k != "receipt_no"}
    for key in ("n1", "n2"):
        assert (
            core.client.post(f"{API}/purchases", json=no_receipt, headers=core.headers(idem=key)).status_code
            == 201
        )
    assert _count(core, Transaction) == 4
