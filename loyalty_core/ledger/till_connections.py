"""The till lane's own PostgreSQL connections: psycopg in autocommit, outside SQLAlchemy's pool.

The lane's two statements per receipt hold a connection for about a millisecond. Checking one
out of SQLAlchemy's pool and back (the Connection object, the isolation level set and reset,
the rollback on return, the pool's events) cost about a seventh of the lane's CPU per commit
(bench/pos_inprocess.py). These connections are opened through the engine, so with its URL,
connect arguments and connect events, then detached from its pool, and kept idle on one stack
per engine: as many as requests ran at once, shared by every app on that engine.

A connection found dead is closed and never reused: the statement's error reaches the caller
as SQLAlchemy's DBAPIError flagged `connection_invalidated`, as on a pooled connection.
Disposing of the engine closes them too (the idle ones at once, the ones in use on their
return), as it does the pool's own.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError


class _Held:
    """One detached connection, with the engine generation and the process it was opened in."""

    __slots__ = ("driver", "generation", "pid", "record")

    def __init__(self, record: Any, driver: psycopg.Connection[Any], generation: int) -> None:
        self.record = record  # SQLAlchemy's detached fairy: closing it closes the connection
        self.driver = driver
        driver.autocommit = True
        self.generation = generation
        self.pid = os.getpid()


class TillConnections:
    """The stack of idle lane connections of one engine (`of(engine)`)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = weakref.ref(engine)  # the engine's event holds this object: no cycle
        self._idle: list[_Held] = []
        self._generation = 0
        event.listen(engine, "engine_disposed", self._disposed)

    @classmethod
    def of(cls, engine: Engine) -> TillConnections:
        found = _BY_ENGINE.get(engine)
        if found is None:
            found = _BY_ENGINE[engine] = cls(engine)
        return found

    def fetch_one(self, statement: str, params: dict[str, Any]) -> Any:
        """The first row of `statement`, prepared, on an idle connection (or a new one)."""
        with self._connection() as held:
            try:
                with held.driver.cursor() as cursor:
                    cursor.execute(statement, params, prepare=True)
                    return cursor.fetchone()
            except psycopg.Error as error:
                lost = held.driver.closed or held.driver.broken
                if lost:
                    held.generation = -1  # not put back
                raise DBAPIError.instance(
                    statement, params, error, psycopg.Error, connection_invalidated=lost
                ) from None

    @property
    def idle(self) -> int:
        return len(self._idle)

    @contextmanager
    def _connection(self) -> Iterator[_Held]:
        held = self._take()
        try:
            yield held
        finally:
            if held.generation == self._generation and held.pid == os.getpid():
                self._idle.append(held)
            elif held.pid == os.getpid():  # a child process never closes its parent's connection
                held.record.close()

    def _take(self) -> _Held:
        while self._idle:
            try:
                held = self._idle.pop()
            except IndexError:  # another thread took the last one
                break
            if held.pid == os.getpid():
                return held
        engine = self._engine()
        assert engine is not None, "the app holds its engine"
        record = engine.raw_connection()  # raises DBAPIError when the server cannot be reached
        driver = record.driver_connection  # the fairy forgets it once detached
        assert isinstance(driver, psycopg.Connection), "the till lane runs on psycopg"
        record.detach()
        return _Held(record, driver, self._generation)

    def _disposed(self, _engine: Engine) -> None:
        self._generation += 1
        while self._idle:
            try:
                held = self._idle.pop()
            except IndexError:
                break
            if held.pid == os.getpid():
                held.record.close()


_BY_ENGINE: weakref.WeakKeyDictionary[Engine, TillConnections] = weakref.WeakKeyDictionary()
