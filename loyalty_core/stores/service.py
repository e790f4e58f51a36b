"""Stores: adding, keys, and which configuration version each one runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from loyalty_core.clock import utc
from loyalty_core.config.models import ConfigVersion
from loyalty_core.config.schema import Direction
from loyalty_core.db import UTCDateTime, utcnow
from loyalty_core.errors import Conflict, InvalidRequest, NotFound, Unauthorized
from loyalty_core.stores.models import Store, VersionAssignment

KEY_PREFIX = "lk_"


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def add_store(
    session: Session, code: str, direction: str, *, name: str = "", city: str = ""
) -> tuple[Store, str]:
    """A new store and its API key (returned once: only its hash is stored)."""
    code = code.strip().upper()
    if not code:
        raise InvalidRequest("a store needs a code", field="code")
    if direction not in {d.value for d in Direction}:
        raise InvalidRequest(f"direction must be retail or wholesale, not {direction!r}", field="direction")
    if session.scalar(select(Store.id).where(Store.code == code)) is not None:
        raise Conflict(f"store {code} already exists", field="code")
    api_key = new_api_key()
    store = Store(
        code=code,
        direction=direction,
        name=name,
        city=city,
        api_key_hash=hash_key(api_key),
        api_key_prefix=api_key[:10],
    )
    session.add(store)
    session.flush()
    return store, api_key


def rotate_key(session: Session, store: Store) -> str:
    """Issue a new key; the old one stops working at once."""
    api_key = new_api_key()
    store.api_key_hash = hash_key(api_key)
    store.api_key_prefix = api_key[:10]
    session.flush()
    return api_key


def get_store(session: Session, code: str) -> Store:
    store = session.scalar(select(Store).where(Store.code == code.strip().upper()))
    if store is None:
        raise NotFound(f"no store {code!r}", field="store")
    return store


def list_stores(session: Session) -> list[Store]:
    return list(session.scalars(select(Store).order_by(Store.code)))


def assign_version(
    session: Session,
    store: Store,
    version: ConfigVersion,
    *,
    at: dt.datetime | None = None,
    source: str = "manual",
) -> Store:
    """Point a store at an approved version from `at` (default now); it takes effect on the
    store's next request. The switch is recorded with its moment, so a receipt a till sends late
    is computed under the version the store ran when the receipt happened (`version_at`)."""
    _require_approved(version)
    moment = utc(at) if at is not None else utcnow()
    session.add(
        VersionAssignment(store_id=store.id, version_id=version.id, effective_at=moment, source=source)
    )
    store.active_version_id = version.id
    store.active_version = version
    session.flush()
    return store


def version_at(session: Session, store: Store, at: dt.datetime) -> ConfigVersion | None:
    """The version the store ran at `at` (None: it ran none yet): its newest dated assignment in
    force then. Unlike the POS's `in_force_version_id`, no undated fallback: a moment before the
    store's first assignment ran no version."""
    in_force = _assignment_in_force(store.id, utc(at)).scalar_subquery()
    return session.scalar(select(ConfigVersion).where(ConfigVersion.id == in_force))


def _require_approved(version: ConfigVersion) -> None:
    if not version.is_approved:
        raise Conflict(
            f"version {version.label} is a draft: only approved versions can run in a store", field="version"
        )


def schedule_versions(
    session: Session, version: ConfigVersion, moments: dict[int, dt.datetime], *, source: str
) -> None:
    """Dated assignments of `version`: store id -> the UTC moment it runs from. One bulk insert,
    because a wave may hold thousands of stores and a switch must not wait on the ORM."""
    _require_approved(version)
    if not moments:
        return
    created = utcnow()
    session.execute(
        insert(VersionAssignment),
        [
            {
                "store_id": sid,
                "version_id": version.id,
                "effective_at": at,
                "source": source,
                "created_at": created,
            }
            for sid, at in moments.items()
        ],
    )


def schedule_each(session: Session, rows: Iterable[tuple[int, int, dt.datetime]], *, source: str) -> None:
    """Dated assignments of possibly different versions: (store id, version id, moment)."""
    created = utcnow()
    payload = [
        {"store_id": sid, "version_id": vid, "effective_at": at, "source": source, "created_at": created}
        for sid, vid, at in rows
    ]
    if payload:
        session.execute(insert(VersionAssignment), payload)


