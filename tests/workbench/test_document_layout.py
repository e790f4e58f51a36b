"""Every DOCX of the workbench at client grade, as LibreOffice prints it (issue 15, section 2).

The demo's documents are built in Russian (the client's language), converted to PDF with
LibreOffice in one run, and read back with poppler's `pdftotext -bbox-layout` (words with their
positions). Per document: the title page carries the client, project, version, date and status;
the contents list gives every heading a page number, and on that page the heading is followed by
content; no word of a table header is split across lines; every page but the title page has its
number in the footer. A second conversion gives the same page count.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document
from flask import Flask

from tests.workbench.conftest import make_app
from tests.workbench.document_support import demo_documents, load_demo
from workbench.extensions import db
from workbench.projects.service import create_project

pytestmark = [
    pytest.mark.skipif(
        shutil.which("soffice") is None,
        reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui "
        "(make install-test installs it)",
    ),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None,
        reason="poppler's pdftotext is not installed: apt-get install poppler-utils "
        "(make install-test installs it)",
    ),
]

XHTML = "{http://www.w3.org/1999/xhtml}"
FOOTER = re.compile(r"^Страница (\d+) из (\d+)$")
CONTENTS_LINE = re.compile(r"^(?P<text>.*?)\s*\.{3,}\s*(?P<page>\d+)$")
# Words the layout itself writes in English: none may be left in a Russian document.
ENGLISH_LAYOUT_WORDS = ("Contents", "Page ", "Client", "Version", "Status", "Draft", "description")


@dataclass(frozen=True)
class Line:
    text: str
    top: float
    bottom: float
    block: int


@dataclass(frozen=True)
class Printed:
    pages: list[list[Line]]

    def text(self, page: int) -> str:
        return "\n".join(line.text for line in self.pages[page - 1])


def _convert(sources: list[Path], folder: Path) -> None:
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _read(pdf: Path) -> Printed:
    """Lines per page, each with its words joined, its vertical extent and its block."""
    result = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, timeout=120, check=True
    )
    root = ET.fromstring(result.stdout)
    pages = []
    for page in root.iter(f"{XHTML}page"):
        lines = []
        for number, block in enumerate(page.iter(f"{XHTML}block")):
            for line in block.iter(f"{XHTML}line"):
                words = [w.text or "" for w in line.iter(f"{XHTML}word")]
                lines.append(
                    Line(" ".join(words), float(line.get("yMin", 0)), float(line.get("yMax", 0)), number)
                )
        pages.append(lines)
    return Printed(pages)


def _picture_pages(pdf: Path) -> set[int]:
    """The pages that show an image (poppler's `pdfimages -list`: page number first)."""
    result = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True)
    return {int(line.split()[0]) for line in result.stdout.splitlines()[2:] if line.strip()}


