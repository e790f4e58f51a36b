"""Store keys on the till's commit path: cached in process, yet a rotated key stops at once.

The PostgreSQL fast path keeps each authenticated key's store in process (no query per request
for it); its one read finds the store only while the key hash is still the store's, so a key
rotated by `workbench store rotate-key` (here: the service, as another process would) is a 401
on its very next use, and the new key works. SQLite runs the ORM path: the same answers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from loyalty_core.stores import service as store_service
from loyalty_core.stores.models import Store

from ..conftest import Core

API = "/api/v1"


def _purchase(core: Core, member_id: str, idem: str, key: str) -> Any:
    body = {
        "member_id": member_id,
        "lines": [{"sku": "MILK", "category": "dairy", "quantity": "1", "amount": "100.00"}],
    }
    return core.client.post(f"{API}/purchases", json=body, headers=core.headers(key=key, idem=idem))


def test_a_rotated_key_is_refused_on_its_next_commit_and_the_new_one_works(core: Core) -> None:
    enrolled = core.client.post(f"{API}/members", json={"phone": "+79165550123"}, headers=core.headers())
    member_id = enrolled.get_json()["id"]
    assert _purchase(core, member_id, "k-1", core.store_key).status_code == 201  # the key is cached now

    session = core.session()
    store = session.scalar(select(Store).where(Store.code == core.store_code))
    assert store is not None
    new_key = store_service.rotate_key(session, store)
    session.commit()
    session.close()

    refused = _purchase(core, member_id, "k-2", core.store_key)
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["detail"] == "the store key is not valid"
    assert _purchase(core, member_id, "k-2", new_key).status_code == 201
    # The same key once more replays the first answer: the cache changes nothing of idempotency.
    again = _purchase(core, member_id, "k-2", new_key)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
