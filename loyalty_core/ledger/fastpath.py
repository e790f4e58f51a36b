"""The till's purchase on PostgreSQL in two round trips (issue 13).

1. One read-only statement: the store (still holding the key the request came with), the
   version it runs at the moment, any finished record of the Idempotency-Key, and the member's
   state (balance, next expiry, birthday, 365-day spend through `pos_spend_365`).
2. The pure `calculate` decides the receipt in Python, exactly as on the ORM path.
3. One call of the PL/pgSQL `pos_commit_purchase`, which locks the account, re-checks the
   state the decision was made from, claims the key and writes everything
   (`fastpath_sql.COMMIT_FUNCTION`). If the state moved meanwhile, the read and the decision
   are done again.

Both run on a pooled connection in autocommit, so each is its own transaction and no BEGIN or
COMMIT travels; psycopg prepares each statement after its fifth use on a connection. Receipts
the fast path does not take (one sent late with `occurred_at`, one for a member with points
already past their expiry) answer `None`, and the caller runs the ORM path, which handles them.

The store's key is checked in process: a key hash once authenticated is cached with its store,
and the read (1) only finds the store while its key hash is still that one, so a rotated key is
refused on its next use and dropped from the cache.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple, cast

import orjson
import psycopg
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from loyalty_core.clock import window_start
from loyalty_core.config.models import ConfigVersion
from loyalty_core.config.schema import ProgramConfig
from loyalty_core.config.service import program_config
from loyalty_core.engine import Basket, BasketLine, Decision, MemberState, calculate
from loyalty_core.errors import Conflict, InvalidRequest, NotFound, Unauthorized
from loyalty_core.ids import uuid7
from loyalty_core.ledger.limits import check_storable
from loyalty_core.ledger.service import (
    DEFAULT_ZONE,
    SPEND_WINDOW_DAYS,
    _expiry_for,
    _is_receipt_clash,
    decision_details,
)
from loyalty_core.stores.service import authenticate_at, hash_key

ATTEMPTS = 4  # reads and decisions before a receipt whose member keeps moving goes the ORM way

_IN_FORCE = """coalesce((SELECT va.version_id FROM store_version_assignments va
  WHERE va.store_id = s.id AND va.effective_at <= %(at)s AND va.cancelled_at IS NULL
  ORDER BY va.effective_at DESC, va.id DESC LIMIT 1), s.active_version_id)"""

_READ = f"""SELECT s.code, v.id, v.label, v.content_hash, r.request_hash, r.status_code, r.response,
  a.id, a.member_id, a.balance, a.next_expiry_at, m.birthday,
  CASE WHEN a.id IS NOT NULL THEN pos_spend_365(a.member_id, %(at)s, %(since)s) END
FROM stores s
LEFT JOIN config_versions v ON v.id = {_IN_FORCE}
LEFT JOIN idempotency_records r ON r.store_id = s.id AND r.key = %(key)s
LEFT JOIN {{member}}
WHERE s.id = %(store)s AND s.api_key_hash = %(hash)s"""

READ_BY_MEMBER = _READ.format(member="(members m JOIN accounts a ON a.member_id = m.id) ON m.id = %(member)s")
READ_BY_CARD = _READ.format(
    member="(cards c JOIN members m ON m.id = c.member_id JOIN accounts a ON a.member_id = m.id) "
    "ON c.number = %(card)s"
)

# The quote's one statement: the store and its version, and the member's state with points past
# their expiry already taken away (as the ORM's _effective_balance does, job or no job).
_QUOTE_READ = f"""SELECT s.code, v.id, v.label, v.content_hash, a.member_id,
  (a.balance - CASE WHEN a.next_expiry_at <= %(at)s THEN
    (SELECT coalesce(sum(b.remaining), 0) FROM earn_buckets b WHERE b.account_id = a.id
     AND b.remaining > 0 AND b.expires_at IS NOT NULL AND b.expires_at <= %(at)s) ELSE 0 END)::bigint,
  m.birthday,
  CASE WHEN a.id IS NOT NULL THEN pos_spend_365(a.member_id, %(at)s, %(since)s) END
