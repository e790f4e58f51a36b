"""Configuration documents: every problem reported with its path, never a raw exception."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_core.config import ConfigProblem, ProgramConfig, load_document, parse_config, validate_document
from loyalty_core.config.validation import MAX_DOCUMENT_BYTES
from loyalty_core.errors import ConfigurationError

VALID: dict[str, Any] = {
    "program": "Validation tests",
    "currency": "RUB",
    "timezone": "Europe/Moscow",
    "rounding": "floor",
    "earn": {"base_rate": 5, "category_rates": {"dairy": 7}, "excluded_categories": ["tobacco"]},
    "tiers": [
        {"code": "base", "threshold": "0.00"},
        {"code": "gold", "threshold": "20000.00", "multiplier": 1.5},
    ],
    "redemption": {"point_value": "1.00", "max_share": 50, "min_points": 10},
    "expiry_days": 365,
    "returns": {"window_days": 30, "negative_balance": "clamp"},
    "promotions": [
        {
            "code": "DAIRY2X",
            "kind": "multiplier",
            "multiplier": 2,
            "priority": 10,
            "conditions": {"categories": ["dairy"]},
        },
        {"code": "GOLD", "kind": "multiplier", "multiplier": 1.5, "conditions": {"tiers": ["gold"]}},
        {"code": "BIG", "kind": "extra_points", "points": 50, "conditions": {"min_check": "1000.00"}},
        {"code": "MILK", "kind": "category_rate", "rate": 12, "conditions": {"categories": ["dairy"]}},
    ],
}


def document(**changes: Any) -> dict[str, Any]:
    """The valid document with top-level keys replaced (None removes a key)."""
    doc = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def with_promotion(index: int, **fields: Any) -> dict[str, Any]:
    """The valid document with fields of one promotion replaced (None removes a field)."""
    doc = copy.deepcopy(VALID)
    for key, value in fields.items():
        if value is None:
            doc["promotions"][index].pop(key, None)
        else:
            doc["promotions"][index][key] = value
    return doc


def problems(doc: Any) -> list[str]:
    return [str(p) for p in validate_document(doc)]


def test_a_valid_document_has_no_problems() -> None:
    assert validate_document(VALID) == []
    config = parse_config(VALID)
    assert isinstance(config, ProgramConfig)
    assert [p.code for p in config.promotions] == ["DAIRY2X", "GOLD", "BIG", "MILK"]


def test_a_minimal_document_takes_the_defaults() -> None:
    config = parse_config({"program": "Minimal", "earn": {"base_rate": "5"}})
    assert (config.currency, config.timezone, config.rounding.value) == ("RUB", "Europe/Moscow", "floor")
    assert (config.redemption.point_value, config.redemption.max_share, config.redemption.min_points) == (
        Decimal("1.00"),
        Decimal(100),
        0,
    )
    assert config.tiers == [] and config.promotions == []


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        pytest.param(document(bogus=1), "bogus: unknown key", id="unknown top-level key"),
        pytest.param(
            document(earn={"base_rate": 5, "bonus_rate": 3}),
            "earn.bonus_rate: unknown key",
            id="unknown nested key",
        ),
        pytest.param(document(program=None), "program: is required", id="missing program"),
        pytest.param(document(earn=None), "earn: is required", id="missing earn"),
        pytest.param(document(earn={}), "earn.base_rate: is required", id="missing base rate"),
        pytest.param(document(program=""), "program: must not be empty", id="empty program name"),
        pytest.param(document(earn=[1]), "earn: must be a mapping", id="earn not a mapping"),
        pytest.param(document(promotions={"a": 1}), "promotions: must be a list", id="promotions not a list"),
        pytest.param(
            document(earn={"base_rate": "five"}), "earn.base_rate: must be a number", id="rate not a number"
        ),
        pytest.param(document(earn={"base_rate": -1}), "earn.base_rate: must be >= 0", id="negative rate"),
        pytest.param(
            document(earn={"base_rate": 1001}), "earn.base_rate: must be <= 1000", id="rate above 1000%"
        ),
        pytest.param(
            document(earn={"base_rate": 5, "category_rates": {"dairy": 7}, "excluded_categories": ["dairy"]}),
            "earn.category_rates: dairy also listed in excluded_categories",
            id="a category both rated and excluded",
        ),
        pytest.param(
            document(rounding="down"),
            "rounding: must be one of: floor, ceil, half_up or half_even",
            id="unknown rounding mode",
        ),
        pytest.param(
            document(timezone="Mars/Olympus"),
            "timezone: unknown time zone 'Mars/Olympus' (use an IANA name like Europe/Moscow)",
            id="bad timezone",
        ),
        pytest.param(
            document(timezone="../../etc/passwd"),
            "timezone: unknown time zone '../../etc/passwd' (use an IANA name like Europe/Moscow)",
            id="timezone that is a path",
        ),
        pytest.param(
            document(timezone="America"),
            "timezone: unknown time zone 'America' (use an IANA name like Europe/Moscow)",
            id="timezone that is a folder of zones",
        ),
        pytest.param(document(expiry_days=0), "expiry_days: must be >= 1", id="expiry of 0 days"),
        pytest.param(
            document(currency="rub"),
            "currency: must be a three-letter ISO 4217 code in capitals, like RUB (got 'rub')",
            id="currency in lower case",
        ),
        pytest.param(
            document(currency="RUBL"),
            "currency: must be a three-letter ISO 4217 code in capitals, like RUB (got 'RUBL')",
            id="currency of four letters",
        ),
        pytest.param(document(currency=643), "currency: must be a string", id="currency as a number"),
        pytest.param(
            document(redemption={"point_value": 0}),
            "redemption.point_value: must be > 0",
            id="point worth nothing",
        ),
        pytest.param(
            document(redemption={"max_share": 101}),
            "redemption.max_share: must be <= 100",
            id="share above 100%",
        ),
        pytest.param(
            document(returns={"negative_balance": "forgive"}),
            "returns.negative_balance: must be one of: allow or clamp",
            id="unknown negative balance policy",
        ),
        pytest.param(
            document(tiers=[{"code": "base", "threshold": "1.234"}]),
            "tiers[0].threshold: at most 2 decimal places",
            id="threshold with fractions of a cent",
        ),
        pytest.param(
            document(
                tiers=[
                    {"code": "base", "threshold": "0.00"},
                    {"code": "gold", "threshold": "10000.00"},
                    {"code": "gold", "threshold": "20000.00"},
                ]
            ),
            "tiers[2].code: duplicate tier 'gold'",
            id="duplicate tier code",
        ),
        pytest.param(
            document(
                tiers=[{"code": "gold", "threshold": "20000.00"}, {"code": "base", "threshold": "0.00"}]
            ),
            "tiers: thresholds must strictly increase from the first tier to the last",
            id="thresholds decreasing",
        ),
        pytest.param(
            document(tiers=[{"code": "base", "threshold": "0.00"}, {"code": "gold", "threshold": "0.00"}]),
            "tiers: thresholds must strictly increase from the first tier to the last",
            id="thresholds equal",
        ),
        pytest.param(
            with_promotion(1, priority="high"),
            "promotions[1].priority: must be an integer",
            id="priority not an integer",
        ),
        pytest.param(
            with_promotion(1, priority=1.5),
            "promotions[1].priority: must be an integer",
            id="fractional priority",
        ),
        pytest.param(
            with_promotion(2, points=None),
            "promotions[2].points: is required when kind is 'extra_points'",
            id="extra points without points",
        ),
        pytest.param(
            with_promotion(0, multiplier=None),
            "promotions[0].multiplier: is required when kind is 'multiplier'",
            id="multiplier without multiplier",
        ),
        pytest.param(
            with_promotion(3, rate=None),
            "promotions[3].rate: is required when kind is 'category_rate'",
            id="category rate without rate",
        ),
        pytest.param(
            with_promotion(2, multiplier=2),
            "promotions[2].multiplier: does not apply to kind 'extra_points'",
            id="a value of another kind",
        ),
        pytest.param(
            with_promotion(3, conditions={}),
            "promotions[3].conditions.categories: a category_rate promotion names its categories",
            id="category rate without categories",
        ),
        pytest.param(
            with_promotion(0, kind="bonus"),
            "promotions[0].kind: must be one of: multiplier, extra_points or category_rate",
            id="unknown kind",
        ),
        pytest.param(
            with_promotion(0, code="a b"),
            "promotions[0].code: has characters that are not allowed (letters, digits, _ . - only)",
            id="code with a space",
        ),
        pytest.param(
            with_promotion(0, code="A" * 65),
            "promotions[0].code: must be at most 64 characters",
            id="long code",
        ),
        pytest.param(
            with_promotion(0, multiplier=0), "promotions[0].multiplier: must be > 0", id="zero multiplier"
        ),
        pytest.param(
            with_promotion(0, exclusive="maybe"),
            "promotions[0].exclusive: must be true or false",
            id="exclusive not a bool",
        ),
        pytest.param(
            with_promotion(2, code="DAIRY2X"),
            "promotions[2].code: duplicate promotion 'DAIRY2X'",
            id="duplicate promotion code",
        ),
        pytest.param(
            with_promotion(1, conditions={"tiers": ["platinum"]}),
            "promotions[1].conditions.tiers: unknown tier 'platinum'",
            id="unknown tier reference",
        ),
        pytest.param(
            with_promotion(0, conditions={"date_from": "2026-03-10", "date_to": "2026-03-01"}),
            "promotions[0].conditions.date_to: must not be before date_from",
            id="date range backwards",
        ),
        pytest.param(
            with_promotion(0, conditions={"date_from": "tomorrow"}),
            "promotions[0].conditions.date_from: must be a date (YYYY-MM-DD)",
            id="date not a date",
        ),
        pytest.param(
            with_promotion(0, conditions={"weekdays": ["monday"]}),
            "promotions[0].conditions.weekdays[0]: must be one of: mon, tue, wed, thu, fri, sat or sun",
            id="unknown weekday",
        ),
        pytest.param(
            with_promotion(0, conditions={"directions": ["online"]}),
            "promotions[0].conditions.directions[0]: must be one of: retail or wholesale",
            id="unknown direction",
        ),
        pytest.param(
            with_promotion(0, conditions={"birthday_window_days": 200}),
            "promotions[0].conditions.birthday_window_days: must be <= 183",
            id="birthday window too wide",
        ),
        pytest.param(
            with_promotion(0, conditions={"min_check": "-1.00"}),
            "promotions[0].conditions.min_check: must be >= 0",
            id="negative minimum check",
        ),
        pytest.param(
            with_promotion(0, conditions={"shops": ["R001"]}),
            "promotions[0].conditions.shops: unknown key",
            id="unknown condition",
        ),
    ],
)
def test_a_problem_is_reported_with_its_path(doc: dict[str, Any], expected: str) -> None:
    assert problems(doc) == [expected]


def test_every_problem_of_a_document_is_reported() -> None:
    doc = document(bogus=True)
    doc["promotions"][1]["priority"] = "high"
    del doc["promotions"][2]["points"]
    doc["redemption"]["point_value"] = "0.001"
    assert sorted(problems(doc)) == sorted(
        [
            "bogus: unknown key",
            "promotions[1].priority: must be an integer",
            "promotions[2].points: is required when kind is 'extra_points'",
            "redemption.point_value: at most 2 decimal places",
        ]
    )


def test_every_cross_reference_problem_is_reported_at_once() -> None:
    doc = document(
        tiers=[
            {"code": "gold", "threshold": "20000.00"},
            {"code": "gold", "threshold": "0.00"},
        ]
    )
    doc["promotions"][1]["conditions"] = {"tiers": ["platinum"]}
    doc["promotions"][3]["code"] = "DAIRY2X"
    assert sorted(problems(doc)) == sorted(
        [
            "tiers[1].code: duplicate tier 'gold'",
            "tiers: thresholds must strictly increase from the first tier to the last",
            "promotions[1].conditions.tiers: unknown tier 'platinum'",
            "promotions[3].code: duplicate promotion 'DAIRY2X'",
        ]
    )


def test_a_problem_has_a_path_and_a_message() -> None:
    (problem,) = validate_document(with_promotion(1, priority="high"))
    assert problem == ConfigProblem("promotions[1].priority", "must be an integer")


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(None, id="empty document"),
        pytest.param([VALID], id="a list"),
        pytest.param("program: x", id="a string"),
        pytest.param(42, id="a number"),
    ],
)
def test_a_document_that_is_not_a_mapping(doc: Any) -> None:
    assert problems(doc) == ["the configuration must be a mapping of keys (program, earn, ...)"]
    (problem,) = validate_document(doc)
    assert problem.path == ""


def test_parse_config_raises_with_every_problem() -> None:
    doc = document(bogus=1, expiry_days=0)
    with pytest.raises(ConfigurationError) as refused:
        parse_config(doc)
    assert refused.value.detail == "the configuration has 2 problem(s)"
    assert sorted(refused.value.problems) == ["bogus: unknown key", "expiry_days: must be >= 1"]
    assert sorted(refused.value.to_problem()["problems"]) == [
        "bogus: unknown key",
        "expiry_days: must be >= 1",
    ]


# --- Reading the text ------------------------------------------------------------------------------------


def test_yaml_and_json_texts_read_alike() -> None:
    yaml_text = (
        "program: P\nearn:\n  base_rate: 5\npromotions:\n  - {code: A, kind: extra_points, points: 5}\n"
    )
    json_text = (
        '{"program": "P", "earn": {"base_rate": 5},'
        ' "promotions": [{"code": "A", "kind": "extra_points", "points": 5}]}'
    )
    assert load_document(yaml_text) == load_document(json_text)
    assert validate_document(load_document(yaml_text)) == []


def test_yaml_dates_validate() -> None:
    text = (
        "program: P\nearn: {base_rate: 5}\npromotions:\n"
        "  - code: A\n    kind: extra_points\n    points: 5\n    conditions: {date_from: 2026-03-01}\n"
    )
    doc = load_document(text)
    assert doc["promotions"][0]["conditions"]["date_from"] == dt.date(2026, 3, 1)
    assert validate_document(doc) == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # The flow mapping is still open when "expiry_days:" comes on line 5.
        pytest.param(
            "program: P\nearn:\n  base_rate: 5\n  category_rates: {dairy: 7\nexpiry_days: 30\n",
            "line 5, column 12",
            id="unclosed flow mapping",
        ),
        pytest.param(
            "program: P\nearn:\n  base_rate: 5\n   extra: 1\nexpiry_days: 30\n",
            "line 4, column 9",
            id="bad indent",
        ),
        pytest.param("program: P\nearn: base_rate: 5\n", "line 2, column 16", id="mapping value in a scalar"),
        pytest.param("program: P\n\tearn: {}\n", "line 2, column 1", id="a tab indent"),
        pytest.param("program: 'P\nearn: {}\n", "line 3, column 1", id="unterminated quote"),
        pytest.param(
            '{"program": "P",\n "earn": {"base_rate": 5},,\n "x": 1}',
            "line 2, column 27",
            id="JSON double comma",
        ),
    ],
)
def test_a_syntax_error_names_the_line(text: str, where: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        load_document(text, source="shop.yaml")
    assert refused.value.detail.startswith("shop.yaml: not valid YAML/JSON at ")
    assert f" at {where}" in refused.value.detail


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(ConfigurationError, match=r"v1: not UTF-8 text \(invalid start byte at byte 0\)"):
        load_document(b"\xff\xfeprogram: P", source="v1")


@pytest.mark.parametrize("as_bytes", [pytest.param(False, id="text"), pytest.param(True, id="bytes")])
def test_an_oversized_document_is_refused(as_bytes: bool) -> None:
    text = "#" * (MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(ConfigurationError, match="larger than"):
        load_document(text.encode() if as_bytes else text)


def test_a_deeply_nested_document_is_refused_not_crashed() -> None:
    text = "[" * 20_000 + "]" * 20_000
    with pytest.raises(ConfigurationError) as refused:
        load_document(text)
    assert "nested" in refused.value.detail


def test_yaml_tags_do_not_build_objects() -> None:
    with pytest.raises(ConfigurationError, match="not valid YAML/JSON"):
        load_document("!!python/object/apply:os.system ['true']")


# --- Never a raw exception --------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.dates(),
    st.sampled_from(
        [
            "5",
            "1.00",
            "0.001",
            "-1",
            "2026-03-01",
            "floor",
            "multiplier",
            "extra_points",
            "category_rate",
            "mon",
            "retail",
            "gold",
            "Europe/Moscow",
            "Mars/Olympus",
            "NaN",
            "1e999",
        ]
    ),
)
KNOWN_KEYS = [
    "program",
    "currency",
    "timezone",
    "rounding",
    "earn",
    "tiers",
    "redemption",
    "expiry_days",
    "returns",
    "promotions",
    "base_rate",
    "category_rates",
    "excluded_categories",
    "code",
    "name",
    "threshold",
    "multiplier",
    "point_value",
    "max_share",
    "min_points",
    "window_days",
    "negative_balance",
    "kind",
    "priority",
    "exclusive",
    "points",
    "rate",
    "conditions",
    "date_from",
    "date_to",
    "weekdays",
    "stores",
    "directions",
    "categories",
    "min_check",
    "tiers",
    "birthday_window_days",
]
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=8), st.integers(), st.none())
anything = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=6)),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(doc=anything)
def test_validate_document_never_raises_on_anything(doc: Any) -> None:
    found = validate_document(doc)
    assert isinstance(found, list)
    assert all(isinstance(p, ConfigProblem) and isinstance(p.path, str) and str(p) for p in found)


promotion_like = st.dictionaries(
    st.sampled_from(
        ["code", "kind", "priority", "exclusive", "multiplier", "points", "rate", "conditions", "name"]
    ),
    anything,
    max_size=6,
)


@st.composite
def almost_valid(draw: st.DrawFn) -> dict[str, Any]:
    """The valid document with a few values swapped for random ones (deeper validators get reached)."""
    doc = copy.deepcopy(VALID)
    places = draw(
        st.lists(
            st.sampled_from(["earn", "redemption", "tier", "promotion", "conditions", "top"]),
            min_size=1,
            max_size=3,
        )
    )
    # Nested values first: a top-level replacement may take away the mapping they live in.
    for where in sorted(places, key=lambda place: place == "top"):
        value = draw(anything)
        if where == "top":
            doc[draw(st.sampled_from(list(VALID)))] = value
        elif where in ("earn", "redemption"):
            doc[where][draw(st.sampled_from(sorted(VALID[where])))] = value
        elif where == "tier":
            doc["tiers"][draw(st.integers(0, 1))][
                draw(st.sampled_from(["code", "threshold", "multiplier"]))
            ] = value
        elif where == "promotion":
            doc["promotions"].append(draw(promotion_like))
        else:
            key = draw(
                st.sampled_from(
                    [
                        "date_from",
                        "date_to",
                        "weekdays",
                        "stores",
                        "directions",
                        "categories",
                        "min_check",
                        "tiers",
                        "birthday_window_days",
                    ]
                )
            )
            doc["promotions"][draw(st.integers(0, 3))]["conditions"][key] = value
    return doc


@settings(max_examples=300, deadline=None)
@given(doc=almost_valid())
def test_validate_document_never_raises_on_an_almost_valid_document(doc: dict[str, Any]) -> None:
    found = validate_document(doc)
    assert isinstance(found, list)
    assert all(isinstance(p, ConfigProblem) for p in found)
    if not found:
        assert isinstance(parse_config(doc), ProgramConfig)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_load_document_raises_only_configuration_errors(text: str) -> None:
    try:
        doc = load_document(text)
    except ConfigurationError:
        return
    assert isinstance(validate_document(doc), list)


def test_yaml_aliases_are_refused_so_a_billion_laughs_cannot_expand() -> None:
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    with pytest.raises(ConfigurationError, match="anchors and aliases"):
        load_document(laughs)
