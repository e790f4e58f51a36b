"""Rate limit of phone look-ups per store key.

A phone number is personal data and a guessable key: without a limit, one store key can walk
the number space and learn who is a member. A till looks up a handful of phones a minute, so
each store key gets a budget per fixed minute window, counted in the database (every gunicorn
worker and every server of the chain shares the count). Card look-ups are not limited: a card
number is in the customer's hand, and 10**9 random numbers per prefix are not guessable.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import ForeignKey, Integer, case
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from loyalty_core.db import Base, UTCDateTime
from loyalty_core.errors import TooManyRequests
from loyalty_core.stores.models import Store

WINDOW = dt.timedelta(minutes=1)
DEFAULT_PHONE_LOOKUPS_PER_MINUTE = 60


class PhoneLookupWindow(Base):
    """One row per store: the current window's start and how many phone look-ups it has had."""

    __tablename__ = "phone_lookup_windows"

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)


def _window_start(at: dt.datetime) -> dt.datetime:
    seconds = WINDOW.total_seconds()
    epoch = at.timestamp()
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _count_statement(dialect: str, store_id: int, start: dt.datetime) -> Any:
    table: Any = PhoneLookupWindow.__table__
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(table).values(store_id=store_id, window_start=start, count=1)
    same_window = table.c.window_start == statement.excluded.window_start
    return statement.on_conflict_do_update(
        index_elements=[table.c.store_id],
        set_={
            "count": case((same_window, table.c.count + 1), else_=1),
            "window_start": statement.excluded.window_start,
        },
    ).returning(table.c.count)


def count_phone_lookup(session: Session, store: Store, at: dt.datetime, limit: int) -> None:
    """Count one look-up (committed at once, so a refused or failed look-up counts too);
    TooManyRequests once the store's key is over `limit` in the current minute."""
    start = _window_start(at)
    statement = _count_statement(session.get_bind().dialect.name, store.id, start)
    used = int(session.execute(statement).scalar_one())
    session.commit()
    if used > limit:
        retry_after = max(1, math.ceil((start + WINDOW - at).total_seconds()))
        raise TooManyRequests(
            f"store {store.code} has looked up {limit} phones this minute, the most allowed; "
            f"retry in {retry_after} s or look the member up by card",
            field="phone",
            retry_after=retry_after,
        )
