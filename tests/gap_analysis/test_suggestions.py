"""Suggesting the core's capabilities for a requirement text, as consultants write them."""

from __future__ import annotations

import pytest

from gap_analysis.suggestions import CapabilitySuggestion, stem, suggest_capabilities, words
from loyalty_core.capabilities import Capability, catalogue, get_capability


def codes(suggestions: list[CapabilitySuggestion]) -> list[str]:
    return [s.capability.code for s in suggestions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Начислять повышенные баллы на свежие продукты", "earn.category_rates"),
        ("Оплата баллами не более 50% чека", "redemption.max_share"),
        ("Баллы сгорают через год", "expiry.days"),
        ("Double points on the member's birthday", "condition.birthday"),
        ("Регистрация участника на кассе по номеру телефона", "pos.enrol"),
        ("Не начислять баллы на табак и алкоголь", "earn.excluded_categories"),
        ("Акция только в пилотных магазинах", "condition.stores"),
        ("Возврат товара: баллы сторнируются пропорционально", "pos.return"),
        ("Найти покупателя по номеру карты", "pos.lookup"),
        ("Points expire after 12 months", "expiry.days"),
        ("Extra 200 points for a basket over 5000", "promotion.extra_points"),
    ],
)
def test_a_requirement_text_suggests_its_capability_first(text: str, expected: str) -> None:
    found = suggest_capabilities(text)
    assert found, f"nothing suggested for {text!r}"
    assert found[0].capability.code == expected, [(s.capability.code, s.score) for s in found]
    assert 0 < found[0].score <= 1
    assert found == sorted(found, key=lambda s: -s.score)


def test_matched_words_are_the_texts_own_words() -> None:
    best = suggest_capabilities("Регистрация участника на кассе по номеру телефона")[0]
    assert best.matched == ("регистрация", "участника", "кассе", "номеру", "телефона")
    birthday = suggest_capabilities("Double points on the member's birthday")
    assert "birthday" in birthday[0].matched
    # The effect is suggested too: the requirement needs a multiplier with a birthday condition.
    assert "promotion.multiplier" in codes(birthday)


def test_what_the_core_does_not_do_suggests_nothing_or_only_weak_matches() -> None:
    assert suggest_capabilities("SMS-рассылка") == []
    assert suggest_capabilities("Коалиционная программа с партнёрами") == []
    assert suggest_capabilities("Интеграция с ERP 1С для выгрузки отчётов") == []
    weak = suggest_capabilities("SMS-рассылка участникам о начисленных баллах")
    assert all(s.score < 0.4 for s in weak), [(s.capability.code, s.score) for s in weak]


def test_limit_threshold_and_an_empty_text() -> None:
    text = "Оплата баллами не более 50% чека"
    assert len(suggest_capabilities(text, limit=2)) == 2
    assert suggest_capabilities(text, limit=0) == []
    everything = suggest_capabilities(text, limit=100, threshold=0.0)
    assert all(s.score > 0 for s in everything) and len(everything) > 5
    assert suggest_capabilities("") == [] and suggest_capabilities("и на по, the of!") == []


def test_a_given_list_of_capabilities_is_searched_instead_of_the_catalogue() -> None:
    own = Capability(
        code="x.sms",
        kind="standard",
        title="SMS mailing",
        title_ru="SMS-рассылка",
        description="Sends text messages to members.",
        config_keys=(),
        keywords=("sms", "рассылка"),
    )
    found = suggest_capabilities("SMS-рассылка", capabilities=[own, get_capability("pos.enrol")])
    assert codes(found) == ["x.sms"] and found[0].matched == ("sms", "рассылка")
    assert get_capability("pos.enrol") in catalogue()


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("баллами", "балл"),
        ("баллы", "балл"),
        ("начислять", "начисл"),
        ("повышенные", "повышенн"),
        ("регистрация", "регистраци"),
        ("чека", "чека"),
        ("сгорают", "сгора"),
        ("points", "point"),
        ("categories", "category"),
        ("expired", "expir"),
        ("matching", "match"),
        ("class", "class"),
    ],
)
def test_the_light_stemmer(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_words_lower_case_ё_percent_and_stop_words() -> None:
    assert words("Зелёные 50% Баллов — для ВСЕХ!") == ["зеленые", "процент", "баллов", "всех"]
