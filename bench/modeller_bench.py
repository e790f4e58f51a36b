"""The modeller page with a 500-node model, in headless Chromium: first paint and a first edit.

    .venv/bin/python bench/modeller_bench.py [--nodes 500] [--lanes 5] [--runs 7] [--port 5220]

Needs the bpmn-js build (`make install`, which runs `npm ci` and frontend/build.mjs) and Debian's
Chromium (/usr/bin/chromium). Stores the model built by bench/process_models_bench.py (no
coordinates: the server's layout places it) on a fresh SQLite file, serves the workbench from
a thread on --port, signs in as a consultant, then for each run opens the edit page in a fresh
browser context (cold cache: the 0.6 MB bundle is fetched and parsed every time) and measures,
as medians over the runs:

* first paint: from navigation start to the first frame after bpmn-js imported and fitted the
  diagram (`performance.now()` in that frame): page, export of the model's BPMN, bundle, import,
  rendering. Target (issue 16): under 2 s.
* first edit: moving one task with the modeller's modeling API (what a drag does on release),
  until the next frame: "usable" at this size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from process_models_bench import build_model  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from loyalty_core.db import metadata  # noqa: E402
from workbench import create_app  # noqa: E402
from workbench.auth import service as auth  # noqa: E402
from workbench.extensions import db  # noqa: E402
from workbench.processes import service as processes  # noqa: E402
from workbench.processes.views import BUILD_MARK  # noqa: E402
from workbench.projects.enums import ProjectRole  # noqa: E402
from workbench.projects.members import add_member  # noqa: E402
from workbench.projects.service import create_project  # noqa: E402

TARGET_MS = 2000.0
PASSWORD = "bench-password-1"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
NEXT_FRAME_JS = "() => new Promise(done => requestAnimationFrame(() => done(performance.now())))"
# Where the time went, from navigation start: the page's HTML, the model's BPMN export and the
# bundle (each until its last byte); the modeller's marks: XML in hand, bpmn-js import done.
PARTS_JS = """() => {
  const parts = {page: performance.getEntriesByType('navigation')[0].responseEnd};
  for (const entry of performance.getEntriesByType('resource')) {
    if (entry.name.endsWith('export.bpmn')) parts['BPMN export'] = entry.responseEnd;
    if (entry.name.endsWith('modeller.js')) parts.bundle = entry.responseEnd;
  }
  for (const mark of performance.getEntriesByType('mark')) parts[mark.name] = mark.startTime;
  return parts;
}"""
MOVE_JS = """() => new Promise(done => {
  const modeller = window.workbenchModeller;
  const task = modeller.get('elementRegistry').filter(e => e.type === 'bpmn:Task')[0];
  const started = performance.now();
  modeller.get('modeling').moveElements([task], {x: 0, y: 10});
  requestAnimationFrame(() => done(performance.now() - started));
})"""


def store(nodes: int, lanes: int) -> int:
    session = db.session()
    user = auth.create_user(session, "consultant", PASSWORD, "consultant", actor="bench")
    project = create_project(session, "BENCH", "Бенчмарк", actor="bench")
    add_member(session, project, user, ProjectRole.lead, actor="bench")
    record = processes.create_model(
        session, project, build_model(nodes, lanes), actor="bench", source="bench"
    )
    session.commit()
    return record.id


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--lanes", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--port", type=int, default=5220)
    args = parser.parse_args()
    if not BUILD_MARK.is_file():
        sys.exit("the modeller is not built: run `make install` (npm ci and the esbuild build)")
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="modeller-bench-"))
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "WTF_CSRF_ENABLED": False},
        instance_path=folder / "instance",
    )
    with app.app_context():
        metadata.create_all(db.engine)
        model_id = store(args.nodes, args.lanes)
    server = make_server("127.0.0.1", args.port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{args.port}"
    paints, edits = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            for run in range(args.runs + 1):  # the first run warms the server (templates, layout)
                context = browser.new_context(viewport={"width": 1600, "height": 1000})
                page = context.new_page()
                page.goto(f"{base}/login")
                page.fill("input[name=username]", "consultant")
                page.fill("input[name=password]", PASSWORD)
                page.click("main button[type=submit]")
                page.wait_for_url(f"{base}/")
                response = page.goto(f"{base}/processes/{model_id}/edit")
                assert response is not None and response.ok, response and response.status
                page.wait_for_selector("#bpmn-modeller[data-state]", state="attached", timeout=60_000)
                assert page.get_attribute("#bpmn-modeller", "data-state") == "ready", "bpmn-js failed"
                painted = page.evaluate(NEXT_FRAME_JS)
                parts = page.evaluate(PARTS_JS)
                shapes = page.evaluate(
                    "() => window.workbenchModeller.get('elementRegistry').getAll().length"
                )
                edit = page.evaluate(MOVE_JS)
                context.close()
                if run:
                    paints.append(painted)
                    edits.append(edit)
                    print(
                        f"run {run}: first paint {painted:.0f} ms, first edit {edit:.0f} ms"
                        f" ({shapes} elements);"
                        + "".join(f" {name} {ms:.0f} ms" for name, ms in parts.items())
                    )
            browser.close()
    finally:
        server.shutdown()
    paint = statistics.median(paints)
    print(
        f"{args.nodes} nodes, {args.lanes} lanes: first paint median {paint:.0f} ms "
        f"(min {min(paints):.0f}, max {max(paints):.0f}); first edit median {statistics.median(edits):.0f} ms"
    )
    print(f"target: first paint under {TARGET_MS:.0f} ms: {'met' if paint < TARGET_MS else 'missed'}")


if __name__ == "__main__":
    main()
