"""The capability catalogue cannot claim what the core does not do.

* the catalogue and the configuration schema agree, walked both ways;
* every configuration capability's example validates and changes what the engine computes for
  a small basket (or, for ledger rules, what the ledger does), compared with the same
  configuration without the capability's keys;
* every standard capability is bound to real code or a real POS API operation.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from loyalty_core.api.openapi import openapi_document
from loyalty_core.capabilities import (
    CONFIGURATION,
    STANDARD,
    Capability,
    CatalogueError,
    catalogue,
    config_key_paths,
    get_capability,
    to_json,
)
from loyalty_core.capabilities import configuration as texts
from loyalty_core.capabilities.catalogue import schema_leaves
from loyalty_core.config import parse_config, validate_document
from loyalty_core.config import service as config_service
from loyalty_core.config.schema import ProgramConfig, Promotion, Tier
from loyalty_core.db import make_engine, make_session_factory, metadata
from loyalty_core.engine import Basket, BasketLine, MemberState, calculate
from loyalty_core.errors import BusinessRuleViolation
from loyalty_core.ledger import service as ledger
from loyalty_core.stores import service as store_service

ROOT = Path(__file__).resolve().parents[2]

MINIMAL: dict[str, Any] = {"program": "Minimal", "earn": {"base_rate": 5}}

# 21:30 UTC on Tuesday 3 March 2026: already Wednesday 00:30 in Moscow (the default zone), still
# Tuesday 23:30 in Kaliningrad (what the time-zone example switches to).
AT = dt.datetime(2026, 3, 3, 21, 30, tzinfo=dt.UTC)

# fresh 5.05 + bread 2.65 + tobacco 1.35 points at 5%: 9.05, so floor and ceil differ.
BASKET = Basket(
    lines=(
        BasketLine("SKU-FRESH", "fresh", Decimal(1), Decimal("101.00")),
        BasketLine("SKU-BREAD", "bread", Decimal(1), Decimal("53.00")),
        BasketLine("SKU-TOBACCO", "tobacco", Decimal(1), Decimal("27.00")),
    ),
    store_code="R001",
    direction="retail",
)
# Silver in the tiers example (30,000), not gold in the tier-condition one (100,000); a
# birthday far from March, outside the birthday example's window.
MEMBER = MemberState(balance=1000, spend_365=Decimal("50000.00"), birthday=dt.date(1990, 7, 15))

# Configuration capabilities whose keys the points math never reads, and why. Their effect, where
# they have one, is checked elsewhere in this file (the ledger rules) or is what people read.
NO_ENGINE_EFFECT = {
    "program.identity": "the programme's name is shown to people and the currency names its money; "
    "the points math reads neither",
    "expiry.days": "expiry is a ledger rule (points leave the balance later): see the ledger test below",
    "returns.window": "the return window is checked by the ledger when a return is committed: see below",
    "returns.negative_balance": "what a return does to a spent balance is a ledger rule: see below",
    "offline.receipts": "how far back a receipt may be dated is checked by the ledger when it arrives: see "
    "below",
}


def merged(base: dict[str, Any], fragment: dict[str, Any]) -> dict[str, Any]:
    """`fragment` laid over `base`: mappings merge key by key, anything else is replaced."""
    out = copy.deepcopy(base)
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _strip(node: Any, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        for item in node.get(head[:-2], []) if isinstance(node, dict) else []:
            _strip(item, rest)
    elif not rest:
        if isinstance(node, dict):
            node.pop(head, None)
    elif isinstance(node, dict) and isinstance(node.get(head), dict):
        _strip(node[head], rest)


def _present(node: Any, parts: list[str]) -> bool:
    """Whether the document sets the path (for `name[]`, in at least one of the list's entries)."""
    head, rest = parts[0], parts[1:]
    if not isinstance(node, dict):
        return False
    if head.endswith("[]"):
        entries = node.get(head[:-2])
        return isinstance(entries, list) and any(_present(item, rest) for item in entries)
    if head not in node:
        return False
    return not rest or _present(node[head], rest)


def _valid(model: type[Tier] | type[Promotion], item: Any) -> bool:
    try:
        model.model_validate(item)
    except ValueError:
        return False
    return True


def without(document: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The document with the capability's keys taken out: list entries left incomplete (a
    promotion without its kind) are dropped; a document left invalid (no base rate) falls back to
    the minimal configuration."""
    out = copy.deepcopy(document)
    for key in keys:
        _strip(out, key.split("."))
    for name, model in (("tiers", Tier), ("promotions", Promotion)):
        if name in out:
            out[name] = [item for item in out[name] if _valid(model, item)]
    return out if not validate_document(out) else copy.deepcopy(MINIMAL)


def outcome(document: dict[str, Any]) -> tuple[Any, ...]:
    """What the engine computes for the basket, as the figures a receipt shows."""
    decision = calculate(BASKET, MEMBER, parse_config(document), AT)
    return (
        decision.earned_points,
        decision.max_redeemable,
        decision.extra_points,
        decision.tier,
        decision.tier_multiplier,
        tuple((line.rate, line.multiplier, line.points) for line in decision.lines),
    )


def configuration_capabilities() -> list[Capability]:
    return [c for c in catalogue() if c.kind == CONFIGURATION]


@pytest.fixture
def fresh_catalogue() -> Iterator[None]:
    """The catalogue rebuilt before and after a test that changes what it is built from."""
    catalogue.cache_clear()
    yield
    catalogue.cache_clear()


# --- the catalogue and the schema agree (both ways) ------------------------------------------


def test_every_schema_key_belongs_to_a_capability() -> None:
    claimed = {key for capability in catalogue() for key in capability.config_keys}
    orphans = [path for path in config_key_paths() if path not in claimed]
    assert not orphans, f"configuration keys that no capability switches on: {', '.join(orphans)}"


def test_every_key_a_capability_names_is_a_schema_path() -> None:
    paths = set(config_key_paths())
    for capability in catalogue():
        for key in capability.config_keys:
            assert key in paths, (
                f"{capability.code} names {key!r}, which is not a path of the configuration schema"
            )


def _json_schema_leaves(
    node: dict[str, Any], defs: dict[str, Any], prefix: str
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(path, x-capabilities) of every leaf of a JSON Schema node, read from the JSON Schema
    pydantic publishes (not from the model classes the catalogue walks): `$ref` resolved,
    an optional's `anyOf` [..., null] unwrapped, `items` of objects read `name[].`, and
    `additionalProperties` of objects `name{}.` (the catalogue would call that mapping one leaf,
    so such a field would show up as a disagreement)."""
    for name, field_schema in node.get("properties", {}).items():
        path = f"{prefix}{name}"
        shape = _resolved(field_schema, defs)
        if "properties" in shape:
            yield from _json_schema_leaves(shape, defs, f"{path}.")
            continue
        items = _resolved(shape["items"], defs) if isinstance(shape.get("items"), dict) else {}
        values = shape.get("additionalProperties")
        values = _resolved(values, defs) if isinstance(values, dict) else {}
        if "properties" in items:
            yield from _json_schema_leaves(items, defs, f"{path}[].")
        elif "properties" in values:
            yield from _json_schema_leaves(values, defs, f"{path}{{}}.")
        else:
            yield path, tuple(field_schema.get("x-capabilities", ()))


def _resolved(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """The schema a node stands for: its `$ref` followed, an optional's non-null member taken."""
    if "$ref" in node:
        return _resolved(defs[node["$ref"].removeprefix("#/$defs/")], defs)
    members = [m for m in node.get("anyOf", ()) if m.get("type") != "null"]
    if len(members) == 1:
        return _resolved(members[0], defs)
    return node


def test_the_published_json_schema_has_the_same_leaves_and_capabilities() -> None:
    """An independent walk (the JSON Schema, not the model classes) finds the same leaf paths in
    the same order, and each capability's keys are exactly the leaves whose x-capabilities name it."""
    document = ProgramConfig.model_json_schema()
    leaves = list(_json_schema_leaves(document, document.get("$defs", {}), ""))
    assert [path for path, _ in leaves] == list(config_key_paths())
    for capability in catalogue():
        named_by = [path for path, codes in leaves if capability.code in codes]
        assert list(capability.config_keys) == named_by, capability.code
    assert all(codes for _, codes in leaves), "every leaf of the published schema names its capability"


def test_the_schema_walk_reaches_nested_models_and_lists() -> None:
    paths = config_key_paths()
    assert len(paths) == len(set(paths)) == 35
    for expected in (
        "program",
        "earn.category_rates",
        "tiers[].threshold",
        "promotions[].conditions.birthday_window_days",
    ):
        assert expected in paths
    # Containers are not leaves.
    assert not {"earn", "tiers", "promotions", "promotions[].conditions"} & set(paths)
    assert all(codes for _, codes, _ in schema_leaves()), "every schema leaf names its capability"


def test_a_described_capability_no_field_names_stops_the_build(
    fresh_catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ghost = texts.CapabilityText("Ghost", "Призрак", "Nothing does this.", ("ghost",), {})
    monkeypatch.setitem(texts.TEXTS, "earn.ghost", ghost)
    with pytest.raises(CatalogueError, match=r"named by no schema field: earn\.ghost"):
        catalogue()


def test_a_schema_field_with_no_description_stops_the_build(
    fresh_catalogue: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(texts.TEXTS, "earn.rounding")
    with pytest.raises(CatalogueError, match=r"not described: earn\.rounding"):
        catalogue()


# --- configuration capabilities do what they say ---------------------------------------------


@pytest.mark.parametrize("capability", configuration_capabilities(), ids=lambda c: c.code)
def test_the_example_validates_and_changes_what_the_engine_computes(capability: Capability) -> None:
    assert capability.example, f"{capability.code} has no example fragment"
    for key in capability.config_keys:
        # Each key, not only one of them: the comparison below passes as soon as one key matters,
        # so a key naming nothing in the example (a wrong path) would go unnoticed.
        assert _present(capability.example_document(), key.split(".")), (
            f"{capability.code}: its example does not set {key!r}"
        )
    switched_on = merged(MINIMAL, capability.example_document())
    assert validate_document(switched_on) == [], f"{capability.code}: its example does not validate"
    baseline = without(switched_on, capability.config_keys)
    assert validate_document(baseline) == []
    if capability.code in NO_ENGINE_EFFECT:
        assert outcome(switched_on) == outcome(baseline), (
            f"{capability.code} changes the engine: take it off the list"
        )
    else:
        assert outcome(switched_on) != outcome(baseline), (
            f"{capability.code}: its example {capability.example} changes nothing the engine computes"
        )


def test_only_listed_capabilities_go_without_an_engine_effect() -> None:
    codes = {c.code for c in configuration_capabilities()}
    assert set(NO_ENGINE_EFFECT) <= codes, "the reasons name capabilities that exist"


# --- the ledger rules among them, on a real (SQLite) database --------------------------------

T0 = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)
LedgerScenario = Callable[[Session, ledger.RunContext], Any]


def in_ledger(tmp_path: Path, document: dict[str, Any], scenario: LedgerScenario) -> Any:
    """Run `scenario` against a fresh database whose only store runs `document`."""
    engine = make_engine(f"sqlite:///{tmp_path / f'core-{len(list(tmp_path.iterdir()))}.db'}")
    metadata.create_all(engine)
    session = make_session_factory(engine)()
    try:
        version = config_service.create_version(session, "v1", json.dumps(document), created_by="test")
        config_service.approve(session, version, approved_by="test")
        store, _ = store_service.add_store(session, "R001", "retail")
        store_service.assign_version(session, store, version, at=T0 - dt.timedelta(days=30))
        session.commit()
        return scenario(session, ledger.run_context(store))
    finally:
        session.close()
        engine.dispose()


def _grocery(amount: str) -> list[BasketLine]:
    return [BasketLine("SKU", "grocery", Decimal(1), Decimal(amount))]


def _expired_after_a_year_and_a_day(session: Session, ctx: ledger.RunContext) -> int:
    member = ledger.enroll(session, phone="+79160000001")
    ledger.commit_purchase(session, ctx, member, _grocery("1000.00"), 0, T0)  # 50 points
    session.commit()
    _, points = ledger.expire_points(session, T0 + dt.timedelta(days=366))
    return points


def _late_return(session: Session, ctx: ledger.RunContext) -> str:
    member = ledger.enroll(session, phone="+79160000002")
    purchase, _ = ledger.commit_purchase(session, ctx, member, _grocery("1000.00"), 0, T0)
    session.commit()
    try:
        ledger.commit_return(session, ctx.store, purchase.id, {1: Decimal(1)}, T0 + dt.timedelta(days=31))
    except BusinessRuleViolation as refused:
        return f"refused: {refused.detail}"
    return "returned"


def _return_after_spending(session: Session, ctx: ledger.RunContext) -> int:
    member = ledger.enroll(session, phone="+79160000003")
    purchase, _ = ledger.commit_purchase(session, ctx, member, _grocery("1000.00"), 0, T0)  # +50
    ledger.commit_purchase(session, ctx, member, _grocery("100.00"), 50, T0 + dt.timedelta(days=1))  # -50, +2
    ledger.commit_return(session, ctx.store, purchase.id, {1: Decimal(1)}, T0 + dt.timedelta(days=2))  # -50
    session.commit()
    return ledger.balance_of(session, member, T0 + dt.timedelta(days=2))


def _receipt_three_days_late(session: Session, ctx: ledger.RunContext) -> str:
    member = ledger.enroll(session, phone="+79160000004")
    try:
        late_ctx, at = ledger.receipt_context(session, ctx.store, T0 - dt.timedelta(days=3), T0)
    except BusinessRuleViolation as refused:
        return f"refused: {refused.detail}"
    ledger.commit_purchase(session, late_ctx, member, _grocery("1000.00"), 0, at, recorded_at=T0)
    return "accepted"


@pytest.mark.parametrize(
    ("code", "scenario", "on", "off"),
    [
        ("expiry.days", _expired_after_a_year_and_a_day, 50, 0),
        ("offline.receipts", _receipt_three_days_late, "accepted", "refused: occurred_at"),
        ("returns.window", _late_return, "refused", "returned"),
        # 50 earned, 50 spent, 2 earned on the 50.00 paid; the return reverses 50 of the 2 left:
        # the default (allow) owes 48, clamp writes the 48 off.
        ("returns.negative_balance", _return_after_spending, 0, -48),
    ],
)
def test_the_ledger_rules_change_what_the_ledger_does(
    tmp_path: Path, code: str, scenario: LedgerScenario, on: Any, off: Any
) -> None:
    capability = get_capability(code)
    switched_on = merged(MINIMAL, capability.example_document())
    with_it = in_ledger(tmp_path, switched_on, scenario)
    without_it = in_ledger(tmp_path, without(switched_on, capability.config_keys), scenario)
    assert (with_it.split(":")[0] if isinstance(with_it, str) else with_it) == on
    assert (without_it[: len(off)] if isinstance(without_it, str) else without_it) == off


# --- standard capabilities are bound to real code --------------------------------------------


def test_standard_capabilities_name_their_implementation() -> None:
    standard = [c for c in catalogue() if c.kind == STANDARD]
    codes = {c.code for c in standard}
    for expected in (
        "pos.enrol",
        "pos.lookup",
        "pos.quote",
        "pos.commit",
        "pos.return",
        "pos.history",
        "pos.openapi",
        "engine.redemption_first",
        "engine.no_earn_on_redeemed",
        "ledger.expiry_fifo",
        "ledger.tier_by_spend",
    ):
        assert expected in codes
    for capability in standard:
        assert capability.implemented_by, capability.code
        assert capability.config_keys == () and capability.example is None
    operations = {
        op["operationId"]
        for item in openapi_document()["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
    }
    named = " ".join(w for c in standard for w in c.implemented_by)
    for operation in operations:
        assert f"({operation})" in named, f"POS API operation {operation} has no capability"
    assert "POST /api/v1/members (enrollMember)" in get_capability("pos.enrol").implemented_by


def test_codes_are_unique_and_titles_are_given_in_both_languages() -> None:
    codes = [c.code for c in catalogue()]
    assert len(codes) == len(set(codes))
    for capability in catalogue():
        assert capability.kind in (STANDARD, CONFIGURATION)
        assert capability.title.strip() and capability.title_ru.strip(), capability.code
        assert capability.description.strip() and capability.keywords, capability.code
        assert any("а" <= ch <= "я" for ch in capability.title_ru.lower()), (
            f"{capability.code}: title_ru is Russian"
        )
    assert get_capability("earn.category_rates").title_ru == "Начисление по категориям товаров"
    # A configuration capability is implemented by the schema fields that name it.
    assert get_capability("condition.birthday").implemented_by == (
        "loyalty_core.config.schema.Conditions.birthday_window_days",
    )


def test_an_unknown_code_is_a_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="earn.nothing"):
        get_capability("earn.nothing")


def test_the_json_form_round_trips_through_json() -> None:
    records = to_json(catalogue())
    assert json.loads(json.dumps(records, ensure_ascii=False)) == records
    birthday = next(r for r in records if r["code"] == "condition.birthday")
    assert birthday["kind"] == "configuration"
    assert birthday["config_keys"] == ["promotions[].conditions.birthday_window_days"]
    assert birthday["example"]["promotions"][0]["conditions"] == {"birthday_window_days": 3}


def test_importing_the_catalogue_pulls_in_no_other_package() -> None:
    code = (
        "import sys, loyalty_core.capabilities as c; c.catalogue();"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('workbench', 'gap_analysis', 'process_models', "
        "'rollout')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
