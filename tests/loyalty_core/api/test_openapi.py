"""The OpenAPI document is valid, lists every route, and accepts exactly what the API accepts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from ..conftest import Core


@pytest.fixture
def document(core: Core) -> dict[str, Any]:
    response = core.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.get_json())


def test_it_is_a_valid_openapi_3_1_document(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_route_is_documented(core: Core, document: dict[str, Any]) -> None:
    routes = set()
    for rule in core.app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "pos_api.openapi":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routes == documented


def _validator(document: dict[str, Any], name: str) -> Draft202012Validator:
    """A JSON Schema validator for one request schema, its $refs resolved inside the document."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(schema)


BODIES = [
    ("valid purchase", {"lines": [{"sku": "A", "category": "dairy", "quantity": "1", "amount": "10.00"}]}),
    ("extra key", {"lines": [{"sku": "A", "category": "dairy", "quantity": "1", "amount": "10.00"}], "x": 1}),
    ("amount as number", {"lines": [{"sku": "A", "category": "dairy", "quantity": "1", "amount": 10.0}]}),
    ("amount with 3 places", {"lines": [{"sku": "A", "category": "dairy", "quantity": "1", "amount": "10.000"}]}),
    ("negative quantity", {"lines": [{"sku": "A", "category": "dairy", "quantity": "-1", "amount": "10.00"}]}),
    ("missing lines", {}),
    ("empty lines", {"lines": []}),
    ("redeem as string", {"lines": [{"sku": "A", "category": "d", "quantity": "1", "amount": "1.00"}], "redeem_points": "5"}),
    ("missing sku", {"lines": [{"category": "dairy", "quantity": "1", "amount": "10.00"}]}),
]


@pytest.mark.parametrize(("body",), [(b,) for _, b in BODIES], ids=[name for name, _ in BODIES])
def test_the_schema_and_the_api_agree_on_a_body(core: Core, document: dict[str, Any], body: dict[str, Any]) -> None:
    member = core.client.post("/api/v1/members", json={"phone": "+79160007777"}, headers=core.headers())
    member_id = member.get_json().get("id") or core.client.get(
        "/api/v1/members?phone=%2B79160007777", headers=core.headers()
    ).get_json()["id"]
    request = dict(body, member_id=member_id)
    schema_accepts = _validator(document, "BasketRequest").is_valid(request)
    answer = core.client.post("/api/v1/purchases/quote", json=request, headers=core.headers())
    api_accepts = answer.status_code == 200
    assert schema_accepts == api_accepts, (schema_accepts, answer.status_code, answer.get_json())
