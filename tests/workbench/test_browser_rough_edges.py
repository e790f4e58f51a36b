"""The visual rough edges of issue 15 in Debian's Chromium (Playwright), on the demo as a first
user meets it: a laptop's 1366 px screen, typing in a textarea, deleting with and without
JavaScript. The served workbench checks CSRF tokens as in production."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from loyalty_core.config import service as config_service
from tests.workbench.browser_support import CHROMIUM, CHROMIUM_ARGS, require, serving, signed_in_page
from tests.workbench.conftest import PASSWORD, _role_users_join, make_app
from workbench.acceptance import service as acceptance
from workbench.demo.loader import load_demo
from workbench.demo.project import DEMO_KEY, load_demo_project
from workbench.extensions import db
from workbench.interviews.models import Finding, Interview
from workbench.projects.models import Project
from workbench.projects.service import get_project

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The demo client and project, with the acceptance run `workbench demo` makes (v2, through
    the real runner; made here through the service, as the demo command does)."""
    app: Flask = make_app(tmp_path_factory.mktemp("edges"), WTF_CSRF_ENABLED=True)
    with app.app_context():
        load_demo(db.session(), members=15, days=30)
        event.listen(Project, "after_insert", _role_users_join)  # module scope: seat the role users
        try:
            load_demo_project(db.session(), actor="demo")
        finally:
            event.remove(Project, "after_insert", _role_users_join)
        db.session.commit()
        project = get_project(db.session(), DEMO_KEY)
        run = acceptance.create_run(
            db.session(), project, config_service.get_version(db.session(), "v2"), actor="demo"
        )
        acceptance.execute_run(db.session(), run)
        db.session.commit()
    return app


@pytest.fixture(scope="module")
def live(demo_app: Flask) -> Iterator[str]:
    with serving(demo_app) as base:
        yield base


@contextmanager
def page_without_javascript(base: str, role: str = "consultant") -> Iterator[Any]:
    """A Chromium page with JavaScript off, signed in as `role`."""
    require(
        CHROMIUM.exists(),
        f"Chromium is not at {CHROMIUM}: install it with `sudo apt-get install -y chromium`",
    )
    import playwright.sync_api as sync_api

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(java_script_enabled=False, locale="en-US").new_page()
            page.set_default_timeout(15_000)
            page.goto(f"{base}/login")
            page.fill("input[name=username]", role)
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/")
            yield page
        finally:
            browser.close()


def _page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_traceability_table_scrolls_within_a_laptop_screen_under_a_sticky_header(live: str) -> None:
    with signed_in_page(live, role="approver") as page:
        page.set_viewport_size(LAPTOP)
        page.goto(f"{live}/projects/DEMO/traceability")
        assert _page_width(page) <= LAPTOP["width"]  # no page-wide horizontal scrollbar
        box = page.evaluate(
            """() => {
              const scroller = document.getElementById('traceability-scroll');
              const r = scroller.getBoundingClientRect();
              return {top: r.top, bottom: r.bottom, right: r.right, left: r.left,
                      scrollHeight: scroller.scrollHeight, clientHeight: scroller.clientHeight};
            }"""
        )
        # The table's scrollbars are on screen: its box ends inside the viewport.
        assert box["bottom"] <= LAPTOP["height"] and box["right"] <= LAPTOP["width"], box
        assert box["scrollHeight"] > box["clientHeight"]  # 31 chains scroll inside it
        assert page.evaluate("document.documentElement.scrollHeight") <= LAPTOP["height"] + 40
        # The last column can be brought fully into view within the box.
        last = page.evaluate(
            """() => {
              const scroller = document.getElementById('traceability-scroll');
              scroller.scrollLeft = scroller.scrollWidth;
              const th = scroller.querySelector('thead th:last-child').getBoundingClientRect();
              return {right: th.right, left: th.left};
            }"""
        )
        assert box["left"] <= last["left"] and last["right"] <= box["right"] + 1
        # Scrolled down, the header stays at the top of the box.
        header_top = page.evaluate(
            """() => {
              const scroller = document.getElementById('traceability-scroll');
              scroller.scrollTop = 800;
              return scroller.querySelector('thead th').getBoundingClientRect().top;
            }"""
        )
        assert abs(header_top - box["top"]) <= 2
        assert page.locator("#traceability thead th").first.is_visible()


