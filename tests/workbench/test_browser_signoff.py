"""Stage 3 in a real browser: a consultant submits the prototype package; an approver sees it
waiting, comments on a requirement and rejects; the consultant changes that requirement and
re-submits; the approver sees the change since their review and approves; the CFO approves;
stage 3 shows closed and the approval sheet downloads and reads back with both names.

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

from tests.workbench.browser_support import download_through_job, serving, signed_in_page
from tests.workbench.conftest import make_app
from tests.workbench.signoff_support import make_signoff_project
from workbench.extensions import db


@pytest.fixture
def live_signoff_server(tmp_path: Path) -> Iterator[str]:
    app: Flask = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_signoff_project(db.session())
        db.session.commit()
    with serving(app) as base:
        yield base


def test_a_package_is_rejected_changed_resubmitted_and_signed(
    live_signoff_server: str, tmp_path: Path
) -> None:
    base = live_signoff_server
    # 1. The consultant submits to the approver and the CFO, both needed.
    with signed_in_page(base, role="consultant") as page:
        page.goto(f"{base}/projects/ACME")
        page.click("#project-sections >> text=Prototype sign-off")
        form = page.locator("#submit-package")
        form.locator("input[name=approvers]").fill("approver, cfo")
        form.locator("input[name=rule]").fill("all")
        form.locator("input[name=required]").fill("cfo")
        form.locator("input[name=version]").fill("v2")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=Submitted revision 1")
        package_url = page.url

    # 2. The approver sees it waiting, comments on REQ-1 and rejects.
    with signed_in_page(base, role="approver") as page:
        page.goto(f"{base}/signoff/")
        page.locator("table.waiting a", has_text="ACME").click()
        assert page.url == package_url
        page.click("#deliverables >> text=Requirements")
        page.click("#items >> text=REQ-1")
        page.fill("#comment-form textarea[name=text]", "Порог для опта не указан")
        page.click("#comment-form button[type=submit]")
        page.wait_for_selector("text=Comment added")
        assert "Порог для опта не указан" in page.locator("ul.comments").inner_text()
        page.goto(package_url)
        page.fill("#reject-form textarea[name=reason]", "Уточните порог опта в REQ-1")
        page.click("#reject-form button[type=submit]")
        page.wait_for_selector("text=You rejected the package")
        assert "rejected" in page.locator("#package-state").inner_text()

    # 3. The consultant changes REQ-1 and re-submits.
    with signed_in_page(base, role="consultant") as page:
        page.goto(f"{base}/projects/ACME/requirements/1")
        page.click("details >> summary")
        form = page.locator("#edit-requirement")
        form.locator("input[name=title]").fill("Оптовый уровень от 15 000 ₽ без баллов")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=REQ-1 saved")
        page.goto(f"{base}/signoff/projects/ACME")
        page.click("#submit-package button[type=submit]")
        page.wait_for_selector("text=Submitted revision 2")

    # 4. The approver sees exactly what changed since their review, and approves.
    with signed_in_page(base, role="approver") as page:
        page.goto(package_url)
        changed = page.locator("#changed-since-review").inner_text()
        assert "REQ-1 Оптовый уровень от 15 000 ₽ без баллов" in changed and "title:" in changed
        page.click("#deliverables >> text=Requirements")
        page.click("#items >> text=REQ-1")
        assert "Порог для опта не указан" in page.locator("ul.comments").inner_text()  # the comment survived
        page.goto(package_url)
        page.click("#approve-form button[type=submit]")
        page.wait_for_selector("text=You approved the package")

    # 5. The CFO approves: the rule is met. 6. Stage 3 is closed; the sheet reads back.
    with signed_in_page(base, role="cfo") as page:
        page.goto(package_url)
        page.click("#approve-form button[type=submit]")
        page.wait_for_selector("text=You approved the package (signed)")
        package_hash = page.locator("#package-hash").inner_text()
        page.click("text=Stage board")
        stage_3 = page.locator("#stage-3").inner_text()
        assert "closed" in stage_3 and "Closed by cfo" in stage_3
        page.goto(package_url)
        sheet = Path(download_through_job(page, "#documents >> text=DOCX (EN) >> nth=0").path()).read_bytes()
    document = Document(io.BytesIO(sheet))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert package_hash in text
    assert "Approver (approver)" in text and "CFO (cfo)" in text
    assert text.count("approve") >= 2 and "signed" in text
