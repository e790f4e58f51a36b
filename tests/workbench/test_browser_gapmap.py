"""The gap map in a real browser: a consultant turns an interview finding into a requirement,
classifies it as a gap, adds a modification for it, and downloads the gap map as DOCX and XLSX.

Same set-up as the other browser tests (tests/workbench/browser_support.py): Debian's Chromium
through Playwright, a live workbench with CSRF checks on.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from flask import Flask
from openpyxl import load_workbook

from tests.workbench.browser_support import download_through_job, serving, signed_in_page
from tests.workbench.conftest import make_app
from tests.workbench.gap_support import make_gap_project
from workbench.extensions import db


@pytest.fixture
def live_gap_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A live workbench whose project ACME has the purchase process and an interview; yields the
    base URL and the interview's id."""
    app: Flask = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        interview_id = make_gap_project(db.session()).finding_on_step.interview_id
        db.session.commit()
    with serving(app) as base:
        yield base, interview_id


def test_a_consultant_takes_a_finding_to_a_modification_and_downloads_the_gap_map(
    live_gap_server: tuple[str, int],
) -> None:
    base, interview_id = live_gap_server
    with signed_in_page(base) as page:
        # The interview's finding becomes REQ-1, with the finding's step linked.
        page.goto(f"{base}/interviews/{interview_id}")
        row = page.locator("#findings + table tr", has_text="Оптовым покупателям нужен отдельный уровень")
        row.locator("form.make-requirement button").click()
        page.wait_for_selector("text=REQ-1 recorded from the finding")
        assert page.url == f"{base}/projects/ACME/requirements/1"
        assert "Рассчитать баллы по уровню и категориям" in page.locator("#steps + table").inner_text()

        # Classify it as a gap (an extension of the core).
        form = page.locator("#classify")
        form.locator("select[name=classification]").select_option("gap_extension")
        form.locator("textarea[name=rationale]").fill("Уровня без баллов поверх скидки за объём в ядре нет.")
        form.locator("input[name=owner]").fill("Д. Ким")
        form.locator("select[name=status]").select_option("agreed")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=REQ-1 classified: Gap — extension")
        chain = page.locator("table.trace").inner_text()
        assert "a gap with no modification" in chain

        # Add the modification that closes it.
        form = page.locator("#add-modification")
        form.locator("input[name=title]").fill("Оптовый уровень без начисления баллов")
        form.locator("input[name=estimate_days]").fill("6.5")
        form.locator("select[name=priority]").select_option("must")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=MOD-1 added to the modifications list")
        assert "REQ-1" in page.locator("#requirements + ul").inner_text()
        page.click("#gap-sections >> text=Modifications")
        assert "6.5" in page.locator("#effort").inner_text()

        # The gap map shows it, and both downloads carry it.
        page.click("#gap-sections >> text=Gap map")
        assert page.locator("#gap-matrix").is_visible()
        gap_map_page = page.url
        docx_file = download_through_job(page, "text=gap map (DOCX)")
        page.goto(gap_map_page)
        xlsx_file = download_through_job(page, "text=gap map (XLSX)")
        assert docx_file.suggested_filename == "ACME gap map.docx"
        assert xlsx_file.suggested_filename == "ACME gap map.xlsx"
        docx_bytes = Path(docx_file.path()).read_bytes()
        xlsx_bytes = Path(xlsx_file.path()).read_bytes()

    document = Document(io.BytesIO(docx_bytes))
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "REQ-1" in texts and "MOD-1" in texts
    assert "Оптовый уровень без начисления баллов" in " ".join(texts)
    workbook = load_workbook(io.BytesIO(xlsx_bytes))
    requirements = workbook["Requirements"]
    header = [cell.value for cell in requirements[1]]
    row = dict(zip(header, [cell.value for cell in requirements[2]], strict=True))
    assert (
        row["ID"] == "REQ-1"
        and row["Classification"] == "Gap — extension"
        and row["Modifications"] == "MOD-1"
    )
    modifications = workbook["Modifications"]
    assert modifications["A2"].value == "MOD-1" and modifications["D2"].value == 6.5