def test_wide_pages_use_a_wide_screen(live: str) -> None:
    with signed_in_page(live, role="approver") as page:
        page.set_viewport_size({"width": 1920, "height": 1000})
        page.goto(f"{live}/projects/DEMO/traceability")
        assert page.evaluate("document.querySelector('main').getBoundingClientRect().width") > 1800
        page.goto(f"{live}/projects/")  # a reading page keeps its measure
        assert page.evaluate("document.querySelector('main').getBoundingClientRect().width") <= 1200


def test_the_audit_log_fits_a_laptop_screen_with_one_line_timestamps(live: str) -> None:
    with signed_in_page(live, role="approver") as page:
        page.set_viewport_size(LAPTOP)
        page.goto(f"{live}/audit/")
        assert _page_width(page) <= LAPTOP["width"]
        heights = page.evaluate(
            """() => [...document.querySelectorAll('#audit td.when time')].map(time => [
                 time.getBoundingClientRect().height, parseFloat(getComputedStyle(time).lineHeight)])"""
        )
        assert heights and all(height < 1.5 * line for height, line in heights)
        details = page.locator("#audit td.details").all_inner_texts()
        assert details and not any(text.strip().startswith("{") for text in details)


def test_interview_notes_typed_in_the_browser_keep_their_paragraphs(live: str) -> None:
    with signed_in_page(live) as page:
        page.goto(f"{live}/projects/DEMO/interviews")
        form = page.locator("#record-interview")
        form.locator("input[name=stakeholder]").fill("Смирнова Ольга")
        form.locator("input[name=held_on]").fill("2026-09-15")
        form.locator("textarea[name=notes]").fill("Первый абзац.\nЕщё строка.\n\nВторой абзац.")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("text=interview with Смирнова Ольга recorded")
        paragraphs = [" ".join(text.split()) for text in page.locator(".notes p").all_inner_texts()]
        assert paragraphs == ["Первый абзац. Ещё строка.", "Второй абзац."]


def _findings(app: Flask, interview_id: int) -> int:
    with app.app_context():
        return int(
            db.session.scalar(select(func.count(Finding.id)).where(Finding.interview_id == interview_id)) or 0
        )


def _interview_with_findings(app: Flask) -> int:
    with app.app_context():
        return int(
            db.session.scalars(
                select(Interview.id).join(Finding).group_by(Interview.id).having(func.count(Finding.id) >= 3)
            ).first()
        )


def test_a_delete_opens_a_dialog_that_can_be_cancelled(demo_app: Flask, live: str) -> None:
    interview_id = _interview_with_findings(demo_app)
    before = _findings(demo_app, interview_id)
    with signed_in_page(live) as page:
        page.goto(f"{live}/interviews/{interview_id}")
        page.locator("#findings + table a.delete").first.click()
        dialog = page.locator("#confirm-dialog")
        assert dialog.is_visible() and "Delete the finding" in dialog.inner_text()
        dialog.locator("button.cancel").click()
        assert not dialog.is_visible()
        assert page.url == f"{live}/interviews/{interview_id}" and _findings(demo_app, interview_id) == before
        page.locator("#findings + table a.delete").first.click()
        dialog.locator("button.danger").click()
        page.wait_for_selector("text=finding deleted")
    assert _findings(demo_app, interview_id) == before - 1


def test_without_javascript_a_delete_asks_on_a_page(demo_app: Flask, live: str) -> None:
    interview_id = _interview_with_findings(demo_app)
    before = _findings(demo_app, interview_id)
    with page_without_javascript(live) as page:
        page.goto(f"{live}/interviews/{interview_id}")
        page.locator("#findings + table a.delete").first.click()
        assert page.url.endswith("/delete") and "This cannot be undone." in page.inner_text("main")
        assert _findings(demo_app, interview_id) == before
        page.locator("#confirm button.danger").click()
        page.wait_for_selector("text=finding deleted")
    assert _findings(demo_app, interview_id) == before - 1


def test_a_stage_card_leads_to_its_stage(live: str) -> None:
    with signed_in_page(live) as page:
        page.locator("#stages li", has_text="Pilot").locator("a").click()
        page.wait_for_url(f"{live}/projects/DEMO/stages#stage-5")
        assert page.locator("#stage-5").is_visible()
