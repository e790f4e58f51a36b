"""Quote == commit at the extremes the request schema accepts, on SQLite and PostgreSQL.

Amounts up to 999 999 999 999.99 a line, quantities up to 999 999 999.999, up to 500 lines,
rates up to 1000 % with a x100 tier and stacked x100 promotions, extra points near the cap:
the quote and the commit of the same basket either give the same figures, or refuse with the
same 422 naming the figure the ledger cannot record. Never a 500, and the stored balance always
equals its ledger.
"""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from loyalty_core.ledger.limits import MAX_POINTS
from loyalty_core.ledger.models import Account, LedgerEntry
from loyalty_core.stores import service as store_service

from ..conftest import Core, setup_programme

API = "/api/v1"
MAX_AMOUNT = "999999999999.99"
MAX_QUANTITY = "999999999.999"

# Each programme runs in its own store: (code, programme).
EXTREMES = {
    "X100": """
program: Max multipliers
earn: {base_rate: 1000}
tiers: [{code: base, threshold: "0.00", multiplier: 100}]
redemption: {point_value: "0.01", max_share: 100, min_points: 0}
promotions:
  - {code: A, kind: multiplier, multiplier: 100, priority: 3}
  - {code: B, kind: multiplier, multiplier: 100, priority: 2}
  - {code: C, kind: multiplier, multiplier: 100, priority: 1}
""",
    "XBIG": f"""
program: Extra points near the cap
earn: {{base_rate: 0}}
redemption: {{point_value: "1.00", max_share: 50, min_points: 0}}
promotions:
  - {{code: HUGE, kind: extra_points, points: {MAX_POINTS - 10}, priority: 1}}
""",
    "XPLAIN": """
program: Ordinary rates
earn: {base_rate: 5, category_rates: {dairy: 7.5}}
rounding: half_up
redemption: {point_value: "1.00", max_share: 30, min_points: 0}
""",
}

amounts = st.one_of(
    st.just(MAX_AMOUNT),
    st.just("99999999999.99"),
    st.decimals(min_value=0, max_value=999_999_999_999, places=2).map(lambda d: format(d, "f")),
)
quantities = st.one_of(st.just(MAX_QUANTITY), st.just("1"), st.just("0.001"))
lines = st.fixed_dictionaries(
    {
        "sku": st.just("SKU"),
        "category": st.sampled_from(["dairy", "grocery"]),
        "quantity": quantities,
        "amount": amounts,
    }
)
baskets = st.fixed_dictionaries(
    {
        "lines": st.one_of(st.lists(lines, min_size=1, max_size=3), lines.map(lambda line: [line] * 500)),
        "redeem_points": st.one_of(st.just(0), st.just(100_000_000), st.integers(0, 100_000_000)),
    }
)


def _stores(core: Core) -> dict[str, str]:
    keys = {}
    with core.session() as session:
        for i, (code, text) in enumerate(EXTREMES.items()):
            version = setup_programme(session, text, label=f"extreme-{i}")
            store, key = store_service.add_store(session, code, "retail")
            store_service.assign_version(session, store, version)
            keys[code] = key
        session.commit()
    return keys


def _figures(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("id", "created_at", "recorded_at", "receipt_no")}


def _ledger_agrees(core: Core) -> None:
    with core.session() as session:
        for account in session.scalars(select(Account)):
            total = session.scalar(
                select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
                    LedgerEntry.account_id == account.id
                )
            )
            assert account.balance == total


def test_quote_equals_commit_at_the_extremes(core: Core) -> None:
    keys = _stores(core)
    enrolled = core.client.post(f"{API}/members", json={"phone": "+7 916 555-09-09"}, headers=core.headers())
    member_id = enrolled.get_json()["id"]

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    @given(store=st.sampled_from(sorted(keys)), basket=baskets)
    def check(store: str, basket: dict[str, Any]) -> None:
        body = {"member_id": member_id, **basket}
        quoted = core.client.post(f"{API}/purchases/quote", json=body, headers=core.headers(key=keys[store]))
        committed = core.client.post(
            f"{API}/purchases", json=body, headers=core.headers(key=keys[store], idem=str(uuid.uuid4()))
        )
        assert quoted.status_code in (200, 422), quoted.get_json()
        assert committed.status_code == {200: 201, 422: 422}[quoted.status_code], committed.get_json()
        if quoted.status_code == 200:
            assert _figures(committed.get_json()) == quoted.get_json()
            assert committed.get_json()["earned_points"] <= MAX_POINTS
        else:
            assert committed.get_json()["detail"] == quoted.get_json()["detail"]

    check()
    _ledger_agrees(core)


def test_a_commit_past_32_bit_points_is_stored_exactly(core: Core) -> None:
    """The probe's receipt: 99 999 999 999.99 at 5 % is 4 999 999 999 points (+50 BIG), past 2**31."""
    enrolled = core.client.post(f"{API}/members", json={"phone": "+7 916 555-09-10"}, headers=core.headers())
    member_id = enrolled.get_json()["id"]
    body = {
        "member_id": member_id,
        "lines": [{"sku": "GOLD", "category": "grocery", "quantity": "1", "amount": "99999999999.99"}],
    }
    quoted = core.client.post(f"{API}/purchases/quote", json=body, headers=core.headers())
    committed = core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem="big-one"))
    assert quoted.status_code == 200 and committed.status_code == 201, committed.get_json()
    assert quoted.get_json()["earned_points"] == committed.get_json()["earned_points"] == 5_000_000_049
    member = core.client.get(f"{API}/members/{member_id}", headers=core.headers()).get_json()
    assert member["balance"] == 5_000_000_049
    _ledger_agrees(core)


def test_a_check_total_past_the_money_columns_is_refused_by_quote_and_commit_alike(core: Core) -> None:
    enrolled = core.client.post(f"{API}/members", json={"phone": "+7 916 555-09-11"}, headers=core.headers())
    line = {"sku": "GOLD", "category": "grocery", "quantity": "1", "amount": MAX_AMOUNT}
    body = {"member_id": enrolled.get_json()["id"], "lines": [line, line]}
    quoted = core.client.post(f"{API}/purchases/quote", json=body, headers=core.headers())
    committed = core.client.post(f"{API}/purchases", json=body, headers=core.headers(idem="too-big"))
    assert quoted.status_code == committed.status_code == 422, committed.get_json()
    assert committed.mimetype == "application/problem+json"
    assert committed.get_json()["field"] == "lines"
    assert "check total 1999999999999.98" in committed.get_json()["detail"]
    assert committed.get_json()["detail"] == quoted.get_json()["detail"]
