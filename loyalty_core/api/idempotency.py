"""Idempotency-Key handling: the same key and body replay the first response, another body is 409.

The record is claimed *before* the work, in the same database transaction. A concurrent retry
with the same key waits on the unique index until the first commits, finds the finished
record and replays it: at most one of any number of retries applies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from loyalty_core.db import utcnow
from loyalty_core.errors import Conflict, InvalidRequest
from loyalty_core.ledger.models import IdempotencyRecord
from loyalty_core.stores.models import Store

MAX_KEY_LENGTH = 255


def request_hash(method: str, path: str, body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def check_key(key: str | None) -> str:
    if not key or not key.strip():
        raise InvalidRequest(
            "the Idempotency-Key header is required: send a unique value per receipt and reuse it on retries",
            field="Idempotency-Key",
        )
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidRequest(
            f"Idempotency-Key is longer than {MAX_KEY_LENGTH} characters", field="Idempotency-Key"
        )
    return key


def _stored(session: Session, store: Store, key: str) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.store_id == store.id, IdempotencyRecord.key == key)
    )


def _replay(record: IdempotencyRecord, digest: str) -> tuple[int, dict[str, Any], bool]:
    if record.request_hash != digest:
        raise Conflict(
            f"Idempotency-Key {record.key!r} was already used with a different request; use a new key",
            field="Idempotency-Key",
        )
    return record.status_code, record.response, True


def _claim_statement(insert_fn: Any) -> Any:
    return (
        insert_fn(IdempotencyRecord.__table__)
        .values(
            store_id=bindparam("store_id"),
            key=bindparam("key"),
            request_hash=bindparam("digest"),
            status_code=0,
            response=bindparam("empty", type_=IdempotencyRecord.__table__.c.response.type),
            created_at=bindparam("at", type_=IdempotencyRecord.__table__.c.created_at.type),
        )
        .on_conflict_do_nothing(index_elements=["store_id", "key"])
        .returning(IdempotencyRecord.__table__.c.id)
    )


_CLAIM = {"postgresql": _claim_statement(postgresql_insert), "sqlite": _claim_statement(sqlite_insert)}
_FINISH = (
    update(IdempotencyRecord.__table__)  # type: ignore[arg-type]  # a Table, typed FromClause
    .where(IdempotencyRecord.__table__.c.id == bindparam("record_id"))
    .values(
        status_code=bindparam("status"),
        response=bindparam("body", type_=IdempotencyRecord.__table__.c.response.type),
    )
)


def _claim(session: Session, store: Store, key: str, digest: str) -> int | None:
    """Insert the key's record; None when it exists already.

    INSERT ... ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to commit
    or roll back, so the caller then reads a finished record (or gets the claim itself).
    """
    connection = session.connection()
    statement = _CLAIM[connection.dialect.name]
    params = {"store_id": store.id, "key": key, "digest": digest, "empty": {}, "at": utcnow()}
    result: int | None = connection.execute(statement, params).scalar()
    return result


def run_once(
    session: Session,
    store: Store,
    key: str,
    digest: str,
    work: Callable[[], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """Run `work` and commit, unless this key already ran: (status, body, replayed)."""
    try:
        record_id = _claim(session, store, key, digest)
        if record_id is None:
            stored = _stored(session, store, key)
            session.rollback()
            if stored is None:  # pragma: no cover - the other request rolled back between the two reads
                raise Conflict(
                    "a request with this Idempotency-Key is in progress; retry", field="Idempotency-Key"
                )
            return _replay(stored, digest)
        status, body = work()
        session.connection().execute(_FINISH, {"record_id": record_id, "status": status, "body": body})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return status, body, False
