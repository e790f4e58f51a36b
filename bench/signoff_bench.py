"""Stage 3 at size: the stage board, the package page and the package snapshot of a project with
2,000 requirements and 30 process models.

    .venv/bin/python bench/signoff_bench.py [--requirements 2000] [--models 30] [--runs 9]

Builds the gap map bench's project (bench/gapmap_pages_bench.py: 2,000 requirements, 500
modifications, 500 tagged scenarios with a run, the demo's 8 models) on a fresh SQLite file, adds
copies of the demo's models up to `--models`, the demo's v2 as a draft and a submitted package,
then times (median of the runs after one warm-up):
- building the package snapshot and its SHA-256 (what every look at an open package does);
- the stage board and the package page through the Flask test client, signed in as an approver
  (routing, queries, the snapshot, Jinja; no network), with gc.freeze() as workbench.wsgi does.

Targets (stage 3 issue): pages under 300 ms; snapshot and hash under 2 s.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loyalty_core.db import metadata  # noqa: E402
from workbench import create_app  # noqa: E402
from workbench.auth import service as auth  # noqa: E402
from workbench.demo.analysis import demo_processes  # noqa: E402
from workbench.extensions import db  # noqa: E402
from workbench.processes import service as processes  # noqa: E402
from workbench.programme import service as programme  # noqa: E402
from workbench.projects.service import get_project  # noqa: E402
from workbench.signoff import service as signoff  # noqa: E402

_spec = importlib.util.spec_from_file_location("gapmap_pages_bench", ROOT / "bench" / "gapmap_pages_bench.py")
assert _spec and _spec.loader
gapmap_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gapmap_bench)


def build(n_requirements: int, n_models: int) -> int:
    gapmap_bench.build(n_requirements, 500)
    session = db.session()
    project = get_project(session, gapmap_bench.KEY)
    models = list(demo_processes())
    for copy in range(n_models - len(models)):
        _, model = models[copy % len(models)]
        model.name = f"{model.name} #{copy + 2}"
        processes.create_model(session, project, model, actor="bench", source="bench")
    for name in ("cfo", "marketing", "retail"):
        auth.create_user(session, name, "bench-password-1", "approver", actor="bench")
    programme.create_version(session, "v2", (ROOT / "workbench/demo/v2.yaml").read_bytes(), actor="bench")
    revision = signoff.submit(
        session,
        project,
        approvers=["cfo", "marketing", "retail"],
        actor="consultant",
        rule="2",
        required=["cfo"],
        version_label="v2",
    )
    session.commit()
    return revision.package_id


def _median_ms(action: object, runs: int) -> str:
    """Median wall time and median CPU time of this process (the machine is shared: the CPU
    figure is what the code costs, the wall figure what it cost on this machine just now)."""
    wall, cpu = [], []
    for index in range(runs + 1):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()  # type: ignore[operator]
        if index:  # the first is a warm-up
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return f"{statistics.median(wall):.0f} ms wall, {statistics.median(cpu):.0f} ms CPU"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requirements", type=int, default=2000)
    parser.add_argument("--models", type=int, default=30)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="signoff-bench-"))
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "WTF_CSRF_ENABLED": False},
        instance_path=folder / "instance",
    )
    gc.collect()
    gc.freeze()
    with app.app_context():
        metadata.create_all(db.engine)
        started = time.perf_counter()
        package_id = build(args.requirements, args.models)
        print(
            f"built {args.requirements} requirements, {args.models} models, 500 modifications, 500 scenarios "
            f"in {time.perf_counter() - started:.0f} s"
        )
        package = signoff.get_package(db.session(), package_id)

        def snapshot() -> None:
            built = signoff.build_snapshot(db.session(), package)
            built.content_hash  # noqa: B018 (the hash is part of what is timed)

        text = signoff.build_snapshot(db.session(), package).text()
        print(
            f"snapshot: {len(text.encode()) / 1e6:.1f} MB canonical JSON, "
            f"{sum(len(s) for s in signoff.build_snapshot(db.session(), package).sections.values())} items"
        )
        print(f"snapshot + SHA-256: {_median_ms(snapshot, args.runs)} (target < 2000 ms)")
    client = app.test_client()
    client.post("/login", data={"username": "cfo", "password": "bench-password-1"})
    for name, url in (
        ("stage board", f"/projects/{gapmap_bench.KEY}/stages"),
        ("package page", f"/signoff/{package_id}"),
        ("requirements section (2,000 rows)", f"/signoff/{package_id}/sections/requirements"),
    ):

        def get(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        print(
            f"{name}: {_median_ms(get, args.runs)}" + (" (target < 300 ms)" if "section" not in name else "")
        )
    # A look after a change: the package page rebuilds the snapshot and stores a revision.
    with app.app_context():
        from sqlalchemy import update

        from workbench.projects.models import Project

        def changed_then_get() -> None:
            db.session.execute(update(Project).values(content_version=Project.content_version + 1))
            db.session.commit()
            assert client.get(f"/signoff/{package_id}").status_code == 200

        print(f"package page after a change (full rebuild): {_median_ms(changed_then_get, args.runs)}")


if __name__ == "__main__":
    main()
