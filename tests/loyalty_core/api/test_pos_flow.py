"""A till's day through the POS API: enrol, look up, quote, commit, replay, return, history,
switch the store's configuration, and travel in time for tiers.

Every expected figure is worked out by hand from PROGRAMME (tests/loyalty_core/conftest.py):
base rate 5 %, dairy 7 %, tobacco excluded; tiers base x1 from 0.00 and gold x1.5 from
20000.00 spent in 365 days; redemption 1.00 per point, at most 50 % of the check, at least 10
points; DAIRY2X doubles dairy lines; BIG adds 50 points to a check >= 1000.00; rounding floor
once per receipt, then receipt points go to lines by largest remainder.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from loyalty_core.api.openapi import openapi_document
from loyalty_core.config import service as config_service
from loyalty_core.ledger.models import Account, IdempotencyRecord, LedgerEntry, Member, Transaction
from loyalty_core.stores import service as store_service

from ..conftest import PROGRAMME, Core

API = "/api/v1"
PHONE_TYPED = "8 (916) 123-45-67"
PHONE_E164 = "+79161234567"


# --- helpers -----------------------------------------------------------------------------------


def _enrol(core: Core, phone: str = PHONE_TYPED, **extra: Any) -> dict[str, Any]:
    response = core.client.post(f"{API}/members", json={"phone": phone, **extra}, headers=core.headers())
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def _line(sku: str, category: str, quantity: str, amount: str) -> dict[str, str]:
    return {"sku": sku, "category": category, "quantity": quantity, "amount": amount}


def basket_a(member_id: str) -> dict[str, Any]:
    """1400.00: milk (dairy) 2 x 150.00, bread 900.00, cigarettes (tobacco) 200.00."""
    return {
        "member_id": member_id,
        "lines": [
            _line("MILK", "dairy", "2", "300.00"),
            _line("BREAD", "bakery", "1", "900.00"),
            _line("CIGS", "tobacco", "1", "200.00"),
        ],
    }


# Basket A, no redemption, tier base:
#   milk   300.00 x 7 % x 2 (DAIRY2X) = 42.00
#   bread  900.00 x 5 %               = 45.00
#   cigs   tobacco is excluded        =  0
#   floor(87.00) = 87; check 1400.00 >= 1000.00 -> BIG +50; 87 + 50 = 137
#   to lines by largest remainder of 137 x (42, 45, 0) / 87 = (66.14, 70.86, 0) -> (66, 70, 0)
#   + the 1 left to the largest remainder (.86, bread) -> (66, 71, 0)
A_EARNED = 137
A_LINE_POINTS = [66, 71, 0]


def basket_b(member_id: str, redeem: int = 100) -> dict[str, Any]:
    """600.00: cheese (dairy) 400.00 and apples 3 x 66.67, redeeming 100 points."""
    return {
        "member_id": member_id,
        "redeem_points": redeem,
        "lines": [_line("CHEESE", "dairy", "1", "400.00"), _line("APPLES", "fruit", "3", "200.00")],
    }


# Basket B after A (balance 137, tier base), redeeming 100:
#   max_redeemable = min(137, floor(600.00 x 50 % / 1.00) = 300) = 137
#   100.00 to lines 400 : 200 -> 66.666.. / 33.333.. -> cents 6666 / 3333 + 1 cent to .67 -> 66.67 / 33.33
#   100 points likewise -> 66 / 33 + 1 to line 1 -> 67 / 33
#   earn bases 400.00 - 66.67 = 333.33 and 200.00 - 33.33 = 166.67
# cheese 333.33 x 7 % x 2 = 46.6662; apples 166.67 x 5 % = 8.3335; floor(54.9997) = 54; 600.00 < 1000.00: no
# BIG
#   54 x (46.6662, 8.3335) / 54.9997 = (45.82, 8.18) -> (45, 8) + 1 to .82 -> (46, 8)
#   balance after = 137 - 100 + 54 = 91
B_REDEEMED, B_EARNED, B_BALANCE_AFTER = 100, 54, 91


def _post(core: Core, path: str, body: Any, idem: str | None = None, key: str | None = None) -> Any:
    return core.client.post(f"{API}{path}", json=body, headers=core.headers(key=key, idem=idem))


def _buy(core: Core, body: dict[str, Any], idem: str) -> dict[str, Any]:
    response = _post(core, "/purchases", body, idem)
    assert response.status_code == 201, response.get_json()
    assert response.headers["Idempotent-Replayed"] == "false"
    return dict(response.get_json())


def _quote(core: Core, body: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    response = _post(core, "/purchases/quote", body, key=key)
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def _member(core: Core, member_id: str) -> dict[str, Any]:
    response = core.client.get(f"{API}/members/{member_id}", headers=core.headers())
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def _history(core: Core, member_id: str, **query: Any) -> dict[str, Any]:
    response = core.client.get(
        f"{API}/members/{member_id}/transactions", query_string=query, headers=core.headers()
    )
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def _counts(core: Core) -> dict[str, int]:
    with core.session() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Member, Transaction, LedgerEntry, IdempotencyRecord)
        }


def _figures(body: dict[str, Any]) -> dict[str, Any]:
    """A purchase body without what only a committed purchase has."""
    return {k: v for k, v in body.items() if k not in ("id", "created_at", "recorded_at", "receipt_no")}


# --- enrolment and lookup -------------------------------------------------------------------------


def test_enrolment_stores_the_phone_in_e164_and_lookups_take_any_spelling(core: Core) -> None:
    member = _enrol(core, email="Anna@Example.com", name="Анна")
    assert member["balance"] == 0 and member["tier"] == "base" and member["spend_365"] == "0.00"
    assert member["name"] == "Анна" and len(member["cards"]) == 1 and len(member["cards"][0]) == 13
    with core.session() as session:
        stored = session.get(Member, uuid.UUID(member["id"]))
        assert stored is not None
        assert stored.phone == PHONE_E164 and stored.email == "anna@example.com"

    for spelling in (PHONE_E164, PHONE_TYPED, "8-916-123-45-67", "+7 (916) 123 45 67", "89161234567"):
        found = core.client.get(f"{API}/members", query_string={"phone": spelling}, headers=core.headers())
        assert found.status_code == 200, (spelling, found.get_json())
        assert found.get_json()["id"] == member["id"], spelling
    by_card = core.client.get(
        f"{API}/members", query_string={"card": member["cards"][0]}, headers=core.headers()
    )
    assert by_card.status_code == 200 and by_card.get_json()["id"] == member["id"]
    by_id = _member(core, member["id"])
    assert by_id["cards"] == member["cards"]


def test_the_location_of_a_new_member_serves_it(core: Core) -> None:
    response = core.client.post(f"{API}/members", json={"phone": PHONE_TYPED}, headers=core.headers())
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location == f"{API}/members/{response.get_json()['id']}"
    assert core.client.get(location, headers=core.headers()).get_json() == response.get_json()


def test_a_second_enrolment_of_the_phone_or_email_is_409_naming_the_member(core: Core) -> None:
    first = _enrol(core, email="anna@example.com")

    again = core.client.post(f"{API}/members", json={"phone": "+7 916 1234567"}, headers=core.headers())
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    problem = again.get_json()
    assert problem["field"] == "phone" and problem["member_id"] == first["id"]
    assert PHONE_E164 in problem["detail"]

    same_email = core.client.post(
        f"{API}/members",
        json={"phone": "+7 926 555-00-01", "email": "ANNA@example.com"},
        headers=core.headers(),
    )
    assert same_email.status_code == 409 and same_email.mimetype == "application/problem+json"
    problem = same_email.get_json()
    assert problem["field"] == "email" and problem["member_id"] == first["id"]
    assert "anna@example.com" in problem["detail"]

    assert _counts(core)["members"] == 1


def test_a_member_shows_the_phone_masked_never_in_full(core: Core) -> None:
    member = _enrol(core)
    response = core.client.get(f"{API}/members/{member['id']}", headers=core.headers())
    text = response.get_data(as_text=True)
    assert response.get_json()["phone_masked"] == "+7********67"  # same length as +79161234567
    # (strings long enough not to turn up by chance in the random member id or card number)
    for revealing in (PHONE_E164, "9161234567", "1234567"):
        assert revealing not in text, revealing
    assert "phone" not in response.get_json()  # only the masked form is a member of the body


# --- quote, commit, redemption ---------------------------------------------------------------------


def test_a_quote_has_no_side_effects(core: Core) -> None:
    member = _enrol(core)
    _buy(core, basket_a(member["id"]), "a")
    before, balance = _counts(core), _member(core, member["id"])["balance"]
    assert balance == A_EARNED

    first = _quote(core, basket_b(member["id"]))
    second = _quote(core, basket_b(member["id"]))

    assert first == second  # nothing the first quote did changes the second
    assert _counts(core) == before
    assert _member(core, member["id"])["balance"] == A_EARNED
    assert len(_history(core, member["id"])["transactions"]) == 1


def test_a_quote_shows_the_figures_and_reasons(core: Core) -> None:
    member = _enrol(core)
    quote = _quote(core, basket_a(member["id"]))
    assert quote["config_version"] == "v1" and quote["store"] == "R001" and quote["tier"] == "base"
    assert quote["check_total"] == "1400.00"
    assert quote["balance"] == 0 and quote["max_redeemable"] == 0  # min(0, floor(1400 x 50 %)) = 0
    assert quote["earned_points"] == A_EARNED and quote["balance_after"] == A_EARNED
    assert [line["points"] for line in quote["lines"]] == A_LINE_POINTS
    assert [(line["rate"], line["multiplier"]) for line in quote["lines"]] == [
        ("7", "2"),
        ("5", "1"),
        ("0", "1"),
    ]
    promotions = {p["code"]: p for p in quote["promotions"]}
    assert promotions["DAIRY2X"]["lines"] == [1] and promotions["BIG"]["extra_points"] == 50
    assert "1400.00" in promotions["BIG"]["reason"] and "dairy" in promotions["DAIRY2X"]["reason"]
    assert quote["not_applied"] == []


def test_the_quote_equals_the_commit_of_the_same_basket(core: Core) -> None:
    member = _enrol(core)
    _buy(core, basket_a(member["id"]), "a")
    quote = _quote(core, basket_b(member["id"]))

    committed = _buy(core, {**basket_b(member["id"]), "receipt_no": "R-0042"}, "b")

    assert _figures(committed) == quote
    assert committed["receipt_no"] == "R-0042" and committed["created_at"] == "2026-03-03T09:00:00Z"
    assert set(committed) - set(quote) == {"id", "created_at", "recorded_at", "receipt_no"}
    # BIG did not apply to a 600.00 check, and says why.
    assert [p["code"] for p in committed["not_applied"]] == ["BIG"]
    assert "1000.00" in committed["not_applied"][0]["reason"]


def test_a_commit_with_redemption_moves_the_balance_by_redeemed_and_earned(core: Core) -> None:
    member = _enrol(core)
    _buy(core, basket_a(member["id"]), "a")
    result = _buy(core, basket_b(member["id"]), "b")

    assert result["balance"] == A_EARNED and result["max_redeemable"] == 137
    assert result["redeemed_points"] == B_REDEEMED and result["redeemed_value"] == "100.00"
    assert [line["redeemed_value"] for line in result["lines"]] == ["66.67", "33.33"]
    assert [line["redeemed_points"] for line in result["lines"]] == [67, 33]
    assert [line["earn_base"] for line in result["lines"]] == ["333.33", "166.67"]
    assert [line["points"] for line in result["lines"]] == [46, 8]
    assert result["earned_points"] == B_EARNED
    # balance = before - redeemed + earned = 137 - 100 + 54 = 91
    assert result["balance_after"] == A_EARNED - B_REDEEMED + B_EARNED == B_BALANCE_AFTER
    member_now = _member(core, member["id"])
    assert member_now["balance"] == B_BALANCE_AFTER
    # spend = money paid: 1400.00 + (600.00 - 100.00) = 1900.00
    assert member_now["spend_365"] == "1900.00"
    with core.session() as session:
        account = session.scalar(select(Account).where(Account.member_id == uuid.UUID(member["id"])))
        assert account is not None
        entries = session.scalar(
            select(func.sum(LedgerEntry.points)).where(LedgerEntry.account_id == account.id)
        )
        assert account.balance == entries == B_BALANCE_AFTER  # a balance is the sum of its entries


def test_odd_cents_redemption_split_by_largest_remainder(core: Core) -> None:
    member = _enrol(core)
    bread = {
        "member_id": member["id"],
        "lines": [_line("MILK", "dairy", "2", "300.00"), _line("BREAD", "bread", "1", "750.50")],
    }
    first = _buy(core, bread, "a")
    # milk 300.00 x 7 % x 2 = 42; bread 750.50 x 5 % = 37.525; floor(79.525) = 79; 1050.50 >= 1000.00: +50 =
    # 129
    # 129 x (42, 37.525) / 79.525 = (68.13, 60.87) -> (68, 60) + 1 to .87 -> (68, 61)
    assert first["earned_points"] == 129 and [line["points"] for line in first["lines"]] == [68, 61]
    second = _buy(core, {**bread, "redeem_points": 100}, "b")
    # 100.00 split 300.00 : 750.50 -> 28.5578.. / 71.4422.. -> 28.55 / 71.44 + 1 cent to .78 -> 28.56 / 71.44
    assert [line["redeemed_value"] for line in second["lines"]] == ["28.56", "71.44"]
    # 271.44 x 7 % x 2 = 38.0016; 679.06 x 5 % = 33.953; floor(71.9546) = 71; +50 = 121; 129 - 100 + 121 = 150
    assert second["earned_points"] == 121 and second["balance_after"] == 150


# --- idempotency ---------------------------------------------------------------------------------------


def test_a_replayed_commit_returns_the_same_body_and_applies_once(core: Core) -> None:
    member = _enrol(core)
    first = _post(core, "/purchases", basket_a(member["id"]), "till-3-receipt-1001")
    assert first.status_code == 201 and first.headers["Idempotent-Replayed"] == "false"
    after_first = _counts(core)

    core.clock.advance(minutes=2)  # the till retries later: the answer is still the first one
    again = _post(core, "/purchases", basket_a(member["id"]), "till-3-receipt-1001")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()

    # The same body with its keys in another order is the same request.
    reordered = json.loads(json.dumps(basket_a(member["id"]), sort_keys=True))
    reordered = {
        "lines": [dict(reversed(list(line.items()))) for line in reordered["lines"]],
        "member_id": member["id"],
    }
    third = core.client.post(
        f"{API}/purchases",
        data=json.dumps(reordered),
        content_type="application/json",
        headers=core.headers(idem="till-3-receipt-1001"),
    )
    assert third.status_code == 201 and third.headers["Idempotent-Replayed"] == "true"
    assert third.get_json() == first.get_json()

    assert _counts(core) == after_first
    assert _member(core, member["id"])["balance"] == A_EARNED  # once, not 3 x 137


def test_the_same_idempotency_key_at_another_store_is_another_receipt(core: Core) -> None:
    with core.session() as session:
        store, other_key = store_service.add_store(session, "R002", "retail")
        store_service.assign_version(session, store, config_service.get_version(session, "v1"))
        session.commit()
    member = _enrol(core)
    here = _post(core, "/purchases", basket_a(member["id"]), "receipt-1")
    there = _post(core, "/purchases", basket_a(member["id"]), "receipt-1", key=other_key)
    assert here.status_code == there.status_code == 201
    assert there.headers["Idempotent-Replayed"] == "false"
    assert there.get_json()["id"] != here.get_json()["id"] and there.get_json()["store"] == "R002"
    assert _member(core, member["id"])["balance"] == 2 * A_EARNED


# --- returns and history ---------------------------------------------------------------------------------


def test_partial_then_rest_reverses_exactly_what_the_line_earned(core: Core) -> None:
    member = _enrol(core)
    _buy(core, basket_a(member["id"]), "a")
    core.clock.advance(hours=1)
    purchase = _buy(core, basket_b(member["id"]), "b")
    apples = purchase["lines"][1]
    assert (apples["quantity"], apples["points"], apples["redeemed_points"]) == ("3", 8, 33)

    core.clock.advance(hours=1)
    one = _post(core, f"/purchases/{purchase['id']}/returns", {"lines": [{"line": 2, "quantity": "1"}]}, "r1")
    assert one.status_code == 201, one.get_json()
    one = one.get_json()
    # 1 of 3: reverse half-up(8 x 1/3 = 2.67) = 3; refund half-up(33 x 1/3) = 11; amount 200.00 / 3 -> 66.67
    assert (one["points_reversed"], one["redeemed_points_refunded"]) == (3, 11)
    assert one["lines"] == [
        {"line": 2, "quantity": "1", "amount": "66.67", "points_reversed": 3, "redeemed_points_refunded": 11}
    ]
    assert one["balance"] == B_BALANCE_AFTER - 3 + 11 == 99
    assert (
        one["purchase_id"] == purchase["id"] and one["member_id"] == member["id"] and one["store"] == "R001"
    )

    core.clock.advance(hours=1)
    rest = _post(
        core, f"/purchases/{purchase['id']}/returns", {"lines": [{"line": 2, "quantity": "2"}]}, "r2"
    )
    assert rest.status_code == 201, rest.get_json()
    rest = rest.get_json()
    # the rest: what the line earned and redeemed minus what the first return took: 8 - 3 = 5, 33 - 11 = 22
    assert (rest["points_reversed"], rest["redeemed_points_refunded"]) == (5, 22)
    assert rest["lines"][0]["amount"] == "133.33"  # 200.00 - 66.67
    assert one["points_reversed"] + rest["points_reversed"] == apples["points"]
    assert one["redeemed_points_refunded"] + rest["redeemed_points_refunded"] == apples["redeemed_points"]
    assert rest["balance"] == 99 - 5 + 22 == 116

    member_now = _member(core, member["id"])
    assert member_now["balance"] == 116
    # spend: 1900.00 - apples paid (200.00 - 33.33 = 166.67) = 1733.33
    assert member_now["spend_365"] == "1733.33"

    nothing_left = _post(
        core, f"/purchases/{purchase['id']}/returns", {"lines": [{"line": 2, "quantity": "1"}]}, "r3"
    )
    assert nothing_left.status_code == 422 and "only 0 of 3 left" in nothing_left.get_json()["detail"]

    history = _history(core, member["id"])
    assert [t["points_delta"] for t in history["transactions"]] == [
        22 - 5,
        11 - 3,
        B_EARNED - B_REDEEMED,
        A_EARNED,
    ]
    assert sum(t["points_delta"] for t in history["transactions"]) == history["balance"] == 116
    returned = next(t for t in history["transactions"] if t["id"] == purchase["id"])
    assert [line["returned_quantity"] for line in returned["lines"]] == ["0", "3"]


def test_a_replayed_return_applies_once(core: Core) -> None:
    member = _enrol(core)
    purchase = _buy(core, basket_a(member["id"]), "a")
    body = {"lines": [{"line": 1, "quantity": "1"}]}
    first = _post(core, f"/purchases/{purchase['id']}/returns", body, "ret-1")
    again = _post(core, f"/purchases/{purchase['id']}/returns", body, "ret-1")
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == first.get_json()
    # 1 of 2 milk: half-up(66 x 1/2) = 33 reversed, once: 137 - 33 = 104
    assert first.get_json()["points_reversed"] == 33
    assert _member(core, member["id"])["balance"] == 104


def test_history_is_newest_first_with_limit_and_records_the_version(core: Core) -> None:
    member = _enrol(core)
    a = _buy(core, basket_a(member["id"]), "a")
    core.clock.advance(hours=1)
    b = _buy(core, basket_b(member["id"]), "b")
    core.clock.advance(hours=1)
    r = _post(
        core, f"/purchases/{b['id']}/returns", {"lines": [{"line": 1, "quantity": "1"}]}, "r"
    ).get_json()

    everything = _history(core, member["id"])
    assert [t["id"] for t in everything["transactions"]] == [r["id"], b["id"], a["id"]]
    assert [t["kind"] for t in everything["transactions"]] == ["return", "purchase", "purchase"]
    assert all(t["config_version"] == "v1" and t["store"] == "R001" for t in everything["transactions"])
    assert everything["transactions"][0]["original_id"] == b["id"]

    two = _history(core, member["id"], limit=2)
    assert [t["id"] for t in two["transactions"]] == [r["id"], b["id"]]
    assert two["balance"] == everything["balance"] == _member(core, member["id"])["balance"]

    older = _history(core, member["id"], before=b["created_at"])
    assert [t["id"] for t in older["transactions"]] == [a["id"]]


# --- configuration versions ----------------------------------------------------------------------------


def _switch_to_v2(core: Core, base_rate: int = 10) -> None:
    """Approve v2 (PROGRAMME with another base rate) and point R001 at it, as the workbench does."""
    assert "base_rate: 5" in PROGRAMME
    with core.session() as session:
        v2 = config_service.create_version(
            session, "v2", PROGRAMME.replace("base_rate: 5", f"base_rate: {base_rate}"), created_by="test"
        )
        config_service.approve(session, v2, approved_by="test")
        store_service.assign_version(session, store_service.get_store(session, core.store_code), v2)
        session.commit()


def test_switching_the_store_to_another_version_takes_effect_on_the_next_request(core: Core) -> None:
    member = _enrol(core)
    bread = {"member_id": member["id"], "lines": [_line("BREAD", "bakery", "1", "900.00")]}
    under_v1 = _buy(core, bread, "v1-receipt")
    # v1: 900.00 x 5 % = 45; 900.00 < 1000.00: no BIG
    assert under_v1["config_version"] == "v1" and under_v1["earned_points"] == 45

    _switch_to_v2(core)

    quote = _quote(core, bread)
    # v2: 900.00 x 10 % = 90
    assert quote["config_version"] == "v2" and quote["earned_points"] == 90
    core.clock.advance(minutes=1)
    under_v2 = _buy(core, bread, "v2-receipt")
    assert under_v2["config_version"] == "v2" and under_v2["earned_points"] == 90

    # The v1 receipt comes back after the switch: it reverses what it earned under v1 (45, not 90).
    core.clock.advance(minutes=1)
    back = _post(
        core, f"/purchases/{under_v1['id']}/returns", {"lines": [{"line": 1, "quantity": "1"}]}, "v1-back"
    )
    assert back.status_code == 201, back.get_json()
    assert back.get_json()["points_reversed"] == 45
    assert back.get_json()["balance"] == 45 + 90 - 45

    history = _history(core, member["id"])["transactions"]
    assert [(t["kind"], t["config_version"]) for t in history] == [
        ("return", "v1"),  # a return runs under its purchase's version
        ("purchase", "v2"),
        ("purchase", "v1"),
    ]
    with core.session() as session:
        labels = {
            str(t.id): t.config_version.label
            for t in session.scalars(select(Transaction))
            if t.config_version
        }
    assert labels[under_v1["id"]] == "v1" and labels[under_v2["id"]] == "v2"


def test_a_store_with_no_active_version_gets_a_clear_409_and_nothing_is_stored(core: Core) -> None:
    with core.session() as session:
        _, key = store_service.add_store(session, "R009", "retail")
        session.commit()
    member = _enrol(core)
    before = _counts(core)

    for path, idem in (("/purchases/quote", None), ("/purchases", "r009-1")):
        response = _post(core, path, basket_a(member["id"]), idem, key=key)
        assert response.status_code == 409, (path, response.get_json())
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert problem["field"] == "store"
        assert "R009" in problem["detail"] and "no active configuration version" in problem["detail"]
        assert "409" in openapi_document()["paths"][path]["post"]["responses"], (
            f"{path} does not document 409"
        )
    assert _counts(core) == before

    # Once the store runs a version, the till's retry with the same key goes through.
    with core.session() as session:
        store_service.assign_version(
            session, store_service.get_store(session, "R009"), config_service.get_version(session, "v1")
        )
        session.commit()
    retried = _post(core, "/purchases", basket_a(member["id"]), "r009-1", key=key)
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "false"
    assert retried.get_json()["earned_points"] == A_EARNED


# --- tiers over time -------------------------------------------------------------------------------------


def _electronics(member_id: str, amount: str, quantity: str = "1") -> dict[str, Any]:
    return {"member_id": member_id, "lines": [_line("TV", "electronics", quantity, amount)]}


def test_gold_after_20000_spent_within_365_days_and_older_spend_stops_counting(core: Core) -> None:
    member = _enrol(core)

    first = _buy(core, _electronics(member["id"], "15000.00"), "t-1")
    # tier from spend before the purchase (0.00): base; 15000.00 x 5 % = 750 + BIG 50 = 800
    assert first["tier"] == "base" and first["earned_points"] == 800

    core.clock.advance(days=10)
    second = _buy(core, _electronics(member["id"], "4999.99"), "t-2")
    # spend before 15000.00: base; 4999.99 x 5 % = 249.9995 -> floor 249 + BIG 50 = 299
    assert second["tier"] == "base" and second["earned_points"] == 299

    core.clock.advance(days=1)
    almost = _quote(core, _electronics(member["id"], "1000.00"))
    # spend 19999.99 < 20000.00: base; 1000.00 x 5 % = 50 + BIG 50 = 100
    assert (
        almost["tier"] == "base"
        and almost["lines"][0]["multiplier"] == "1"
        and almost["earned_points"] == 100
    )
    cent = _buy(core, _electronics(member["id"], "0.01"), "t-3")
    assert cent["tier"] == "base"  # the tier is evaluated before the purchase that reaches it

    core.clock.advance(days=1)
    gold_member = _member(core, member["id"])
    assert gold_member["spend_365"] == "20000.00" and gold_member["tier"] == "gold"
    gold = _quote(core, _electronics(member["id"], "1000.00"))
    # gold: 1000.00 x 5 % x 1.5 = 75 + BIG 50 = 125
    assert gold["tier"] == "gold" and gold["lines"][0]["multiplier"] == "1.5" and gold["earned_points"] == 125

    # t0 is 2026-03-03 12:00 Moscow time: its 15000.00 counts through the end of local day
    # 2027-03-03 (day D+365), and leaves the window at midnight Moscow time.
    leaves = dt.datetime(2027, 3, 4, 0, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    core.clock.now = leaves - dt.timedelta(minutes=1)
    assert _quote(core, _electronics(member["id"], "1000.00"))["tier"] == "gold"  # still day D+365

    core.clock.now = leaves
    later = _quote(core, _electronics(member["id"], "1000.00"))
    # the 15000.00 of t0 has left the window: spend 4999.99 + 0.01 = 5000.00 -> base, 100 points
    assert (
        later["tier"] == "base" and later["lines"][0]["multiplier"] == "1" and later["earned_points"] == 100
    )
    member_later = _member(core, member["id"])
    assert member_later["spend_365"] == "5000.00" and member_later["tier"] == "base"
    # and t0's 800 points expired with it (expiry_days 365): 800 + 299 + 0 - 800 = 299
    assert member_later["balance"] == 299


def test_a_return_takes_its_spend_off_the_tier(core: Core) -> None:
    member = _enrol(core)
    purchase = _buy(core, _electronics(member["id"], "20000.00", quantity="2"), "tv")
    core.clock.advance(days=1)
    assert _quote(core, _electronics(member["id"], "100.00"))["tier"] == "gold"

    back = _post(
        core, f"/purchases/{purchase['id']}/returns", {"lines": [{"line": 1, "quantity": "1"}]}, "tv-back"
    )
    assert back.status_code == 201, back.get_json()
    # spend net of returns: 20000.00 - 10000.00 = 10000.00 < 20000.00
    assert _member(core, member["id"])["spend_365"] == "10000.00"
    assert _quote(core, _electronics(member["id"], "100.00"))["tier"] == "base"
