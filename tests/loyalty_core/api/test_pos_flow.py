"""A till's day through the POS API: enrol, look up, quote, commit, return, history, switch."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from loyalty_core.config import service as config_service
from loyalty_core.ledger.models import Transaction
from loyalty_core.stores import service as store_service

from ..conftest import PROGRAMME, Core


def _enrol(core: Core, phone: str = "8 (916) 123-45-67", **extra: Any) -> dict[str, Any]:
    response = core.client.post("/api/v1/members", json={"phone": phone, **extra}, headers=core.headers())
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def _basket(member_id: str, redeem: int = 0) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "redeem_points": redeem,
        "lines": [
            {"sku": "MILK", "category": "dairy", "quantity": "2", "amount": "300.00"},
            {"sku": "BREAD", "category": "bread", "quantity": "1", "amount": "750.50"},
        ],
    }


def _buy(core: Core, body: dict[str, Any], key: str) -> dict[str, Any]:
    response = core.client.post("/api/v1/purchases", json=body, headers=core.headers(idem=key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def test_enrolment_normalises_phones_and_refuses_duplicates(core: Core) -> None:
    member = _enrol(core, email="anna@example.ru", name="Анна")
    assert member["phone_masked"] == "+7********67" and "9161234567" not in str(member)
    duplicate = core.client.post("/api/v1/members", json={"phone": "+7 916 1234567"}, headers=core.headers())
    assert duplicate.status_code == 409
    assert "+79161234567" in duplicate.get_json()["detail"] and duplicate.get_json()["member_id"] == member["id"]
    email = core.client.post(
        "/api/v1/members", json={"phone": "+79160000000", "email": "ANNA@example.ru"}, headers=core.headers()
    )
    assert email.status_code == 409 and email.get_json()["field"] == "email"


def test_lookup_by_card_phone_and_id(core: Core) -> None:
    member = _enrol(core)
    card = member["cards"][0]
    for query in (f"card={card}", "phone=8-916-123-45-67", "phone=%2B79161234567"):
        found = core.client.get(f"/api/v1/members?{query}", headers=core.headers())
        assert found.status_code == 200 and found.get_json()["id"] == member["id"], query
    assert core.client.get(f"/api/v1/members/{member['id']}", headers=core.headers()).get_json()["cards"] == [card]


def test_quote_has_no_side_effects_and_equals_the_commit(core: Core) -> None:
    member = _enrol(core)
    quote = core.client.post("/api/v1/purchases/quote", json=_basket(member["id"]), headers=core.headers()).get_json()
    # dairy 300.00 x 7% x2 (DAIRY2X) = 42; bread 750.50 x 5% = 37.525; floor(79.525) = 79; +50 BIG = 129.
    assert quote["earned_points"] == 129 and [l["points"] for l in quote["lines"]] == [68, 61]
    with core.session() as session:
        assert session.scalar(select(func.count()).select_from(Transaction)) == 0
    committed = _buy(core, _basket(member["id"]), "q-1")
    assert {k: v for k, v in committed.items() if k not in ("id", "created_at", "receipt_no")} == quote


def test_redemption_and_balance(core: Core) -> None:
    member = _enrol(core)
    _buy(core, _basket(member["id"]), "a")  # +129
    # 1050.50 x 50% = 525 by share, balance 129 -> max 129; redeem 100 (>= min 10).
    quote = core.client.post("/api/v1/purchases/quote", json=_basket(member["id"]), headers=core.headers()).get_json()
    assert quote["max_redeemable"] == 129
    result = _buy(core, _basket(member["id"], redeem=100), "b")
    # 100.00 split 300.00 : 750.50 -> 28.56 / 71.44; bases 271.44 and 679.06.
    assert [l["redeemed_value"] for l in result["lines"]] == ["28.56", "71.44"]
    # 271.44 x 7% x 2 = 38.0016; 679.06 x 5% = 33.953; floor(71.9546) = 71; +50 = 121.
    assert result["earned_points"] == 121 and result["balance_after"] == 129 - 100 + 121


def test_idempotent_replay_applies_once(core: Core) -> None:
    member = _enrol(core)
    first = core.client.post("/api/v1/purchases", json=_basket(member["id"]), headers=core.headers(idem="same"))
    second = core.client.post("/api/v1/purchases", json=_basket(member["id"]), headers=core.headers(idem="same"))
    assert first.headers["Idempotent-Replayed"] == "false" and second.headers["Idempotent-Replayed"] == "true"
    assert second.status_code == 201 and second.get_json() == first.get_json()
    balance = core.client.get(f"/api/v1/members/{member['id']}", headers=core.headers()).get_json()["balance"]
    assert balance == 129


def test_partial_then_rest_reverses_exactly_and_history_shows_it(core: Core) -> None:
    member = _enrol(core)
    purchase = _buy(core, _basket(member["id"]), "p")
    core.clock.advance(minutes=5)
    returns = core.client.post(
        f"/api/v1/purchases/{purchase['id']}/returns", json={"lines": [{"line": 1, "quantity": "1"}]}, headers=core.headers(idem="r1")
    ).get_json()
    assert returns["points_reversed"] == 34  # half-up(68 x 1/2)
    core.clock.advance(minutes=5)
    rest = core.client.post(
        f"/api/v1/purchases/{purchase['id']}/returns", json={"lines": [{"line": 1, "quantity": "1"}]}, headers=core.headers(idem="r2")
    ).get_json()
    assert rest["points_reversed"] == 34 and rest["balance"] == 129 - 68
    history = core.client.get(f"/api/v1/members/{member['id']}/transactions?limit=2", headers=core.headers()).get_json()
    assert [t["kind"] for t in history["transactions"]] == ["return", "return"]
    assert all(t["config_version"] == "v1" for t in history["transactions"])


def test_switching_a_store_takes_effect_on_the_next_request(core: Core) -> None:
    member = _enrol(core)
    purchase = _buy(core, _basket(member["id"]), "v1-purchase")
    with core.session() as session:
        v2 = config_service.create_version(session, "v2", PROGRAMME.replace("base_rate: 5", "base_rate: 10"), created_by="t")
        config_service.approve(session, v2, approved_by="t")
        store_service.assign_version(session, store_service.get_store(session, core.store_code), v2)
        session.commit()
    quote = core.client.post("/api/v1/purchases/quote", json=_basket(member["id"]), headers=core.headers()).get_json()
    # bread now 10%: 750.50 x 10% = 75.05; dairy 42; floor(117.05) = 117; +50 = 167.
    assert quote["config_version"] == "v2" and quote["earned_points"] == 167
    # A v1 receipt returned after the switch reverses its own stored figures.
    back = core.client.post(
        f"/api/v1/purchases/{purchase['id']}/returns", json={"lines": [{"line": 2, "quantity": "1"}]}, headers=core.headers(idem="r")
    ).get_json()
    assert back["points_reversed"] == 61


def test_a_store_without_a_version_gets_a_clear_conflict(core: Core) -> None:
    with core.session() as session:
        _, key = store_service.add_store(session, "NEW1", "retail")
        session.commit()
    member = _enrol(core)
    response = core.client.post("/api/v1/purchases/quote", json=_basket(member["id"]), headers=core.headers(key=key))
    assert response.status_code == 409 and "no active configuration version" in response.get_json()["detail"]


def test_tier_follows_the_spend_of_the_last_365_days(core: Core) -> None:
    member = _enrol(core)
    big = {"member_id": member["id"], "lines": [{"sku": "TV", "category": "electronics", "quantity": "1", "amount": "20000.00"}]}
    _buy(core, big, "big")
    core.clock.advance(days=1)
    gold = core.client.post("/api/v1/purchases/quote", json=_basket(member["id"]), headers=core.headers()).get_json()
    # gold x1.5: dairy 300 x 7% x 2 x 1.5 = 63; bread 750.50 x 5% x 1.5 = 56.2875; floor(119.2875) + 50 = 169.
    assert gold["tier"] == "gold" and gold["earned_points"] == 169
    core.clock.advance(days=365)
    base = core.client.post("/api/v1/purchases/quote", json=_basket(member["id"]), headers=core.headers()).get_json()
    assert base["tier"] == "base"
