"""A rollout manager opens the pilot evaluation in a real browser (Chromium via Playwright, CSRF
on, Russian browser locale) and sees the pilot-vs-control chart and the verdict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.analytics.pilot_ledger import CONTROLS, PILOT_END, PILOT_START, PILOTS, generate_pilot_ledger
from tests.workbench.browser_support import serving, signed_in_page
from tests.workbench.conftest import make_app
from workbench.extensions import db


@pytest.fixture
def live_pilot_server(tmp_path: Path) -> Iterator[str]:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        generate_pilot_ledger(db.engine, lift=0.10)
    with serving(app) as base:
        yield base


def test_a_rollout_manager_sees_the_pilot_chart_and_verdict(live_pilot_server: str) -> None:
    base = live_pilot_server
    with signed_in_page(base, role="rollout_manager") as page:
        page.goto(f"{base}/analytics/")
        page.click("a[href='/analytics/pilot']")
        page.fill("input[name=pilot]", ",".join(PILOTS))
        page.fill("input[name=control]", ",".join(CONTROLS))
        page.fill("input[name=from]", PILOT_START.isoformat())
        page.fill("input[name=to]", PILOT_END.isoformat())
        page.click("button[type=submit].primary")
        chart = page.locator("#pilot-chart svg")
        chart.wait_for()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 150  # drawn, not an empty tag
        verdicts = page.locator("#verdict li")
        assert verdicts.count() == 4  # average check, frequency, sales per store, retention
        # The average check verdict is a lift, with its interval in the sentence.
        lift = page.locator("#verdict li.lift").first.inner_text()
        assert "+" in lift and "%" in lift
        assert page.locator("#guardrail").is_visible()


@pytest.fixture
def live_plan_server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    from tests.workbench.test_analytics_plans import pilot_plan

    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    plan_id = pilot_plan(app, lift=0.10, controls=False)
    with serving(app) as base:
        yield base, plan_id


def test_a_rollout_manager_accepts_matched_controls_sets_the_guardrail_and_evaluates_the_plan(
    live_plan_server: tuple[str, int],
) -> None:
    base, plan_id = live_plan_server
    with signed_in_page(base, role="rollout_manager") as page:
        page.goto(f"{base}/rollout/plans/{plan_id}")
        page.click("#suggest-controls")
        rows = page.locator("#suggestions tr.match")
        rows.first.wait_for()
        assert rows.count() == 2 * len(PILOTS)
        for row in range(rows.count()):  # accept every match whatever its quality
            rows.nth(row).locator("input[type=checkbox]").check()
        page.click("#accept-controls button[type=submit]")
        page.wait_for_url(f"{base}/rollout/plans/{plan_id}")
        assert "control stores of 3 pilot store(s) saved" in page.content()
        page.fill("#guardrail-form input[name=threshold]", "5")
        page.fill("#guardrail-form input[name=average_check]", "3")
        page.click("#guardrail-form button[type=submit]")
        page.locator("#guardrail-state").wait_for()
        assert "worse than −5.00% at 90.00% confidence" in page.locator("#guardrail-state").inner_text()
        # The plan's pilot evaluated against the accepted controls (to the pilot's last day).
        page.goto(f"{base}/analytics/pilot?plan={plan_id}&to={PILOT_END.isoformat()}")
        page.locator("#pilot-chart svg").wait_for()
        assert page.locator("#verdict li").count() == 4
        assert page.locator("input[name=from]").input_value() == PILOT_START.isoformat()
        controls = page.locator("input[name=control]").input_value().split(",")
        assert set(controls) <= set(CONTROLS) and len(controls) >= 3
