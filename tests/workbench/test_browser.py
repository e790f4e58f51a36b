"""A consultant's first day in a real browser: sign in, create the project, record an interview,
import a BPMN file, see its diagram, link a finding to a step, and take the AS-IS description away.

Playwright drives Debian's Chromium (/usr/bin/chromium; `make install-test` installs it as root);
nothing downloads a browser. Without it the test skips, except under CI=true, where it fails.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from tests.bpmn_corpus import BPMN_CORPUS
from tests.workbench.browser_support import download_through_job, serving, signed_in_page
from tests.workbench.conftest import make_app
from workbench.processes.views import BUILD_MARK

CORPUS = BPMN_CORPUS
BPMN_FILE = CORPUS / "27_spiff_lanes.bpmn"


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The workbench served on a free local port from a thread, with CSRF checks on."""
    with serving(make_app(tmp_path, WTF_CSRF_ENABLED=True)) as base:
        yield base


def test_a_consultant_records_an_interview_imports_bpmn_and_exports_the_docx(live_server: str) -> None:
    with signed_in_page(live_server) as page:
        # Create the project.
        page.goto(f"{live_server}/projects/")
        form = page.locator("#new-project")
        form.locator("input[name=key]").fill("DEMO")
        form.locator("input[name=name]").fill("Свежий рынок")
        form.locator("input[name=client]").fill("ООО «Свежий рынок»")
        form.locator("input[value=retail]").check()
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"{live_server}/projects/DEMO")

        # Record an interview.
        page.click("text=Interviews")
        form = page.locator("#record-interview")
        form.locator("input[name=stakeholder]").fill("Ирина Соколова")
        form.locator("input[name=position]").fill("Директор по маркетингу")
        form.locator("input[name=held_on]").fill("2026-09-14")
        form.locator("input[name=participants]").fill("А. Орлова, Б. Кривцов")
        form.locator("textarea[name=notes]").fill("Анкеты участников теряются по дороге в офис.")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=interview with Ирина Соколова recorded")
        interview_url = page.url

        # Import a BPMN file as the AS-IS model and see its diagram with lanes and steps.
        page.goto(f"{live_server}/projects/DEMO")
        form = page.locator("#import-bpmn")
        form.locator("input[name=upload]").set_input_files(str(BPMN_FILE))
        form.locator("select[name=variant]").select_option("as-is")
        form.locator("button[type=submit]").click()
        if BUILD_MARK.is_file():
            # bpmn-js's viewer replaces the server's SVG once it drew the model.
            page.wait_for_selector("#bpmn-viewer[data-state=ready]")
            diagram = page.locator("#bpmn-viewer .djs-container > svg")
            assert diagram.is_visible()
            assert diagram.bounding_box()["width"] > 300  # type: ignore[index]
            # bpmn-js breaks a label into lines (one tspan each).
            assert "Add BPMN Feature" in " ".join(diagram.locator("text tspan").all_text_contents())
            assert not page.locator(".diagram svg").is_visible()
        else:
            page.wait_for_selector(".diagram svg")
            diagram = page.locator(".diagram svg")
            assert diagram.is_visible()
            assert diagram.bounding_box()["width"] > 300  # type: ignore[index]
            assert "Add BPMN Feature" in diagram.inner_html()

        # Link a finding of the interview to a step of the imported model.
        page.goto(interview_url)
        form = page.locator("#add-finding")
        form.locator("textarea[name=text]").fill("Нужна регистрация на кассе по телефону")
        form.locator("select[name=kind]").select_option("need")
        form.locator("select[name=step]").select_option(label="Implement Feature")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=finding added")
        finding_row = page.locator("#findings + table tr", has_text="Нужна регистрация на кассе")
        assert "Add BPMN Feature › Implement Feature" in " ".join(finding_row.inner_text().split())

        # Export the AS-IS description and read it back.
        page.goto(f"{live_server}/projects/DEMO")
        download = download_through_job(page, "text=AS-IS description (DOCX)")
        assert download.suggested_filename == "DEMO AS-IS description.docx"
        document = Document(io.BytesIO(Path(download.path()).read_bytes()))

    # The title page: the document's name as the title, the project under it.
    styled = {p.style.name: p.text for p in document.paragraphs[:4] if p.style is not None}
    assert styled["Title"] == "AS-IS description" and styled["Subtitle"] == "Свежий рынок"
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert "Ирина Соколова, Sep 14, 2026" in headings and "Processes" in headings
    assert len(document.inline_shapes) >= 2  # the imported diagram and the landscape
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Нужна регистрация на кассе по телефону" in texts
