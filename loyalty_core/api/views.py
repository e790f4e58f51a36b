"""The POS HTTP API (`/api/v1`): thin routes that parse, call the ledger service and render."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, TypeVar

import orjson
from flask import Blueprint, Response, current_app, g, request
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.wsgi import get_input_stream

from loyalty_core.api import idempotency, params, schemas, serializers
from loyalty_core.api.openapi import openapi_document
from loyalty_core.api.problems import from_http_exception, from_loyalty_error, internal_error
from loyalty_core.api.retry import once_more_on_disconnect
from loyalty_core.errors import BusinessRuleViolation, InvalidRequest, LoyaltyError
from loyalty_core.ledger import fastpath
from loyalty_core.ledger import service as ledger
from loyalty_core.pydantic_errors import describe
from loyalty_core.stores.limits import count_phone_lookup
from loyalty_core.stores.models import Store
from loyalty_core.stores.service import authenticate_at

bp = Blueprint("pos_api", __name__, url_prefix="/api/v1")
Body = TypeVar("Body", bound=BaseModel)


# --- plumbing --------------------------------------------------------------------------------


def _session() -> Session:
    if "core_session" not in g:
        g.core_session = current_app.extensions["loyalty_core"].session_factory()
    return g.core_session


def _now() -> dt.datetime:
    return current_app.extensions["loyalty_core"].clock()


@bp.teardown_app_request
def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("core_session", None)
    if session is not None:
        session.close()


def _json_body() -> Any:
    # Kept for the request: a retry after a lost connection cannot read a streamed body twice.
    if "json_body" not in g:
        g.json_body = _read_json_body()
    return g.json_body


def _read_json_body() -> Any:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 1_048_576
    if request.content_length is not None and request.content_length > limit:
        from loyalty_core.errors import PayloadTooLarge

        raise PayloadTooLarge(f"the request body is {request.content_length} bytes; the limit is {limit}")
    if not request.mimetype or request.mimetype != "application/json":
        raise InvalidRequest(
            "send the body as JSON with 'Content-Type: application/json'", field="Content-Type"
        )
    if request.content_length is None:
        # A streamed (chunked) body has no Content-Length to check up front, and werkzeug stops
        # reading at MAX_CONTENT_LENGTH without an error (an oversized body would come out as
        # "not valid JSON"): read one byte past the limit to tell an oversized body apart.
        raw = get_input_stream(request.environ, max_content_length=limit + 1).read()
        if len(raw) > limit:
            from loyalty_core.errors import PayloadTooLarge

            raise PayloadTooLarge(f"the request body is larger than the limit of {limit} bytes")
    else:
        raw = request.get_data(cache=True)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequest(f"the body is not valid JSON: {exc}", field="body") from None


def _parse(model: type[Body], data: Any) -> Body:
    if not isinstance(data, dict):
        raise InvalidRequest("the body must be a JSON object", field="body")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [f"{path}: {message}" if path else message for path, message in describe(exc)]
        first_path = describe(exc)[0][0]
        raise InvalidRequest("; ".join(problems), field=first_path or None, problems=problems) from None


def _store() -> Store:
    if "store" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        # The version is resolved here, once, at the request's moment: the whole request (and the
        # transaction it commits) runs under it even if a switch lands meanwhile.
        g.store, g.version = authenticate_at(
            _session(), token.strip() if scheme.lower() == "bearer" else None, _now()
        )
    return g.store


def _context() -> ledger.RunContext:
    return ledger.run_context(_store(), g.version)


def _json(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(orjson.dumps(body), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@bp.errorhandler(LoyaltyError)
def _loyalty_error(error: LoyaltyError) -> Response:
    _rollback()
    return from_loyalty_error(error)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    _rollback()
    return from_http_exception(error)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    _rollback()
    current_app.logger.exception("POS API failure")
    return internal_error()


def _rollback() -> None:
    session = g.get("core_session")
    if session is not None:
        session.rollback()


# --- routes ----------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi() -> Response:
    return _json(openapi_document())


@bp.post("/members")
@once_more_on_disconnect
def enroll() -> Response:
    store = _store()
    body = _parse(schemas.EnrollRequest, _json_body())
    session = _session()
    member = ledger.enroll(
        session,
        phone=body.phone,
        email=body.email,
        name=body.name,
        birthday=body.birthday,
        card=body.card,
        store=store,
        at=_now(),
    )
    session.commit()
    return _json(_member_body(session, member, store), 201, {"Location": f"/api/v1/members/{member.id}"})


@bp.get("/members")
@once_more_on_disconnect
def lookup() -> Response:
    store = _store()
    session = _session()
    card, phone = params.text(request.args, "card"), params.text(request.args, "phone")
    if phone and not card:
        count_phone_lookup(
            session, store, _now(), current_app.extensions["loyalty_core"].phone_lookups_per_minute
        )
    member = ledger.find_member(session, card=card, phone=phone)
    return _json(_member_body(session, member, store))


@bp.get("/members/<member_id>")
@once_more_on_disconnect
def get_member(member_id: str) -> Response:
    store = _store()
    session = _session()
    return _json(_member_body(session, ledger.get_member(session, member_id), store))


@bp.get("/members/<member_id>/transactions")
@once_more_on_disconnect
def transactions(member_id: str) -> Response:
    _store()
    session = _session()
    limit, before = params.history_limit(request.args), params.before(request.args)
    member = ledger.get_member(session, member_id)
    page = ledger.history(session, member, limit=limit, before=before, cursor=params.cursor(request.args))
    balance = ledger.balance_of(session, member, _now())
    return _json(serializers.history(member.id, balance, page.transactions, page.next))


@bp.post("/purchases/quote")
@once_more_on_disconnect
def quote() -> Response:
    if fastpath.enabled(_session().get_bind()):  # type: ignore[arg-type]  # bound to an Engine
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        cached = fastpath.cached_store(
            _session(), token.strip() if scheme.lower() == "bearer" else None, _now()
        )
        body = _parse(schemas.BasketRequest, _json_body())
        if body.occurred_at is None:  # a late receipt's version is found by date: the ORM path
            decision, member_id, label = fastpath.quote(
                _session(),
                cached,
                str(body.member_id) if body.member_id else None,
                body.card,
                serializers.basket_lines(body),
                body.redeem_points,
                _now(),
            )
            return _json(serializers.quote(decision, member_id, cached.code, label))
    return _orm_quote()


def _orm_quote() -> Response:
    store = _store()
    body = _parse(schemas.BasketRequest, _json_body())
    session = _session()
    ctx, at = ledger.receipt_context(session, store, body.occurred_at, _now(), _context())
    member = ledger.resolve_member(
        session, member_id=str(body.member_id) if body.member_id else None, card=body.card
    )
    decision = ledger.quote(session, ctx, member, serializers.basket_lines(body), body.redeem_points, at)
    return _json(serializers.quote(decision, member.id, store.code, ctx.version_label))


@bp.post("/purchases")
@once_more_on_disconnect
def purchase() -> Response:
    engine = _session().get_bind()
    if fastpath.enabled(engine):  # type: ignore[arg-type]  # the session is bound to an Engine
        fast = _fast_purchase()
        if fast is not None:
            return fast
    return _orm_purchase()


def _fast_purchase() -> Response | None:
    """PostgreSQL: the read and the PL/pgSQL commit (ledger.fastpath); None: the ORM path."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    store = fastpath.cached_store(_session(), token.strip() if scheme.lower() == "bearer" else None, _now())
    key = idempotency.check_key(request.headers.get("Idempotency-Key"))
    data = _json_body()
    body = _parse(schemas.PurchaseRequest, data)
    if body.occurred_at is not None:  # a late receipt: its version and expiry need the ORM path
        return None
    receipt = serializers.receipt(key, idempotency.request_hash("POST", request.path, data), body)
    outcome = fastpath.commit(_session(), store, receipt, _now(), serializers.purchase)
    if outcome is None:
        return None
    status, payload, replayed = outcome
    return _json(payload, status, {"Idempotent-Replayed": "true" if replayed else "false"})