def schedule_from(session: Session, rows: Select[Any]) -> None:
    """Dated assignments from a SELECT of (store_id, version_id, effective_at, source, created_at):
    thousands of stores switch in one statement, without a round trip per store."""
    session.execute(
        insert(VersionAssignment).from_select(
            ["store_id", "version_id", "effective_at", "source", "created_at"], rows
        )
    )


def cancel_pending(
    session: Session, store_ids: Iterable[int] | Select[Any], version_id: int, now: dt.datetime
) -> int:
    """Call off `version`'s assignments of these stores (ids, or a SELECT of ids) whose moment
    has not come; how many."""
    ids = store_ids if isinstance(store_ids, Select) else list(store_ids)
    if isinstance(ids, list) and not ids:
        return 0
    result = session.execute(
        update(VersionAssignment)
        .where(
            VersionAssignment.store_id.in_(ids),
            VersionAssignment.version_id == version_id,
            VersionAssignment.effective_at > now,
            VersionAssignment.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _assignment_in_force(store_id: Any, at: Any) -> Select[tuple[int]]:
    """The version id of the store's assignment in force at `at` (a value or a bound
    parameter): the newest whose moment has come and that was not cancelled; ties (same moment)
    go to the later row, so a rollback written at the same instant as a switch wins."""
    return (
        select(VersionAssignment.version_id)
        .where(
            VersionAssignment.store_id == store_id,
            VersionAssignment.effective_at <= at,
            VersionAssignment.cancelled_at.is_(None),
        )
        .order_by(VersionAssignment.effective_at.desc(), VersionAssignment.id.desc())
        .limit(1)
    )


def _in_force_subquery():  # type: ignore[no-untyped-def]
    at = bindparam("at", type_=UTCDateTime())
    return _assignment_in_force(Store.id, at).correlate(Store).scalar_subquery()


def in_force_version_id():  # type: ignore[no-untyped-def]
    """A column expression: the id of the version a store runs at the bound parameter `at`
    (the newest dated assignment in force, else the store's undated one)."""
    return func.coalesce(_in_force_subquery(), Store.active_version_id)


def in_force_for(store_id: Any) -> Any:
    """A scalar subquery: the version in force at `at` of the store whose id is the column
    `store_id` of another table (for set-based statements over, say, a wave's stores)."""
    return select(in_force_version_id()).where(Store.id == store_id).scalar_subquery()


def versions_in_force(
    session: Session, at: dt.datetime, store_ids: Iterable[int] | None = None
) -> dict[int, int | None]:
    """Store id -> the version id it runs at `at` (None: no version)."""
    query = select(Store.id, in_force_version_id().label("version_id"))
    if store_ids is not None:
        query = query.where(Store.id.in_(list(store_ids)))
    return dict(session.execute(query, {"at": at}).tuples().all())


def record_in_force(session: Session, at: dt.datetime) -> int:
    """Copy each store's version in force into `active_version_id` (what lists show without a
    moment); the periodic job runs it. The POS never needs it: it resolves by date itself."""
    in_force = in_force_version_id()
    result = session.execute(
        update(Store)
        .where(
            in_force.is_not(None), (Store.active_version_id != in_force) | Store.active_version_id.is_(None)
        )
        .values(active_version_id=in_force)
        .execution_options(synchronize_session=False),
        {"at": at},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Built once: every request of every till runs it. The version is resolved by date in the same
# statement, so a switch or rollback is visible on the very next request, with no cache to clear.
_BY_KEY_HASH = (
    select(Store, ConfigVersion)
    .outerjoin(ConfigVersion, ConfigVersion.id == in_force_version_id())
    .where(Store.api_key_hash == bindparam("key_hash"))
)


def authenticate(session: Session, api_key: str | None) -> Store:
    """The store owning a bearer key, or Unauthorized."""
    return authenticate_at(session, api_key, utcnow())[0]


def authenticate_at(
    session: Session, api_key: str | None, at: dt.datetime
) -> tuple[Store, ConfigVersion | None]:
    """The store owning a bearer key and the version it runs at `at`, or Unauthorized."""
    if not api_key:
        raise Unauthorized("send the store's key as 'Authorization: Bearer <key>'")
    row = session.execute(_BY_KEY_HASH, {"key_hash": hash_key(api_key), "at": at}).first()
    if row is None:
        raise Unauthorized("the store key is not valid")
    return row[0], row[1]
