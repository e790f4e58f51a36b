"""The consultant's modeller in a real browser (bpmn-js, built by `make install`): open a TO-BE
model, add a task from the palette into a lane and connect it, rename a step in place, save as
version 2 and see its validation, then find the renamed step as "renamed" side by side with
version 1. And the round trip: what bpmn-js saved, exported by the server, opens again in
bpmn-js with the same elements and the same diagram interchange (DI).

Without the build (workbench/static/build/, from `npm ci` and the esbuild script) the test skips,
except under CI=true, where it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from process_models.enums import NodeKind
from tests.workbench.browser_support import require, serving, signed_in_page
from tests.workbench.conftest import make_app
from workbench.demo.analysis import demo_processes
from workbench.extensions import db
from workbench.processes import service as processes
from workbench.processes.views import BUILD_MARK
from workbench.projects.service import create_project

# Every element bpmn-js drew, with its DI: a shape's bounds, a connection's waypoints (rounded
# to the pixel, as a modeler snaps to it); labels are left out, their placement is the
# renderer's business, not the model's.
DRAWN_ELEMENTS_JS = """() => window.workbenchModeller.get('elementRegistry').getAll()
  .filter(e => e.type !== 'label' && e.type !== 'bpmn:Collaboration' && e.type !== 'bpmn:Process')
  .map(e => ({
    id: e.id, type: e.type, name: e.businessObject.name || '',
    parent: e.parent ? e.parent.id : null,
    di: e.waypoints ? e.waypoints.map(p => [Math.round(p.x), Math.round(p.y)])
                    : [Math.round(e.x), Math.round(e.y), Math.round(e.width), Math.round(e.height)],
  }))
  .sort((a, b) => a.id < b.id ? -1 : 1)"""

# A free spot for a new task inside a lane, in screen pixels: the lane's first 100 x 80 area that
# no shape overlaps, scanning left to right along the lane's middle.
FREE_SPOT_JS = """(laneId) => {
  const modeller = window.workbenchModeller;
  const registry = modeller.get('elementRegistry');
  const canvas = modeller.get('canvas');
  const lane = registry.get(laneId);
  const shapes = registry.filter(e => !e.waypoints && e.type !== 'label' && e.type !== 'bpmn:Lane'
                                     && e.type !== 'bpmn:Participant' && e.parent);
  const cy = lane.y + lane.height / 2;
  const overlaps = (x) => shapes.some(s => x - 70 < s.x + s.width && x + 70 > s.x
                                         && cy - 50 < s.y + s.height && cy + 50 > s.y);
  for (let x = lane.x + 100; x < lane.x + lane.width - 70; x += 10) {
    if (!overlaps(x)) {
      const box = canvas.viewbox();
      const rect = canvas.getContainer().getBoundingClientRect();
      return {x: rect.left + (x - box.x) * box.scale, y: rect.top + (cy - box.y) * box.scale, dx: x, dy: cy};
    }
  }
  return null;
}"""

CENTRE_JS = """(id) => {
  const modeller = window.workbenchModeller;
  const e = modeller.get('elementRegistry').get(id);
  const box = modeller.get('canvas').viewbox();
  const rect = modeller.get('canvas').getContainer().getBoundingClientRect();
  return {x: rect.left + (e.x + e.width / 2 - box.x) * box.scale,
          y: rect.top + (e.y + e.height / 2 - box.y) * box.scale};
}"""


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[tuple[Flask, str, int]]:
    require(BUILD_MARK.is_file(), "the modeller is not built (make install-test runs npm ci and the build)")
    app: Flask = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        project = create_project(db.session(), "DEMO", "Свежий рынок", actor="t")
        to_be = [model for key, model in demo_processes() if key == "returns"][1]
        record = processes.create_model(db.session(), project, to_be, actor="t", source="demo")
        db.session.commit()
        model_id = record.id
    with serving(app) as base:
        yield app, base, model_id


def _drawn(page: Any) -> list[dict[str, Any]]:
    drawn: list[dict[str, Any]] = page.evaluate(DRAWN_ELEMENTS_JS)
    return drawn


def _click(page: Any, point: dict[str, float], *, double: bool = False) -> None:
    page.mouse.move(point["x"], point["y"])
    if double:
        page.mouse.dblclick(point["x"], point["y"])
    else:
        page.mouse.click(point["x"], point["y"])


def test_a_consultant_draws_saves_and_compares_in_the_modeller(live_app: tuple[Flask, str, int]) -> None:
    app, base, model_id = live_app
    with app.app_context():
        model = processes.model_of(processes.get_record(db.session(), model_id))
    lane_id = next(iter(model.lanes))
    tasks = [n for n in model.nodes() if n.kind.is_activity and n.name]
    target = next(n for n in tasks if n.lane == lane_id)
    # In another lane: the new flow, drawn across the first lane, cannot cover it.
    renamed = next(n for n in tasks if n.lane != lane_id)
    with signed_in_page(base) as page:
        page.set_viewport_size({"width": 1600, "height": 1000})
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
        # 1. The TO-BE opens in the modeller: palette, canvas, no form grid.
        page.goto(f"{base}/processes/{model_id}/edit")
        _ready(page, "#bpmn-modeller", console)
        assert page.locator(".djs-palette").is_visible()
        assert not page.locator("#add-step").is_visible()  # the form editor is only the fallback

        # 2. A task from the palette, dropped into a lane, then connected to a step.
        page.click(".djs-palette [data-action='create.task']")
        spot = page.evaluate(FREE_SPOT_JS, lane_id)
        assert spot is not None, "no free room in the lane"
        page.mouse.move(spot["x"] - 5, spot["y"] - 5)
        _click(page, spot)
        # A new task opens its label for typing at once.
        page.wait_for_selector(".djs-direct-editing-parent", state="visible")
        page.keyboard.type("Сверить чек с кассой")
        page.keyboard.press("Enter")  # completes the label (Shift+Enter would start a new line)
        new_task = page.evaluate(
            "() => window.workbenchModeller.get('elementRegistry')"
            ".filter(e => e.type === 'bpmn:Task' && e.businessObject.name === 'Сверить чек с кассой')"
            ".map(e => e.id)"
        )
        assert len(new_task) == 1, new_task
        new_id = new_task[0]
        _click(page, page.evaluate(CENTRE_JS, new_id))  # selected: its context pad opens
        page.click(".djs-context-pad [data-action='connect']")
        _click(page, page.evaluate(CENTRE_JS, target.id))
        assert (
            page.evaluate(
                "([s, t]) => window.workbenchModeller.get('elementRegistry')"
                ".filter(e => e.type === 'bpmn:SequenceFlow' && e.source.id === s"
                " && e.target.id === t).length",
                [new_id, target.id],
            )
            == 1
        )

        # 3. A step renamed in place.
        _click(page, page.evaluate(CENTRE_JS, renamed.id), double=True)
        page.wait_for_selector(".djs-direct-editing-parent", state="visible")
        # Select the old name, as a triple click would, and type over it.
        page.evaluate(
            "() => { const range = document.createRange();"
            " range.selectNodeContents(document.querySelector('.djs-direct-editing-content'));"
            " getSelection().removeAllRanges(); getSelection().addRange(range); }"
        )
        page.keyboard.type("Оформить возврат в приложении")
        page.keyboard.press("Enter")
        drawn = _drawn(page)
        assert next(e for e in drawn if e["id"] == renamed.id)["name"] == "Оформить возврат в приложении"

        # 4. Saved: version 2, validated by the server, shown on the modeller page it opens.
        page.click("#modeller-save button[type=submit]")
        page.wait_for_selector("text=saved version 2")
        page.wait_for_selector("#bpmn-modeller[data-state=ready]")
        assert "Version 2" in page.inner_text("p.figures")
        assert page.locator("#findings").is_visible()
        # The server's findings sit on the canvas as badges on their elements.
        flagged = {
            text for text in page.locator("#findings td code").all_inner_texts() if text and text != lane_id
        }
        assert flagged, "the saved model has no finding to show"
        for element_id in flagged:
            assert page.locator(f".lint-badge[data-element='{element_id}']").count() == 1, element_id
        with app.app_context():
            latest = processes.latest_version(db.session(), processes.get_record(db.session(), model_id))
            saved = processes.model_of(latest)
        assert latest.version == 2
        assert saved.node(new_id).kind is NodeKind.task and saved.node(new_id).lane == lane_id
        assert any(f.source == new_id and f.target == target.id for f in saved.flows())
        assert saved.node(renamed.id).name == "Оформить возврат в приложении"

        # The round trip: the server's export of what bpmn-js saved opens in bpmn-js with the
        # same elements and the same DI.
        assert _drawn(page) == drawn

        # 5. Side by side with version 1: the renamed step is "renamed", not added and removed.
        page.goto(f"{base}/processes/compare/side-by-side?before={model_id}&after={latest.id}")
        page.wait_for_selector("#compare-after[data-state=ready]")
        row = page.locator(f"#changes tr[data-after='{renamed.id}']")
        assert row.locator(".kinds").inner_text() == "renamed"
        assert page.locator(f"#changes tr[data-before='{renamed.id}'] .kind-removed").count() == 0
        assert page.locator(f".diff-badge[data-element='{renamed.id}']").first.inner_text() == "renamed"
        # The new task is added; pointing at the renamed step lights its match on the left.
        assert page.locator(f"#changes tr[data-after='{new_id}'] .kinds").inner_text() == "added"
        page.hover(f"#compare-after [data-element-id='{renamed.id}']")
        assert page.evaluate("() => document.body.dataset.hoverPair") == f"{renamed.id}|{renamed.id}"
        assert page.locator(f"#compare-before [data-element-id='{renamed.id}'].pair-hover").count() == 1


def _ready(page: Any, selector: str, console: list[str]) -> None:
    """Wait until the canvas at `selector` drew its model; on failure, say what the console said."""
    page.wait_for_selector(f"{selector}[data-state]", state="attached")
    state = page.get_attribute(selector, "data-state")
    assert state == "ready", console
