"""The vocabularies read what people write the same way everywhere: a page filter, a form and the
spreadsheet import all go through `parse` (and `of`), so each accepts what the others accept."""

from __future__ import annotations

import pytest

from gap_analysis.enums import Classification, ClassificationStatus, ModificationStatus, Priority
from gap_analysis.errors import GapAnalysisError


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("must", Priority.must),
        ("  Must ", Priority.must),
        ("Won't", Priority.wont),
        ("Won’t", Priority.wont),  # the apostrophe Word and Excel autocorrect to
        ("WONT", Priority.wont),
        ("Обязательно", Priority.must),
        ("желательно", Priority.should),
        ("Возможно", Priority.could),
        ("Не  будет", Priority.wont),
        ("НЕ БУДЕТ", Priority.wont),
    ],
)
def test_a_priority_is_read_by_value_label_or_its_russian_word(written: str, expected: Priority) -> None:
    assert Priority.parse(written) is expected
    assert Priority.of(written, field="priority") is expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("fit_standard", Classification.fit_standard),
        ("Fit — standard", Classification.fit_standard),
        ("Fit - standard", Classification.fit_standard),  # a hyphen for the label's dash
        ("fit – STANDARD", Classification.fit_standard),  # an en dash
        ("Gap ‑ integration", Classification.gap_integration),  # a non-breaking hyphen
        ("Workaround (process change)", Classification.workaround),
        ("out of scope", Classification.out_of_scope),
    ],
)
def test_a_classification_is_read_with_any_dash(written: str, expected: Classification) -> None:
    assert Classification.parse(written) is expected


def test_statuses_read_labels_with_spaces() -> None:
    assert ModificationStatus.parse("In progress") is ModificationStatus.in_progress
    assert ModificationStatus.parse("in_progress") is ModificationStatus.in_progress
    assert ClassificationStatus.parse("Agreed") is ClassificationStatus.agreed


def test_aliases_belong_to_their_own_vocabulary() -> None:
    with pytest.raises(ValueError, match=r"^'Обязательно' is not one of open, proposed, agreed, disputed$"):
        ClassificationStatus.parse("Обязательно")


@pytest.mark.parametrize("written", ["urgent", "", "Fit standard", "must have", "Won t"])
def test_anything_else_is_refused_naming_the_choices(written: str) -> None:
    with pytest.raises(ValueError) as refused:
        Priority.parse(written) if not written.startswith("Fit") else Classification.parse(written)
    assert str(refused.value).startswith(f"{written.strip()!r} is not one of ")
    with pytest.raises(
        GapAnalysisError, match=r"^priority: 'urgent' is not one of must, should, could, wont$"
    ):
        Priority.of("urgent", field="priority")
