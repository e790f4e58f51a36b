"""In a real browser, the Content-Security-Policy leaves the pages working: the process diagram's
inline SVG styles apply, no page reports a CSP violation, and another site cannot frame a page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.workbench.browser_support import serving, signed_in_page
from tests.workbench.conftest import make_app
from workbench.demo.analysis import demo_processes
from workbench.extensions import db
from workbench.processes import service as processes
from workbench.processes.views import BUILD_MARK
from workbench.projects.service import create_project


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[tuple[str, int]]:
    app: Flask = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        project = create_project(db.session(), "DEMO", "Свежий рынок", actor="t")
        _, model = next(iter(demo_processes()))
        record = processes.create_model(db.session(), project, model, actor="t", source="demo")
        db.session.commit()
        model_id = record.id
    with serving(app) as base:
        yield base, model_id


def test_pages_work_under_the_content_security_policy(live_app: tuple[str, int]) -> None:
    base, model_id = live_app
    with signed_in_page(base) as page:
        violations: list[str] = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        for path in (
            "/",
            "/projects/",
            "/projects/DEMO",
            f"/processes/{model_id}",
            f"/processes/{model_id}/edit",
            f"/processes/compare/side-by-side?before={model_id}&after={model_id}",
        ):
            response = page.goto(f"{base}{path}")
            assert response is not None and response.ok, path
            assert "frame-ancestors 'none'" in (response.header_value("content-security-policy") or "")
        page.goto(f"{base}/processes/{model_id}")
        if BUILD_MARK.is_file():
            # bpmn-js draws the model under the policy too (its icon font is served from 'self').
            page.wait_for_selector("#bpmn-viewer[data-state]", state="attached")
            assert page.get_attribute("#bpmn-viewer", "data-state") == "ready"
        # The diagram's <style> element applies: flows are drawn with a 1.5 px stroke, not the default 1.
        width = page.eval_on_selector(".diagram svg .flow", "el => getComputedStyle(el).strokeWidth")
        assert width == "1.5px"
        # Our stylesheet applies too (served from 'self').
        assert page.eval_on_selector("header.top", "el => getComputedStyle(el).display") != ""
        assert violations == []

        # Framed by another page, the browser refuses to show it (and says why on the console).
        with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
            page.set_content(f'<iframe id="f" src="{base}/login" width="400" height="300"></iframe>')
        assert page.frame_locator("#f").locator("input[name=username]").count() == 0
