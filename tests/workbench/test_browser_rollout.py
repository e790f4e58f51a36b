"""A rollout manager's day in a real browser (Debian's Chromium through Playwright, CSRF on):
import a store register, plan a 5-store pilot, see the gate closed and why, log a defect and close
it, complete the checklist, advance a wave, roll one store back, download the go/no-go DOCX."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from flask import Flask

from loyalty_core.config import service as config_service
from tests.workbench.browser_support import download_through_job, serving, signed_in_page
from tests.workbench.conftest import make_app
from tests.workbench.rollout_support import seed_chain
from workbench.acceptance import service as acceptance
from workbench.extensions import db
from workbench.projects.service import create_project
from workbench.requirements.models import Requirement

UPDATE = """code,name,direction,region,city,timezone,format,opened on,status
R010,Новый на Урале,retail,Ural,Chelyabinsk,Asia/Yekaterinburg,convenience,2026-11-01,open
R001,Tverskaya (renamed),retail,Moscow,Moscow,Europe/Moscow,convenience,2019-03-01,open
"""
FEATURE = """Feature: Accrual of the version under test
  @REQ-1
  Scenario: 5% of a grocery check
    Given the configuration under test
    And a member with a balance of 0 points
    And the basket:
      | sku       | category | quantity | amount  |
      | BUCKWHEAT | grocery  | 10       | 1000.00 |
    When the member buys the basket
    Then the receipt earns 50 points
"""


@pytest.fixture
def live_chain(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A live workbench with the small chain on v1, v2 approved, and a DEMO project whose Must
    scenario passed against v2 (so the acceptance criterion of the gate holds for real)."""
    app: Flask = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    seed_chain(app)
    with app.app_context():
        session = db.session()
        project = create_project(session, "DEMO", "Chain", actor="test", directions=["retail", "wholesale"])
        session.add(Requirement(project_id=project.id, number=1, title="5% accrual", priority="must"))
        acceptance.save_feature(session, project, "accrual.feature", FEATURE, actor="test")
        run = acceptance.create_run(session, project, config_service.get_version(session, "v2"), actor="test")
        acceptance.execute_run(session, run)
        session.commit()
        assert acceptance.verdict(session, project, config_service.get_version(session, "v2")).passed
    register = tmp_path / "register.csv"
    register.write_text(UPDATE, encoding="utf-8")
    with serving(app) as base:
        yield base, register


def test_a_rollout_manager_takes_a_pilot_to_the_next_wave(live_chain: tuple[str, Path]) -> None:
    base, register = live_chain
    with signed_in_page(base, role="rollout_manager") as page:
        # 1. Import the register: one store added, one updated.
        page.goto(f"{base}/rollout/stores")
        page.set_input_files("#import-register input[type=file]", str(register))
        page.click("#import-register button[type=submit]")
        page.wait_for_selector("text=register.csv: 1 store(s) added, 1 updated")
        assert "Tverskaya (renamed)" in page.locator("#stores").inner_text()

        # 2. A plan with a 5-store pilot (3 retail, 2 wholesale); the pilot switches now.
        page.goto(f"{base}/rollout/")
        form = page.locator("#new-plan")
        form.locator("input[name=pilot]").fill("R001,R002,R003,W001,W002")
        form.locator("select[name=version]").select_option("v2")
        form.locator("input[name=min_pilot_days]").fill("0")
        form.locator("input[name=min_pilot_transactions]").fill("0")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=plan 1 created with a pilot of 5 store(s)")
        page.click("#advance button[type=submit]")
        page.wait_for_selector("text=wave 1 advanced: 5 store(s) scheduled")
        page.locator("#add-wave input[name=stores]").fill("R004,R005")
        page.click("#add-wave button[type=submit]")
        page.wait_for_selector("text=wave 2 added with 2 store(s)")

        # 3. The gate before wave 2 is closed, and says why.
        assert page.locator("#gate-state").inner_text() == "closed"
        failing = page.locator("#gate tr.criterion", has_text="not met").all_inner_texts()
        assert len(failing) == 1 and "checklist" in failing[0] and "R004: staff_trained" in failing[0]

        # 4. A defect is logged (it closes the gate too) and fixed.
        page.click("text=Feedback and defects")
        defect = page.locator("#add-feedback")
        defect.locator("input[name=store]").fill("R001")
        defect.locator("input[name=reporter]").fill("Кассир R001")
        defect.locator("select[name=severity]").select_option("high")
        defect.locator("textarea[name=text]").fill("Баллы не печатаются в чеке")
        defect.locator("button[type=submit]").click()
        page.wait_for_selector("text=feedback 1 logged")
        page.goto(f"{base}/rollout/plans/1")
        assert "no_blocking_defects" in page.locator("#gate").inner_html()
        assert (
            page.locator("#gate tr.criterion[data-name=no_blocking_defects]", has_text="not met").count() == 1
        )
        page.click("text=Feedback and defects")
        row = page.locator("#feedback tr[data-id='1']")
        row.locator("select[name=status]").select_option("fixed")
        row.locator("button[type=submit]").click()
        page.wait_for_selector("text=feedback 1 is now fixed")

        # 5. The checklist of wave 2 is completed.
        page.goto(f"{base}/rollout/plans/1/waves/2/checklist")
        page.click("#complete-checklist button[type=submit]")
        page.wait_for_selector("text=8 item(s) ticked")
        assert "8 of 8 done" in page.content()

        # 6. The gate is open now; wave 2 advances.
        page.goto(f"{base}/rollout/plans/1")
        assert page.locator("#gate-state").inner_text() == "open"
        page.click("#advance button[type=submit]")
        page.wait_for_selector("text=wave 2 advanced: 2 store(s) scheduled")
        assert page.locator("#plan-stores tr[data-code=R004]").inner_text().count("v2") == 2

        # 7. One store goes back to v1.
        rollback = page.locator("#rollback")
        rollback.locator("select[name=scope]").select_option("store")
        rollback.locator("input[name=store]").fill("R004")
        rollback.locator("input[name=reason]").fill("Касса не принимает новую версию")
        rollback.locator("button[type=submit]").click()
        page.wait_for_selector("text=rolled back: R004")
        row_text = page.locator("#plan-stores tr[data-code=R004]").inner_text()
        assert "v1" in row_text and "rolled back" in row_text

        # 8. The go/no-go of wave 2 downloads as a DOCX with its criteria and decision.
        data = Path(download_through_job(page, "#timeline a.go-no-go").path()).read_bytes()
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "advance by rollout_manager" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "R004" in cells and "R005" in cells and "NOT met" not in cells
