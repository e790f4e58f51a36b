"""/api/v1/openapi.json: a valid OpenAPI 3.1 document that lists every route and promises
exactly what the API accepts.

A POS integrator generates a client from this document and validates receipts against it
before sending them, so a body the document accepts must not be refused by the API (and the
other way round). Each body below is sent to the API and validated against the document's
request schema; the two verdicts must agree with each other and with the expected one.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from ..conftest import Core

API = "/api/v1"
DOC_URI = "urn:loyalty:pos-api:openapi.json"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture
def document(core: Core) -> dict[str, Any]:
    response = core.client.get(f"{API}/openapi.json")  # no Authorization header at all
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/json"
    return dict(response.get_json())


def _registry(document: dict[str, Any]) -> Registry:
    return Registry().with_resource(DOC_URI, DRAFT202012.create_resource(document))


def _validator(document: dict[str, Any], ref: str) -> Draft202012Validator:
    """A validator for one schema of the document ("#/components/schemas/X"), refs resolved in it."""
    return Draft202012Validator(
        {"$ref": DOC_URI + ref},
        registry=_registry(document),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


# --- the document itself -------------------------------------------------------------------------


def test_it_is_a_valid_openapi_3_1_document(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document, cls=OpenAPIV31SpecValidator)
    # The validator is not a rubber stamp: the same document with a broken response is refused.
    broken = copy.deepcopy(document)
    del broken["paths"]["/purchases"]["post"]["responses"]["201"]["description"]
    with pytest.raises(OpenAPIValidationError):
        validate(broken, cls=OpenAPIV31SpecValidator)


def test_every_ref_resolves(document: dict[str, Any]) -> None:
    # openapi-spec-validator does not follow every $ref: a dangling one would pass it.
    resolver = _registry(document).resolver(base_uri=DOC_URI)
    refs = set(_refs(document))
    assert "#/components/schemas/PurchaseRequest" in refs
    for ref in sorted(refs):
        assert resolver.lookup(ref).contents, ref


def test_it_is_served_without_a_store_key_and_says_so(core: Core, document: dict[str, Any]) -> None:
    # Served with a wrong key too: the document never looks at the key.
    wrong = core.client.get(f"{API}/openapi.json", headers=core.headers(key="lk_wrong"))
    assert wrong.status_code == 200 and wrong.get_json() == document
    # Everything else needs the store key; the document itself is public.
    assert document["security"] == [{"storeKey": []}]
    assert document["components"]["securitySchemes"]["storeKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The store's API key.",
    }
    assert document["paths"]["/openapi.json"]["get"]["security"] == []
    # ...and the API does refuse the other routes without a key.
    assert core.client.post(f"{API}/purchases/quote", json={}).status_code == 401


def _routes(core: Core) -> set[tuple[str, str]]:
    routes = set()
    for rule in core.app.url_map.iter_rules():
        if not rule.rule.startswith(f"{API}/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix(API))
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    return routes


def test_every_route_is_documented_and_every_documented_operation_exists(
    core: Core, document: dict[str, Any]
) -> None:
    routes = _routes(core)
    assert ("/members/{member_id}", "get") in routes and ("/openapi.json", "get") in routes  # the walk works
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert routes - documented == set(), "routes missing from the document"
    assert documented - routes == set(), "documented operations the API does not serve"
    assert document["servers"] == [{"url": API}]


def test_path_parameters_match_the_routes(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)


def test_commit_and_return_declare_the_idempotency_key(document: dict[str, Any]) -> None:
    for path in ("/purchases", "/purchases/{purchase_id}/returns"):
        headers = [p for p in document["paths"][path]["post"]["parameters"] if p["in"] == "header"]
        assert [(h["name"], h["required"]) for h in headers] == [("Idempotency-Key", True)], path


# --- request bodies: the document and the API agree ---------------------------------------------


@dataclass
class Context:
    member_id: str
    card: str
    purchase_id: str


@dataclass(frozen=True)
class Body:
    name: str
    operation: tuple[str, str]  # (documented path, method)
    body: Callable[[Context], Any]
    accepted: bool  # what the API must answer: 200/201 (True) or 400 (False)


def _line(**over: Any) -> dict[str, Any]:
    return {"sku": "MILK", "category": "dairy", "quantity": "1", "amount": "10.00", **over}


def _basket(c: Context, **over: Any) -> dict[str, Any]:
    return {"member_id": c.member_id, "lines": [_line()], **over}


PURCHASE = ("/purchases", "post")
QUOTE = ("/purchases/quote", "post")
RETURN = ("/purchases/{purchase_id}/returns", "post")
ENROL = ("/members", "post")

BODIES = [
    # purchases (the brief's set first)
    Body("purchase-valid", PURCHASE, _basket, True),
    Body("purchase-extra-key", PURCHASE, lambda c: _basket(c, coupon="X1"), False),
    Body("purchase-amount-as-number", PURCHASE, lambda c: _basket(c, lines=[_line(amount=10.0)]), False),
    Body("purchase-negative-quantity", PURCHASE, lambda c: _basket(c, lines=[_line(quantity="-1")]), False),
    Body("purchase-missing-lines", PURCHASE, lambda c: {"member_id": c.member_id}, False),
    Body("purchase-redeem-points-as-string", PURCHASE, lambda c: _basket(c, redeem_points="5"), False),
    # purchases, more
    Body("purchase-by-card", PURCHASE, lambda c: {"card": c.card, "lines": [_line()]}, True),
    Body(
        "purchase-member-id-null-and-card",
        PURCHASE,
        lambda c: {"member_id": None, "card": c.card, "lines": [_line()]},
        True,
    ),
    Body("purchase-neither-member-nor-card", PURCHASE, lambda c: {"lines": [_line()]}, False),
    Body("purchase-blank-card-only", PURCHASE, lambda c: {"card": "   ", "lines": [_line()]}, False),
    Body("purchase-member-id-not-a-uuid", PURCHASE, lambda c: _basket(c, member_id="42"), False),
    Body("purchase-empty-lines", PURCHASE, lambda c: _basket(c, lines=[]), False),
    Body("purchase-501-lines", PURCHASE, lambda c: _basket(c, lines=[_line()] * 501), False),
    Body("purchase-body-is-an-array", PURCHASE, lambda c: [_basket(c)], False),
    Body("purchase-amount-3-places", PURCHASE, lambda c: _basket(c, lines=[_line(amount="10.000")]), False),
    Body("purchase-amount-0.00", PURCHASE, lambda c: _basket(c, lines=[_line(amount="0.00")]), True),
    Body("purchase-quantity-0", PURCHASE, lambda c: _basket(c, lines=[_line(quantity="0")]), False),
    Body("purchase-quantity-0.000", PURCHASE, lambda c: _basket(c, lines=[_line(quantity="0.000")]), False),
    Body("purchase-quantity-0.350", PURCHASE, lambda c: _basket(c, lines=[_line(quantity="0.350")]), True),
    Body(
        "purchase-quantity-4-places", PURCHASE, lambda c: _basket(c, lines=[_line(quantity="0.3505")]), False
    ),
    Body(
        "purchase-quantity-whole-json-number", PURCHASE, lambda c: _basket(c, lines=[_line(quantity=2)]), True
    ),
    Body(
        "purchase-quantity-2.0-json-number", PURCHASE, lambda c: _basket(c, lines=[_line(quantity=2.0)]), True
    ),
    Body(
        "purchase-quantity-0.5-json-number",
        PURCHASE,
        lambda c: _basket(c, lines=[_line(quantity=0.5)]),
        False,
    ),
    Body(
        "purchase-quantity-zero-json-number", PURCHASE, lambda c: _basket(c, lines=[_line(quantity=0)]), False
    ),
    Body("purchase-quantity-true", PURCHASE, lambda c: _basket(c, lines=[_line(quantity=True)]), False),
    Body(
        "purchase-missing-sku",
        PURCHASE,
        lambda c: _basket(c, lines=[{"category": "dairy", "quantity": "1", "amount": "1.00"}]),
        False,
    ),
    Body("purchase-blank-sku", PURCHASE, lambda c: _basket(c, lines=[_line(sku="   ")]), False),
    Body("purchase-blank-category", PURCHASE, lambda c: _basket(c, lines=[_line(category="")]), False),
    Body("purchase-redeem-points-0", PURCHASE, lambda c: _basket(c, redeem_points=0), True),
    Body("purchase-redeem-points-0.0", PURCHASE, lambda c: _basket(c, redeem_points=0.0), True),
    Body("purchase-redeem-points-5.5", PURCHASE, lambda c: _basket(c, redeem_points=5.5), False),
    Body("purchase-redeem-points-negative", PURCHASE, lambda c: _basket(c, redeem_points=-1), False),
    Body("purchase-redeem-points-null", PURCHASE, lambda c: _basket(c, redeem_points=None), False),
    Body("purchase-redeem-points-true", PURCHASE, lambda c: _basket(c, redeem_points=True), False),
    Body("purchase-receipt-no", PURCHASE, lambda c: _basket(c, receipt_no="R-0042"), True),
    Body("purchase-receipt-no-too-long", PURCHASE, lambda c: _basket(c, receipt_no="R" * 65), False),
    Body("purchase-nul-in-receipt-no", PURCHASE, lambda c: _basket(c, receipt_no="R-\x0042"), False),
    Body("purchase-nul-in-sku", PURCHASE, lambda c: _basket(c, lines=[_line(sku="MI\x00LK")]), False),
    Body("purchase-nul-in-card", PURCHASE, lambda c: {"card": c.card + "\x00", "lines": [_line()]}, False),
    # quote (BasketRequest: no receipt_no)
    Body("quote-valid", QUOTE, _basket, True),
    Body("quote-receipt-no-is-unknown-here", QUOTE, lambda c: _basket(c, receipt_no="R-0042"), False),
    Body("quote-amount-as-number", QUOTE, lambda c: _basket(c, lines=[_line(amount=10)]), False),
    Body("quote-quantity-whole-json-number", QUOTE, lambda c: _basket(c, lines=[_line(quantity=3)]), True),
    # returns (the purchase has one line of quantity 5)
    Body("return-valid", RETURN, lambda c: {"lines": [{"line": 1, "quantity": "1"}]}, True),
    Body(
        "return-quantity-whole-json-number", RETURN, lambda c: {"lines": [{"line": 1, "quantity": 2}]}, True
    ),
    Body("return-line-1.0-json-number", RETURN, lambda c: {"lines": [{"line": 1.0, "quantity": "1"}]}, True),
    Body("return-line-as-string", RETURN, lambda c: {"lines": [{"line": "1", "quantity": "1"}]}, False),
    Body("return-line-0", RETURN, lambda c: {"lines": [{"line": 0, "quantity": "1"}]}, False),
    Body("return-quantity-0", RETURN, lambda c: {"lines": [{"line": 1, "quantity": "0"}]}, False),
    Body("return-quantity-negative", RETURN, lambda c: {"lines": [{"line": 1, "quantity": "-1"}]}, False),
    Body("return-empty-lines", RETURN, lambda c: {"lines": []}, False),
    Body(
        "return-extra-key",
        RETURN,
        lambda c: {"lines": [{"line": 1, "quantity": "1"}], "reason": "broken"},
        False,
    ),
    # enrolment (each accepted body has its own phone)
    Body(
        "enrol-valid",
        ENROL,
        lambda c: {"phone": "+7 916 700-00-01", "email": "oleg@example.ru", "name": "Oleg"},
        True,
    ),
    Body("enrol-empty-email", ENROL, lambda c: {"phone": "+7 916 700-00-02", "email": ""}, True),
    Body(
        "enrol-email-not-an-address",
        ENROL,
        lambda c: {"phone": "+7 916 700-00-03", "email": "oleg.example.ru"},
        False,
    ),
    Body("enrol-birthday", ENROL, lambda c: {"phone": "+7 916 700-00-04", "birthday": "1990-05-17"}, True),
    Body(
        "enrol-birthday-not-a-date",
        ENROL,
        lambda c: {"phone": "+7 916 700-00-05", "birthday": "1990-02-30"},
        False,
    ),
    Body("enrol-own-card", ENROL, lambda c: {"phone": "+7 916 700-00-06", "card": "CARD-0006"}, True),
    Body("enrol-card-too-short", ENROL, lambda c: {"phone": "+7 916 700-00-07", "card": "C7"}, False),
    Body("enrol-missing-phone", ENROL, lambda c: {"name": "Oleg"}, False),
    Body("enrol-extra-key", ENROL, lambda c: {"phone": "+7 916 700-00-08", "tier": "gold"}, False),
    Body("enrol-nul-in-name", ENROL, lambda c: {"phone": "+7 916 700-00-09", "name": "Ol\x00eg"}, False),
]


@pytest.fixture
def context(core: Core) -> Context:
    member = core.client.post(f"{API}/members", json={"phone": "+7 916 700-99-99"}, headers=core.headers())
    assert member.status_code == 201, member.get_json()
    body = {"member_id": member.get_json()["id"], "lines": [_line(quantity="5", amount="50.00")]}
    bought = core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem="context-purchase"))
    assert bought.status_code == 201, bought.get_json()
    return Context(member.get_json()["id"], member.get_json()["cards"][0], bought.get_json()["id"])


def _request_schema_ref(document: dict[str, Any], path: str, method: str) -> str:
    body = document["paths"][path][method]["requestBody"]
    assert body["required"] is True
    return str(body["content"]["application/json"]["schema"]["$ref"])


@pytest.mark.parametrize("case", BODIES, ids=[b.name for b in BODIES])
def test_the_document_and_the_api_accept_the_same_bodies(
    core: Core, document: dict[str, Any], context: Context, case: Body
) -> None:
    path, method = case.operation
    body = case.body(context)
    errors = sorted(
        e.message for e in _validator(document, _request_schema_ref(document, path, method)).iter_errors(body)
    )

    url = API + path.format(purchase_id=context.purchase_id)
    headers = core.headers(idem=f"case-{uuid.uuid4()}")
    answer = core.client.open(url, method=method.upper(), json=body, headers=headers)

    expected_status = {QUOTE: 200}.get(case.operation, 201) if case.accepted else 400
    assert answer.status_code == expected_status, answer.get_json()
    assert (not errors) == case.accepted, (
        f"the document says {errors or 'valid'}; the API answered {answer.status_code}"
    )

    # The answer is what the document promises for that status, too.
    response = document["paths"][path][method]["responses"][str(answer.status_code)]
    media = "application/json" if case.accepted else "application/problem+json"
    assert answer.mimetype == media
    promised = _validator(document, response["content"][media]["schema"]["$ref"])
    assert sorted(e.message for e in promised.iter_errors(answer.get_json())) == []


def test_the_table_covers_every_request_body(document: dict[str, Any]) -> None:
    with_body = {
        (path, method)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    }
    assert with_body == {b.operation for b in BODIES}
    for operation in with_body:
        verdicts = {b.accepted for b in BODIES if b.operation == operation}
        assert verdicts == {True, False}, f"{operation} needs a body the API takes and one it refuses"