def _orm_purchase() -> Response:
    store = _store()
    key = idempotency.check_key(request.headers.get("Idempotency-Key"))
    data = _json_body()
    body = _parse(schemas.PurchaseRequest, data)
    session = _session()

    def work() -> tuple[int, dict[str, Any]]:
        now = _now()
        ctx, at = ledger.receipt_context(session, store, body.occurred_at, now, _context())
        txn, decision = ledger.commit_purchase_for(
            session,
            ctx,
            member_id=str(body.member_id) if body.member_id else None,
            card=body.card,
            lines=serializers.basket_lines(body),
            redeem_points=body.redeem_points,
            at=at,
            receipt_no=body.receipt_no,
            recorded_at=now,
        )
        return 201, serializers.purchase(decision, txn, store.code, ctx.version_label)

    digest = idempotency.request_hash("POST", request.path, data)
    status, payload, replayed = idempotency.run_once(session, store, key, digest, work)
    return _json(payload, status, {"Idempotent-Replayed": "true" if replayed else "false"})


@bp.post("/purchases/<purchase_id>/returns")
@once_more_on_disconnect
def return_purchase(purchase_id: str) -> Response:
    store = _store()
    key = idempotency.check_key(request.headers.get("Idempotency-Key"))
    data = _json_body()
    body = _parse(schemas.ReturnRequest, data)
    session = _session()

    def work() -> tuple[int, dict[str, Any]]:
        quantities: dict[int, Decimal] = {}
        for i, line in enumerate(body.lines):
            if line.line in quantities:  # well formed, so a 422: JSON Schema cannot say "unique line"
                raise BusinessRuleViolation(f"line {line.line} is listed twice", field=f"lines[{i}].line")
            quantities[line.line] = Decimal(line.quantity)
        now = _now()
        _, at = ledger.receipt_context(session, store, body.occurred_at, now, _context())
        txn = ledger.commit_return(session, store, purchase_id, quantities, at, recorded_at=now)
        member = ledger.get_member(session, txn.member_id)
        return 201, serializers.return_(txn, store.code, ledger.balance_of(session, member, now))

    digest = idempotency.request_hash("POST", request.path, data)
    status, payload, replayed = idempotency.run_once(session, store, key, digest, work)
    return _json(payload, status, {"Idempotent-Replayed": "true" if replayed else "false"})


def _member_body(session: Session, member: Any, store: Store) -> dict[str, Any]:
    now = _now()
    config = _context().config if g.version is not None else None
    zone = config.timezone if config else ledger.DEFAULT_ZONE
    spend = ledger.spend_365(session, member, now, zone)
    return serializers.member(
        member, balance=ledger.balance_of(session, member, now), spend=spend, config=config
    )
