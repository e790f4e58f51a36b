"""The OpenAPI 3.1 document of the POS API, generated from the request/response models."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from loyalty_core.api import schemas
from loyalty_core.api.idempotency import MAX_KEY_LENGTH
from loyalty_core.api.params import CURSOR, DATE_TIME, HISTORY_LIMIT_MAX, HISTORY_LIMIT_MIN
from loyalty_core.text import NUL_FREE_SCHEMA

_REF = "#/components/schemas/{model}"


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}},
    }


def _ok(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}},
    }


def _problems(*statuses: int) -> dict[str, Any]:
    text = {
        400: "Malformed request (bad JSON, a field that does not validate, a missing Idempotency-Key).",
        401: "Missing or wrong store key.",
        404: "Unknown member, card or purchase.",
        409: "Duplicate member, an Idempotency-Key reused with another body, "
        "or a store with no active configuration version.",
        413: "Body too large.",
        414: "The URL is too long.",
        422: "Well formed but refused, with the reason: by the programme rules (e.g. redeeming more than "
        "allowed, a figure past what the ledger records, a return listing a line twice), or a phone that is "
        "no number.",
        429: "Too many phone look-ups by this store key; wait Retry-After seconds or look up by card.",
        500: "The server failed; nothing was applied. Retry with the same Idempotency-Key.",
    }
    problem = {"application/problem+json": {"schema": {"$ref": _REF.format(model="Problem")}}}
    responses = {str(s): {"description": text[s], "content": problem} for s in (*statuses, 414, 500)}
    if 429 in statuses:
        responses["429"]["headers"] = {
            "Retry-After": {
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
                "description": "Seconds.",
            }
        }
    return responses


IDEMPOTENCY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "Unique per receipt; a retry with the same key and body replays the first response.",
    # Surrounding spaces are not part of the key; a key of only spaces is no key.
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "\\S"},
}


_LOOKUP_TEXT = {"type": "string", "minLength": 1, **NUL_FREE_SCHEMA}
# card and phone are two query parameters of which one is required: OpenAPI says that with one
# exploded form-style object parameter (sent as ?card=... or ?phone=..., not ?lookup=...).
LOOKUP = {
    "name": "lookup",
    "in": "query",
    "required": True,
    "style": "form",
    "explode": True,
    "description": "?card=NUMBER or ?phone=PHONE (any spelling of the number); card wins when both are "
    "given.",
    "schema": {
        "type": "object",
        "properties": {"card": _LOOKUP_TEXT, "phone": _LOOKUP_TEXT},
        "anyOf": [{"required": ["card"]}, {"required": ["phone"]}],
    },
}


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json."""
    requests: list[type[BaseModel]] = [
        schemas.EnrollRequest,
        schemas.BasketRequest,
        schemas.PurchaseRequest,
        schemas.ReturnRequest,
    ]
    responses: list[type[BaseModel]] = [
        schemas.MemberOut,
        schemas.QuoteOut,
        schemas.PurchaseOut,
        schemas.ReturnOut,
        schemas.TransactionsOut,
        schemas.Problem,
    ]
    modes: list[tuple[type[BaseModel], JsonSchemaMode]] = [(m, "validation") for m in requests]
    modes += [(m, "serialization") for m in responses]
    _, defs = models_json_schema(modes, ref_template=_REF)
    components = defs.get("$defs", {})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Loyalty core POS API",
            "version": "1.0.0",
            "description": "Enrol members, quote and commit purchases, return lines, read history. "
            "Money is a decimal string with 2 places; points are whole numbers. "
            "Errors are application/problem+json (RFC 9457).",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": components,
            "securitySchemes": {
                "storeKey": {"type": "http", "scheme": "bearer", "description": "The store's API key."}
            },
        },
        "security": [{"storeKey": []}],
        "paths": {
            "/openapi.json": {
                "get": {
                    "operationId": "openapiDocument",
                    "summary": "This document (no store key needed)",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document of the POS API",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
            "/members": {
                "post": {
                    "operationId": "enrollMember",
                    "summary": "Enrol a member (phone normalised to E.164)",
                    "requestBody": _body(schemas.EnrollRequest),
                    "responses": {
                        "201": _ok(schemas.MemberOut, "Enrolled"),
                        **_problems(400, 401, 409, 413, 422),
                    },
                },
                "get": {
                    "operationId": "lookupMember",
                    "summary": "Find a member by card or phone",
                    "parameters": [LOOKUP],
                    "responses": {
                        "200": _ok(schemas.MemberOut, "The member"),
                        **_problems(400, 401, 404, 422, 429),
                    },
                },
            },
            "/members/{member_id}": {
                "get": {
                    "operationId": "getMember",
                    "parameters": [_path_id("member_id")],
                    "responses": {"200": _ok(schemas.MemberOut, "The member"), **_problems(401, 404)},
                }
            },
            "/members/{member_id}/transactions": {
                "get": {
                    "operationId": "memberTransactions",
                    "parameters": [
                        _path_id("member_id"),
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {
                                "type": "integer",
                                "minimum": HISTORY_LIMIT_MIN,
                                "maximum": HISTORY_LIMIT_MAX,
                            },
                        },
                        {
                            "name": "before",
                            "in": "query",
                            "description": "Only transactions before this moment (RFC 3339, with its zone).",
                            "schema": {"type": "string", "format": "date-time", "pattern": DATE_TIME.pattern},
                        },
                        {
                            "name": "cursor",
                            "in": "query",
                            "description": "The `next` of the previous page.",
                            "schema": {"type": "string", "pattern": CURSOR.pattern},
                        },
                    ],
                    "responses": {
                        "200": _ok(schemas.TransactionsOut, "Newest first"),
                        **_problems(400, 401, 404),
                    },
                }
            },
            "/purchases/quote": {
                "post": {
                    "operationId": "quotePurchase",
                    "summary": "What a purchase would earn and how much may be redeemed (no side effects)",
                    "requestBody": _body(schemas.BasketRequest),
                    "responses": {
                        "200": _ok(schemas.QuoteOut, "The quote"),
                        **_problems(400, 401, 404, 409, 413, 422),
                    },
                }
            },
            "/purchases": {
                "post": {
                    "operationId": "commitPurchase",
                    "parameters": [IDEMPOTENCY],
                    "requestBody": _body(schemas.PurchaseRequest),
                    "responses": {
                        "201": _ok(schemas.PurchaseOut, "Committed (or replayed)"),
                        **_problems(400, 401, 404, 409, 413, 422),
                    },
                }
            },
            "/purchases/{purchase_id}/returns": {
                "post": {
                    "operationId": "returnLines",
                    "parameters": [_path_id("purchase_id"), IDEMPOTENCY],
                    "requestBody": _body(schemas.ReturnRequest),
                    "responses": {
                        "201": _ok(schemas.ReturnOut, "Returned (or replayed)"),
                        **_problems(400, 401, 404, 409, 413, 422),
                    },
                }
            },
        },
    }