@dataclass(frozen=True)
class Built:
    docx: dict[str, bytes]
    printed: dict[str, Printed]
    picture_pages: dict[str, set[int]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = tmp_path_factory.mktemp("documents")
    app: Flask = make_app(folder)
    load_demo(app)
    documents = demo_documents(app, "ru")
    sources = []
    for name, data in documents.items():
        source = folder / f"{name}.docx"
        source.write_bytes(data)
        sources.append(source)
    _convert(sources, folder)
    yield Built(
        documents,
        {name: _read(folder / f"{name}.pdf") for name in documents},
        {name: _picture_pages(folder / f"{name}.pdf") for name in documents},
    )


NAMES = ["as-is", "to-be", "gap-map", "signoff-sheet", "signoff-package", "go-no-go", "kpi"]


def _headings(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    return [
        " ".join(p.text.split())
        for p in document.paragraphs
        if p.style is not None and p.style.name in ("Heading 1", "Heading 2")
    ]


def _header_words(data: bytes) -> set[str]:
    document = Document(io.BytesIO(data))
    return {word for table in document.tables for cell in table.rows[0].cells for word in cell.text.split()}


def test_every_document_kind_is_checked(built: Built) -> None:
    assert sorted(built.docx) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_title_page_names_client_project_version_date_and_status(built: Built, name: str) -> None:
    title = built.printed[name].text(1)
    facts = {
        p.text.split("\t")[0]: p.text.partition("\t")[2]
        for p in Document(io.BytesIO(built.docx[name])).paragraphs
        if "\t" in p.text
    }
    for label in ("Клиент:", "Проект:", "Версия:", "Дата:", "Статус:"):
        assert facts.get(label, "").strip() not in ("", "—"), (name, label, facts)
        assert label in title and facts[label].split()[0] in title, (name, label)
    assert re.search(r"\d{1,2} [а-я]+ \d{4}", title), title  # the date in Russian, "4 декабря 2026"
    assert not FOOTER.search(title)  # no number on the title page


@pytest.mark.parametrize("name", NAMES)
def test_pages_are_numbered_in_the_footer(built: Built, name: str) -> None:
    printed = built.printed[name]
    total = len(printed.pages)
    for number in range(2, total + 1):
        footers = [FOOTER.match(line.text) for line in printed.pages[number - 1]]
        assert (str(number), str(total)) in [m.groups() for m in footers if m], (name, number)


def _contents(printed: Printed) -> dict[str, int]:
    """Heading text -> page, read from the contents pages (those before the body)."""
    entries: dict[str, int] = {}
    for page in printed.pages[1:4]:
        for line in page:
            match = CONTENTS_LINE.match(line.text)
            if match:
                entries.setdefault(match["text"].strip(" ."), int(match["page"]))
    return entries


@pytest.mark.parametrize("name", NAMES)
def test_the_contents_give_each_heading_its_page_and_the_heading_is_followed_by_content(
    built: Built, name: str
) -> None:
    printed = built.printed[name]
    contents = _contents(printed)
    headings = _headings(built.docx[name])
    assert headings and "Содержание" in printed.text(2)
    for heading in headings:
        page = next((p for text, p in contents.items() if text.startswith(heading[:40].rstrip(" ."))), None)
        assert page is not None, f"{name}: {heading!r} has no page number in the contents {contents}"
        lines = printed.pages[page - 1]
        found = [line for line in lines if line.text.startswith(heading[:25])]
        assert found, f"{name}: {heading!r} is not on page {page}"
        below = [line for line in lines if line.top > found[0].bottom and not FOOTER.match(line.text)]
        # A diagram or chart has no text: a heading last on its page passes when a picture is there.
        assert below or page in built.picture_pages[name], f"{name}: {heading!r} ends page {page} alone"


@pytest.mark.parametrize("name", NAMES)
def test_no_table_header_word_is_split_across_lines(built: Built, name: str) -> None:
    words = _header_words(built.docx[name])
    split = []
    for page in built.printed[name].pages:
        for first, second in zip(page, page[1:], strict=False):
            if first.block != second.block or not first.text or not second.text:
                continue
            joined = first.text.split()[-1].rstrip("-") + second.text.split()[0]
            if joined in words:
                split.append(joined)
    assert split == [], f"{name}: header words broken across lines: {split}"


def test_a_russian_document_has_no_english_layout_words(built: Built) -> None:
    for name, printed in built.printed.items():
        text = "\n".join(printed.text(n) for n in range(1, len(printed.pages) + 1))
        for word in ENGLISH_LAYOUT_WORDS:
            assert word not in text, (name, word)


def test_the_page_count_is_stable_between_two_conversions(built: Built, tmp_path: Path) -> None:
    source = tmp_path / "as-is.docx"
    source.write_bytes(built.docx["as-is"])
    _convert([source], tmp_path)
    again = _read(tmp_path / "as-is.pdf")
    assert len(again.pages) == len(built.printed["as-is"].pages)
    assert _contents(again) == _contents(built.printed["as-is"])


def test_the_report_prints_the_kpi_formulas_the_definitions_give() -> None:
    """The translatable formulas of the KPI report say what the definitions' docstrings say."""
    from analytics.kpi.definitions import KPIS
    from workbench.programme_analytics.labels import KPI_FORMULAS

    assert set(KPI_FORMULAS) == set(KPIS)
    for code, kpi in KPIS.items():
        assert str(KPI_FORMULAS[code]._args[0]) == " ".join(kpi.formula.split()), code


def test_the_command_line_writes_a_pdf_through_libreoffice(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with app.app_context():
        create_project(db.session(), "PDF", "Проект", actor="t", client="ООО «Клиент»")
        db.session.commit()
    target = tmp_path / "as-is.pdf"
    result = app.test_cli_runner().invoke(
        args=["document", "description", "PDF", "--variant", "as-is", "--lang", "ru", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    printed = _read(target)
    assert "Описание процессов AS-IS" in printed.text(1) and "Содержание" in printed.text(2)
