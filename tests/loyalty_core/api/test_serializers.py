"""The quote and purchase bodies are written as plain dicts for speed; each must be exactly what
its pydantic model (the one the OpenAPI document is generated from) dumps: same keys in the same
order, same values, on random decisions of programmes with up to 200 promotions."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid

import pytest

from loyalty_core.api import schemas, serializers
from loyalty_core.engine import calculate
from loyalty_core.errors import LoyaltyError
from loyalty_core.ledger.models import Transaction
from tests.loyalty_core.engine.engine_decisions import programme, receipt


def _exact(body: dict[str, object]) -> str:
    return json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("seed", range(4))
def test_quote_and_purchase_bodies_are_their_models_dumps(seed: int) -> None:
    rng = random.Random(seed)
    configs = [programme(rng, promotions) for promotions in (0, 40, 200)]
    compared = 0
    while compared < 150:
        basket, member, at = receipt(rng)
        try:
            decision = calculate(basket, member, rng.choice(configs), at)
        except LoyaltyError:
            continue
        member_id = uuid.uuid4()
        quote = serializers.quote(decision, member_id, "R001", "v2")
        assert _exact(quote) == _exact(schemas.QuoteOut.model_validate(quote).model_dump(mode="json"))
        recorded = at + dt.timedelta(microseconds=rng.choice([0, 1, 250_000]))
        txn = Transaction(
            id=uuid.uuid4(), member_id=member_id, created_at=at, recorded_at=recorded,
            receipt_no=rng.choice([None, "0042"]),
        )  # fmt: skip
        purchase = serializers.purchase(decision, txn, "R001", "v2")
        assert _exact(purchase) == _exact(
            schemas.PurchaseOut.model_validate(purchase).model_dump(mode="json")
        )
        compared += 1


def test_a_moment_is_written_as_pydantic_writes_it() -> None:
    assert serializers.moment(dt.datetime(2026, 12, 5, 0, 29, 37, tzinfo=dt.UTC)) == "2026-12-05T00:29:37Z"
    plus3 = dt.timezone(dt.timedelta(hours=3))
    assert serializers.moment(dt.datetime(2026, 12, 5, 3, 29, 37, 5, tzinfo=plus3)) == (
        "2026-12-05T03:29:37.000005+03:00"
    )
