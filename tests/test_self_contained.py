"""A fresh clone runs the whole suite with nothing beside it: no test reads a folder outside the
repository (the BPMN corpus once lived in ../shared and 44 tests skipped without it)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.bpmn_corpus import BPMN_CORPUS

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = re.compile(r"\.\./shared|\"shared\"|/work/|parents\[(?:[4-9])\]")


def test_no_test_reaches_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.name != "test_self_contained.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_bpmn_corpus_is_in_the_repository_with_its_sources() -> None:
    assert BPMN_CORPUS.is_relative_to(ROOT)
    files = sorted(path.name for path in BPMN_CORPUS.glob("*.bpmn"))
    assert len(files) == 21
    sources = (BPMN_CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    rows = [line for line in sources.splitlines() if line.startswith("| ") and line[2:4].isdigit()]
    listed = {row.split("|")[1].strip(): row for row in rows}
    assert sorted(listed) == files
    for row in listed.values():
        assert "https://github.com/" in row and row.split("|")[4].strip(), row  # a source and a licence
