"""Stores: adding, keys, and which configuration version each one runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

from loyalty_core.clock import utc
from loyalty_core.config.models import ConfigVersion
from loyalty_core.config.schema import Direction
from loyalty_core.errors import Conflict, InvalidRequest, NotFound, Unauthorized
from loyalty_core.stores.models import Store, StoreAssignment

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
    session: Session, store: Store, version: ConfigVersion, at: dt.datetime | None = None
) -> Store:
    """Point a store at an approved version; it takes effect on the store's next request.

    The switch is also recorded with its moment, so a receipt a till sends late is computed
    under the version the store ran when the receipt happened.
    """
    if not version.is_approved:
        raise Conflict(
            f"version {version.label} is a draft: only approved versions can run in a store", field="version"
        )
    store.active_version_id = version.id
    store.active_version = version
    moment = utc(at) if at is not None else dt.datetime.now(dt.timezone.utc)
    session.add(StoreAssignment(store_id=store.id, config_version_id=version.id, from_at=moment))
    session.flush()
    return store


def version_at(session: Session, store: Store, at: dt.datetime) -> ConfigVersion | None:
    """The version the store ran at `at` (None: it ran none yet)."""
    return session.scalar(
        select(ConfigVersion)
        .join(StoreAssignment, StoreAssignment.config_version_id == ConfigVersion.id)
        .where(StoreAssignment.store_id == store.id, StoreAssignment.from_at <= utc(at))
        .order_by(StoreAssignment.from_at.desc(), StoreAssignment.id.desc())
        .limit(1)
    )


# Built once: every request of every till runs it.
_BY_KEY_HASH = (
    select(Store).options(joinedload(Store.active_version)).where(Store.api_key_hash == bindparam("key_hash"))
)


def authenticate(session: Session, api_key: str | None) -> Store:
    """The store owning a bearer key, or Unauthorized."""
    if not api_key:
        raise Unauthorized("send the store's key as 'Authorization: Bearer <key>'")
    store = session.scalar(_BY_KEY_HASH, {"key_hash": hash_key(api_key)})
    if store is None:
        raise Unauthorized("the store key is not valid")
    return store
