"""The till lane: a till's purchase and quote answered without Flask, when nothing is unusual.

Most of a till's requests are the same: a store already known in this process, a well-formed
basket sent as JSON with its length, a member found, points committed. For those the Flask
request (its context, the request and response objects, the session per request) cost about a
third of the app's CPU per commit (bench/pos_inprocess.py). The lane is a WSGI middleware in
front of the Flask app that answers exactly those requests itself, with the same parsing
(schemas), the same two round trips (ledger.fastpath) and the same bodies (serializers), on
connections of its own out of SQLAlchemy's pool (ledger.till_connections).

Everything else goes to the Flask app untouched, with the body already read handed back: other
routes, SQLite, a store key not yet authenticated by this process, a chunked or non-JSON body,
a late receipt (`occurred_at`), a member whose points are due to expire, and every refusal or
failure. A refusal is answered by Flask running the request again, so every problem document,
its order of checks and its logging stay those of the views: the lane writes nothing before
its one committing call, and a second run of a request after that call replays its
Idempotency-Key's record. A lost connection also goes to Flask, whose retry (api.retry) tries
once more.
"""

from __future__ import annotations

import datetime as dt
import http
import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from loyalty_core.api import idempotency, schemas, serializers
from loyalty_core.errors import LoyaltyError
from loyalty_core.ledger import fastpath
from loyalty_core.ledger.till_connections import TillConnections

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Answer = tuple[str, dict[str, Any], list[tuple[str, str]]]

log = logging.getLogger(__name__)

PURCHASES = "/api/v1/purchases"
QUOTES = "/api/v1/purchases/quote"


class TillLane:
    """WSGI middleware: the warm purchase and quote here, every other request to `app`."""

    def __init__(
        self,
        app: WsgiApp,
        engine: Engine,
        sessions: Callable[[], Any],
        clock: Callable[[], dt.datetime],
        max_body: Callable[[], int],  # the app's MAX_CONTENT_LENGTH, read per request
    ) -> None:
        self.app = app
        self.connections = TillConnections.of(engine) if fastpath.enabled(engine) else None
        self.configs = fastpath.configs_from(sessions)
        self.clock = clock
        self.max_body = max_body
        self.on = fastpath.enabled(engine)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if not self.on or environ.get("REQUEST_METHOD") != "POST" or path not in (PURCHASES, QUOTES):
            return self.app(environ, start_response)
        raw = self._body(environ)
        answer = self._answer(environ, path, raw) if raw is not None else None
        if answer is None:
            return self.app(environ, start_response)
        status, payload, headers = answer
        body = orjson.dumps(payload)
        start_response(
            status,
            [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *headers],
        )
        return [body]

    def _body(self, environ: dict[str, Any]) -> bytes | None:
        """The JSON body when its length is declared and within the limit; None: Flask's case.

        The body read is put back into the environ, so Flask reads the same bytes.
        """
        length = environ.get("CONTENT_LENGTH") or ""
        mimetype = (environ.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()
        if not length.isdigit() or int(length) > self.max_body() or mimetype != "application/json":
            return None
        raw: bytes = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(raw)
        return raw

    def _answer(self, environ: dict[str, Any], path: str, raw: bytes) -> Answer | None:
        scheme, _, token = (environ.get("HTTP_AUTHORIZATION") or "").partition(" ")
        store = fastpath.known_store(token.strip()) if scheme.lower() == "bearer" else None
        if store is None:
            return None
        try:
            data = orjson.loads(raw)
            if path == QUOTES:
                return self._quote(store, data)
            return self._purchase(environ, store, path, data)
        except (ValueError, ValidationError, LoyaltyError, DBAPIError):  # Flask answers these
            return None
        except Exception:  # a fault of the lane's own: Flask answers the request, as it would alone
            log.exception("till lane: the request goes to the Flask app")
            return None

    def _fetch(self) -> fastpath.Fetch:
        assert self.connections is not None, "the lane is on only on PostgreSQL"
        return self.connections.fetch_one

    def _quote(self, store: fastpath.CachedStore, data: Any) -> Answer | None:
        body = schemas.BasketRequest.model_validate(data)
        if body.occurred_at is not None:
            return None
        member_id = str(body.member_id) if body.member_id else None
        decision, member, label = fastpath.quote_on(
            self._fetch(),
            self.configs,
            store,
            member_id,
            body.card,
            serializers.basket_lines(body),
            body.redeem_points,
            self.clock(),
        )
        return "200 OK", serializers.quote(decision, member, store.code, label), []

    def _purchase(
        self, environ: dict[str, Any], store: fastpath.CachedStore, path: str, data: Any
    ) -> Answer | None:
        key = idempotency.check_key(environ.get("HTTP_IDEMPOTENCY_KEY"))
        body = schemas.PurchaseRequest.model_validate(data)
        if body.occurred_at is not None:
            return None
        receipt = serializers.receipt(key, idempotency.request_hash("POST", path, data), body)
        outcome = fastpath.commit_on(
            self._fetch(), self.configs, store, receipt, self.clock(), serializers.purchase
        )
        if outcome is None:
            return None
        status, payload, replayed = outcome
        line = f"{status} {http.HTTPStatus(status).phrase}"
        return line, payload, [("Idempotent-Replayed", "true" if replayed else "false")]
