"""One more try for a POS request whose database connection died half-way.

The POS served on its own does not ping a connection before each request (a round trip per
till request), so a connection dropped while idle, like one that dies *during* a request (the
server restarted, a DBA terminated the backend), raises a DBAPI error flagged
`connection_invalidated`: the transaction did not happen,
or, if it died during COMMIT, the Idempotency-Key makes the second try replay what the first
stored. Either way, running the request once more on a fresh session is safe, and the till
sees an answer instead of a 500.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import current_app, g
from sqlalchemy.exc import DBAPIError

P = ParamSpec("P")
R = TypeVar("R")


def _discard_session() -> None:
    session = g.pop("core_session", None)
    if session is not None:
        session.invalidate()  # its connection is dead: do not give it back to the pool
    g.pop("store", None)  # re-read through the new session


def once_more_on_disconnect(view: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return view(*args, **kwargs)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
            current_app.logger.warning(
                "POS API: database connection lost (%s); trying the request once more", exc.orig
            )
            _discard_session()
            return view(*args, **kwargs)

    return wrapped
