"""The declarative base and session factory of the core's tables.

The whole product shares one `MetaData` (this one): the workbench binds Flask-SQLAlchemy to it
so a single Alembic history covers every table, while the core itself needs nothing but plain
SQLAlchemy to serve the POS API on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Base of the core's tables."""

    metadata = metadata


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def configure_engine(engine: Engine) -> Engine:
    """Per-backend settings the core relies on (SQLite: foreign keys on, WAL, busy timeout)."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


# A connection the server dropped (restart, failover, an idle timeout, a DBA's terminate) must
# not fail a till's request: each checkout is pinged first (one short round trip, about 0.1 ms
# on a local network) and a dead connection is replaced before the request uses it. Recycling
# keeps connections younger than typical idle timeouts. The POS API also retries a request
# once when its connection dies half-way (loyalty_core.api.retry).
ENGINE_OPTIONS: dict[str, Any] = {"pool_recycle": 1800, "pool_pre_ping": True}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for the core running on its own (the workbench passes its own engine)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    else:
        for name, value in ENGINE_OPTIONS.items():
            kwargs.setdefault(name, value)
    return configure_engine(create_engine(url, **kwargs))


def make_session_factory(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(bind=engine, expire_on_commit=False)