FROM stores s
LEFT JOIN config_versions v ON v.id = {_IN_FORCE}
LEFT JOIN {{member}}
WHERE s.id = %(store)s AND s.api_key_hash = %(hash)s"""

QUOTE_BY_MEMBER = _QUOTE_READ.format(
    member="(members m JOIN accounts a ON a.member_id = m.id) ON m.id = %(member)s"
)
QUOTE_BY_CARD = _QUOTE_READ.format(
    member="(cards c JOIN members m ON m.id = c.member_id JOIN accounts a ON a.member_id = m.id) "
    "ON c.number = %(card)s"
)

COMMIT = """SELECT pos_commit_purchase(%(store)s, %(key)s, %(hash)s, %(response)s::json, %(recorded)s,
  %(txn)s, %(member)s, %(account)s, %(version)s, %(receipt)s::text, %(at)s, %(since)s,
  %(balance)s::bigint, %(next_expiry)s::timestamptz, %(spend)s::numeric,
  %(check_total)s::numeric, %(redeemed)s::bigint, %(redeemed_value)s::numeric, %(earned)s::bigint,
  %(paid)s::numeric, %(tier)s::text, %(details)s::json, %(expires)s::timestamptz,
  %(line_no)s::integer[], %(sku)s::text[], %(category)s::text[], %(quantity)s::numeric[],
  %(amount)s::numeric[], %(line_redeemed)s::bigint[], %(line_redeemed_value)s::numeric[],
  %(line_points)s::bigint[])"""

RECORD = (
    "SELECT request_hash, status_code, response FROM idempotency_records "
    "WHERE store_id = %(store)s AND key = %(key)s"
)


def _fetch_one(conn: Connection, statement: str, params: dict[str, Any]) -> Any:
    """The first row of `statement`, run on the session's psycopg connection itself, prepared.

    SQLAlchemy's result machinery doubled the client's cost of each of the two round trips, and
    the fast path reads plain tuples. Its error translation is kept: a unique violation arrives
    as IntegrityError, and a lost connection as a DBAPIError flagged `connection_invalidated`
    (the connection invalidated), which api.retry answers by trying the request once more.
    """
    driver = conn.connection.driver_connection
    assert isinstance(driver, psycopg.Connection), "the fast path runs on psycopg"
    try:
        with driver.cursor() as cursor:
            cursor.execute(statement, params, prepare=True)
            return cursor.fetchone()
    except psycopg.Error as error:
        # psycopg's errors are the DBAPI's, which SQLAlchemy's stubs type as their own module's.
        lost = driver.closed or conn.dialect.is_disconnect(cast(Any, error), conn.connection, None)
        if lost:
            conn.invalidate()
            # The pool's other connections most likely died with this one (a restarted server):
            # start a new pool, as SQLAlchemy does when its own statements meet a disconnect.
            conn.engine.dispose()
        raise DBAPIError.instance(
            statement, params, error, psycopg.Error, connection_invalidated=lost
        ) from None


@dataclass(frozen=True)
class CachedStore:
    """What the fast path needs of an authenticated store; `zone` is the last version's zone."""

    id: int
    code: str
    direction: str
    key_hash: str
    zone: str


@dataclass(frozen=True)
class Receipt:
    """A purchase as the till sent it (parsed), with its Idempotency-Key and body digest."""

    key: str
    digest: str
    member_id: str | None
    card: str | None
    lines: list[BasketLine]
    redeem_points: int
    receipt_no: str | None


class NewPurchase(NamedTuple):
    """What the response body says of a purchase the commit function is about to write (the
    fast path needs no ORM object for it: building one cost more than the body's JSON)."""

    id: uuid.UUID
    member_id: uuid.UUID
    receipt_no: str | None
    created_at: dt.datetime
    recorded_at: dt.datetime


# Runs one statement in autocommit and gives its first row (a session's connection through
# `_fetch_one`, or the till lane's own: ledger.till_connections).
Fetch = Callable[[str, dict[str, Any]], Any]
# The response body of a committed purchase (the API's serializer).
Respond = Callable[[Decision, NewPurchase, str, str], dict[str, Any]]
Outcome = tuple[int, dict[str, Any], bool]
# A version's parsed configuration by (id, content hash): cached, or read on a miss.
Configs = Callable[[int, str], ProgramConfig]

_STORES: dict[str, CachedStore] = {}
_CONFIGS: dict[tuple[int, str], ProgramConfig] = {}


