"""The catalogues are complete: every string the workbench marks for translation has a Russian
translation that is not fuzzy, and no template shows English outside `_()` / `{% trans %}`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from gap_analysis.enums import Classification, ClassificationStatus, ModificationStatus, Priority, SourceKind
from gap_analysis.matrix import NO_AREA_LABEL, UNCLASSIFIED_LABEL
from gap_analysis.traceability import Hop
from process_models.enums import NodeKind
from workbench.i18n.labels import DOMAIN_LABELS
from workbench.i18n.literals import literals

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "workbench" / "translations"
TEMPLATES = ROOT / "workbench" / "templates"
# Beside Babel's defaults (_, gettext, ngettext, N_, ...): the forms' lazy labels. As in the Makefile.
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext"]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages of the code and templates as they are now (what `make translations` extracts)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    done = subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            *KEYWORDS,
            "--no-location",
            "-o",
            str(pot),
            "workbench",
            "gap_analysis",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    with pot.open("rb") as handle:
        return read_po(handle)


def _catalogue(language: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_every_message_has_a_russian_translation_that_is_not_fuzzy(extracted: Catalog) -> None:
    russian = _catalogue("ru")
    missing, fuzzy, empty = [], [], []
    for message in extracted:
        if not message.id:
            continue
        translated = russian.get(message.id)
        if translated is None:
            missing.append(message.id)
        elif translated.fuzzy:
            fuzzy.append(message.id)
        elif not all(translated.string) if isinstance(translated.string, tuple) else not translated.string:
            empty.append(message.id)
    assert not missing, f"not in ru/messages.po (run `make translations`): {missing}"
    assert not fuzzy, f"fuzzy in ru/messages.po (check and clear the flag): {fuzzy}"
    assert not empty, f"no Russian translation in ru/messages.po: {empty}"


def test_russian_translations_keep_their_placeholders() -> None:
    # Babel's checkers: the same %(name)s placeholders as the msgid, and the plural forms of ru.
    problems = [(message.id, [str(e) for e in errors]) for message, errors in _catalogue("ru").check()]
    assert not problems


def test_the_russian_catalogue_has_three_plural_forms() -> None:
    assert _catalogue("ru").num_plurals == 3  # 1 балл, 2 балла, 5 баллов


def test_every_label_of_the_domain_vocabularies_is_a_message() -> None:
    enums = (Priority, SourceKind, Classification, ClassificationStatus, ModificationStatus, Hop, NodeKind)
    labels = {m.label for enum in enums for m in enum} | {UNCLASSIFIED_LABEL, NO_AREA_LABEL}
    assert labels <= DOMAIN_LABELS, f"add to workbench/i18n/labels.py: {sorted(labels - DOMAIN_LABELS)}"


def test_no_template_shows_english_outside_the_translation_calls() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{literal.line}: {literal.text!r}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for literal in literals(path.read_text(encoding="utf-8"))
    ]
    assert not found, (
        "wrap these in {{ _('...') }} (or allow a proper name in workbench/i18n/literals.py):\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("template", "english"),
    [
        ("<h1>Projects</h1>", ["Projects"]),
        ("<p>{{ n }} stores · {{ m }} members</p>", ["stores ·", "members"]),
        ('<button title="Delete the step">×</button>', ["Delete the step"]),
        ("{% block title %}Sign in{% endblock %}", ["Sign in"]),
        ('<h1>{{ _("Projects") }}</h1>', []),
        ("{% trans count=n %}{{ count }} store{% pluralize %}{{ count }} stores{% endtrans %}", []),
        ("<code>earn.base_rate</code> <p>BPMN · DOCX · AS-IS</p>", []),
        ("<p>Клиент: {{ client }}</p>", []),
    ],
)
def test_the_literal_check_finds_english_text_and_attributes(template: str, english: list[str]) -> None:
    assert [literal.text for literal in literals(template)] == english