def enabled(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def cached_store(session: Session, token: str | None, at: dt.datetime) -> CachedStore:
    """The store of a bearer key: from the cache, else authenticated once through the ORM."""
    if not token:
        raise Unauthorized("send the store's key as 'Authorization: Bearer <key>'")
    key_hash = hash_key(token)
    cached = _STORES.get(key_hash)
    if cached is None:
        store, version = authenticate_at(session, token, at)
        zone = program_config(version).timezone if version is not None else DEFAULT_ZONE
        if len(_STORES) > 10_000:  # a chain's stores fit; a flood of keys does not grow it forever
            _STORES.clear()
        cached = _STORES[key_hash] = CachedStore(store.id, store.code, store.direction, key_hash, zone)
    return cached


def known_store(token: str) -> CachedStore | None:
    """The store of a bearer key already authenticated in this process, without a query."""
    return _STORES.get(hash_key(token))


def forget_stores() -> None:
    """Empty the key cache (tests that rotate keys behind a running app's back use it)."""
    _STORES.clear()


def commit(
    session: Session,
    store: CachedStore,
    receipt: Receipt,
    now: dt.datetime,
    respond: Respond,
) -> Outcome | None:
    """Commit a purchase happening `now`: (status, body, replayed); None: take the ORM path.

    Runs on the session's own connection, switched to autocommit: one pooled connection per
    request, invalidated with the session when it dies (api.retry).
    """
    outcome = commit_on(_fetcher(session), _configs_of(session), store, receipt, now, respond)
    if outcome is None:
        # Hand the ORM path a session in a transaction of its own (not in autocommit).
        session.rollback()
    return outcome


def commit_on(
    fetch: Fetch,
    configs: Configs,
    store: CachedStore,
    receipt: Receipt,
    now: dt.datetime,
    respond: Respond,
) -> Outcome | None:
    """`commit` through `fetch`, without a Session (the till lane's way: ledger.till_connections)."""
    for _ in range(ATTEMPTS):
        state = _read(fetch, store, receipt, now)
        if isinstance(state, tuple):
            return state
        if state is None:
            return None
        config = configs(state.version_id, state.version_hash)
        if config.timezone != state.zone:  # the store moved to a version in another zone
            store = _remember_zone(store, config.timezone)
            continue
        outcome = _decide_and_write(fetch, store, receipt, state, config, respond)
        if not isinstance(outcome, str):
            return outcome
    return None  # the member's state kept moving under this receipt: the ORM path locks first


def _fetcher(session: Session) -> Fetch:
    """`_fetch_one` on the session's own connection, switched to autocommit."""
    if session.in_transaction():  # the key was authenticated just now: end that read first
        session.rollback()
    return partial(_fetch_one, session.connection(execution_options={"isolation_level": "AUTOCOMMIT"}))


@dataclass(frozen=True)
class _State:
    version_id: int
    version_label: str
    version_hash: str
    account_id: int
    member_id: uuid.UUID
    balance: int
    next_expiry: dt.datetime | None
    birthday: dt.date | None
    spend: Decimal
    at: dt.datetime
    since: dt.datetime
    zone: str


def _read(fetch: Fetch, store: CachedStore, receipt: Receipt, now: dt.datetime) -> _State | Outcome | None:
    """Round trip 1. A finished record of the key: its replay. Refusals raise; None: ORM path."""
    since = window_start(now, SPEND_WINDOW_DAYS, store.zone)
    params: dict[str, Any] = {
        "at": now,
        "since": since,
        "key": receipt.key,
        "store": store.id,
        "hash": store.key_hash,
    }
    if receipt.member_id:
        try:
            params["member"] = uuid.UUID(receipt.member_id)
        except ValueError:
            raise NotFound(f"no member {receipt.member_id!r}", field="member_id") from None
        statement = READ_BY_MEMBER
    else:  # no card either: refused below, after the key's record and the version (as the ORM path)
        params["card"] = receipt.card.strip() if receipt.card else None
        statement = READ_BY_CARD
    row = fetch(statement, params)
    if row is None:
        _STORES.pop(store.key_hash, None)  # the key was rotated (or the store removed)
        raise Unauthorized("the store key is not valid")
    code, version_id, label, content_hash, record_hash, record_status, record_body = row[:7]
    if record_hash is not None:
        return _replay(receipt, record_hash, record_status, record_body)
    if version_id is None:
        raise Conflict(f"store {code} has no active configuration version; assign one first", field="store")
    if not receipt.member_id and not receipt.card:
        raise InvalidRequest("name the member with member_id or card", field="member_id")
    account_id, member_id, balance, next_expiry, birthday, spend = row[7:]
    if account_id is None:
        field = "member_id" if receipt.member_id else "card"
        who = receipt.member_id if receipt.member_id else f"with card {receipt.card}"
        raise NotFound(f"no member {who}", field=field)
    if next_expiry is not None and next_expiry <= now:
        return None  # points are due to expire first: the ORM path writes the expiry
    return _State(
        version_id, label, content_hash, account_id, member_id, balance, next_expiry, birthday,
        Decimal(spend).quantize(Decimal("0.01")), now, since, store.zone,
    )  # fmt: skip


def _replay(receipt: Receipt, request_hash: str, status: int, body: dict[str, Any]) -> Outcome:
    if request_hash != receipt.digest:
        raise Conflict(
            f"Idempotency-Key {receipt.key!r} was already used with a different request; use a new key",
            field="Idempotency-Key",
        )
    return status, body, True


def _configs_of(session: Session) -> Configs:
    """The version's configuration from the cache, else read once through `session`."""

    def config(version_id: int, content_hash: str) -> ProgramConfig:
        cached = _CONFIGS.get((version_id, content_hash))
        return cached if cached is not None else _load_config(session, version_id, content_hash)

    return config


def configs_from(sessions: Callable[[], Session]) -> Configs:
    """As `_configs_of`, opening a session of `sessions` only on a miss (the till lane)."""

    def config(version_id: int, content_hash: str) -> ProgramConfig:
        cached = _CONFIGS.get((version_id, content_hash))
        if cached is not None:
            return cached
        with sessions() as session:
            return _load_config(session, version_id, content_hash)

    return config


def _load_config(session: Session, version_id: int, content_hash: str) -> ProgramConfig:
    version = session.get(ConfigVersion, version_id)
    assert version is not None, "the read found it"
    if len(_CONFIGS) > 256:
        _CONFIGS.clear()
    config = _CONFIGS[(version_id, content_hash)] = program_config(version)
    return config


def _remember_zone(store: CachedStore, zone: str) -> CachedStore:
    updated = CachedStore(store.id, store.code, store.direction, store.key_hash, zone)
    _STORES[store.key_hash] = updated
    return updated


def _decide_and_write(
    fetch: Fetch,
    store: CachedStore,
    receipt: Receipt,
    state: _State,
    config: ProgramConfig,
    respond: Respond,
) -> Outcome | str:
    """`calculate`, then round trip 2; 'moved' when the member's state changed since the read."""
    member_state = MemberState(balance=state.balance, spend_365=state.spend, birthday=state.birthday)
    basket = Basket(tuple(receipt.lines), store.code, store.direction, receipt.redeem_points)
    decision = calculate(basket, member_state, config, state.at)
    check_storable(decision)
    txn = NewPurchase(uuid7(), state.member_id, receipt.receipt_no, state.at, state.at)
    body = respond(decision, txn, store.code, state.version_label)
    params = _commit_params(store, receipt, state, config, decision, txn, body)
    try:
        (result,) = fetch(COMMIT, params)
    except IntegrityError as exc:
        if not _is_receipt_clash(exc):
            raise
        raise Conflict(
            f"receipt {receipt.receipt_no} of store {store.code} was committed by a concurrent request; "
            "retry to see its transaction",
            field="receipt_no",
        ) from None
    if result == "ok":
        return 201, body, False
    if result == "replay":  # a request with the same key committed while this one decided
        row = fetch(RECORD, {"store": store.id, "key": receipt.key})
        return _replay(receipt, row[0], row[1], row[2])
    if result.startswith("receipt:"):
        holder = result.removeprefix("receipt:")
        raise Conflict(
            f"receipt {receipt.receipt_no} of store {store.code} is already committed as "
            f"transaction {holder}",
            field="receipt_no",
            transaction_id=holder,
        )
    return "moved"


def _commit_params(
    store: CachedStore,
    receipt: Receipt,
    state: _State,
    config: ProgramConfig,
    decision: Decision,
    txn: NewPurchase,
    body: dict[str, Any],
) -> dict[str, Any]:
    lines = decision.lines
    return {
        "store": store.id,
        "key": receipt.key,
        "hash": receipt.digest,
        "response": orjson.dumps(body).decode(),
        "recorded": dt.datetime.now(dt.UTC),
        "txn": txn.id,
        "member": state.member_id,
        "account": state.account_id,
        "version": state.version_id,
        "receipt": receipt.receipt_no,
        "at": state.at,
        "since": state.since,
        "balance": state.balance,
        "next_expiry": state.next_expiry,
        "spend": state.spend,
        "check_total": decision.check_total,
        "redeemed": decision.redeemed_points,
        "redeemed_value": decision.redeemed_value,
        "earned": decision.earned_points,
        "paid": decision.paid_amount,
        "tier": decision.tier,
        "details": orjson.dumps(decision_details(decision)).decode(),
        "expires": _expiry_for(config, state.at) if decision.earned_points else None,
        "line_no": _numbers(line.index for line in lines),
        "sku": texts(line.sku for line in lines),
        "category": texts(line.category for line in lines),
        "quantity": _numbers(line.quantity for line in lines),
        "amount": _numbers(line.amount for line in lines),
        "line_redeemed": _numbers(line.redeemed_points for line in lines),
        "line_redeemed_value": _numbers(line.redeemed_value for line in lines),
        "line_points": _numbers(line.points for line in lines),
    }


def texts(values: Iterable[str]) -> str:
    """A PostgreSQL array literal of texts, each quoted, with its quotes and backslashes escaped
    ('{"MILK","say \\"hi\\""}'), cast by the statement (as `_numbers`, for the same reason). The
    texts hold no NUL: the API refuses it in every text field."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def _numbers(values: Iterable[int | Decimal]) -> str:
    """A PostgreSQL array literal of numbers ("{1,2.50}"), cast by the statement: psycopg's
    per-element adaptation of a list was the largest client cost of the commit's parameters."""
    return "{" + ",".join(map(str, values)) + "}"


def quote(
    session: Session,
    store: CachedStore,
    member_id: str | None,
    card: str | None,
    lines: list[BasketLine],
    redeem_points: int,
    now: dt.datetime,
) -> tuple[Decision, uuid.UUID, str]:
    """A quote at `now` from one statement: (decision, member id, version label).

    The refusals are the ORM path's, in its order: a rotated key, a store without a version,
    then the member (by id, by card, or neither named). Autocommit, as the commit: one round trip.
    """
    return quote_on(
        _fetcher(session), _configs_of(session), store, member_id, card, lines, redeem_points, now
    )


def quote_on(
    fetch: Fetch,
    configs: Configs,
    store: CachedStore,
    member_id: str | None,
    card: str | None,
    lines: list[BasketLine],
    redeem_points: int,
    now: dt.datetime,
) -> tuple[Decision, uuid.UUID, str]:
    """`quote` through `fetch`, without a Session (the till lane's way)."""
    for _ in range(ATTEMPTS):
        params: dict[str, Any] = {
            "at": now,
            "since": window_start(now, SPEND_WINDOW_DAYS, store.zone),
            "store": store.id,
            "hash": store.key_hash,
        }
        statement = _quote_statement(params, member_id, card)
        row = fetch(statement, params)
        if row is None:
            _STORES.pop(store.key_hash, None)
            raise Unauthorized("the store key is not valid")
        code, version_id, label, content_hash, found, balance, birthday, spend = row
        if version_id is None:
            raise Conflict(
                f"store {code} has no active configuration version; assign one first", field="store"
            )
        if found is None:
            _refuse_member(member_id, card)
        config = configs(version_id, content_hash)
        if config.timezone != store.zone:
            store = _remember_zone(store, config.timezone)
            continue
        state = MemberState(
            balance=balance, spend_365=Decimal(spend).quantize(Decimal("0.01")), birthday=birthday
        )
        basket = Basket(tuple(lines), store.code, store.direction, redeem_points)
        decision = calculate(basket, state, config, now)
        check_storable(decision)
        return decision, found, label
    raise Conflict("the store's configuration version keeps changing; retry", field="store")


def _quote_statement(params: dict[str, Any], member_id: str | None, card: str | None) -> str:
    if member_id:
        try:
            params["member"] = uuid.UUID(member_id)
        except ValueError:
            params["member"] = None  # refused below as the ORM path does, after the version
        return QUOTE_BY_MEMBER
    params["card"] = card.strip() if card else None
    return QUOTE_BY_CARD


def _refuse_member(member_id: str | None, card: str | None) -> None:
    """The ORM path's refusals for a member not found (ledger.service.resolve_member)."""
    if member_id:
        try:
            uuid.UUID(member_id)
        except ValueError:
            raise NotFound(f"no member {member_id!r}", field="member_id") from None
        raise NotFound(f"no member {member_id}", field="member_id")
    if card:
        raise NotFound(f"no member holds card {card}", field="card")
    raise InvalidRequest("name the member with member_id or card", field="member_id")
