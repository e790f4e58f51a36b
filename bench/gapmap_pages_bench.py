"""The gap map's pages at size: a project with 2,000 requirements and 500 modifications.

    .venv/bin/python bench/gapmap_pages_bench.py [--requirements 2000] [--modifications 500] [--runs 9]

Builds the project on a fresh SQLite file through the services (the demo's 8 process models
and 7 interviews; requirements from findings, TO-BE steps and typed in, every classification,
1-2 step links each; modifications closing 1-4 gaps each with a random DAG of dependencies;
500 acceptance scenarios tagged @REQ-n with one stored run of results), then times each page
through the Flask test client as a signed-in consultant (routing, queries, the domain's
records, Jinja rendering; no network), as the median of the runs after one warm-up.

Target (gap-map issue): the gap map and traceability pages under 300 ms on SQLite.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from loyalty_core.db import metadata  # noqa: E402
from workbench import create_app  # noqa: E402
from workbench.acceptance import service as acceptance  # noqa: E402
from workbench.acceptance.models import Result, Run  # noqa: E402
from workbench.auth import service as auth  # noqa: E402
from workbench.demo.analysis import INTERVIEWS, demo_processes  # noqa: E402
from workbench.extensions import db  # noqa: E402
from workbench.interviews import service as interviews  # noqa: E402
from workbench.interviews.models import Finding  # noqa: E402
from workbench.modifications import service as modifications  # noqa: E402
from workbench.processes import service as processes  # noqa: E402
from workbench.programme import service as programme  # noqa: E402
from workbench.projects.enums import ProjectRole  # noqa: E402
from workbench.projects.members import add_member  # noqa: E402
from workbench.projects.models import Project  # noqa: E402
from workbench.projects.service import create_project  # noqa: E402
from workbench.requirements import service as requirements  # noqa: E402
from workbench.requirements.models import Requirement  # noqa: E402

TARGET_MS = 300.0
KEY = "BENCH"
DECISIONS = [
    ("fit_standard", "pos.enrol", ""),
    ("fit_configuration", "earn.base_rate", "earn.base_rate"),
    ("fit_configuration", "redemption.max_share", "redemption.max_share"),
    ("gap_extension", "", ""),
    ("gap_integration", "", ""),
    ("gap_report", "", ""),
    ("workaround", "", ""),
    ("out_of_scope", "", ""),
    (None, "", ""),
]
AREAS = [
    "Регистрация участника",
    "Покупка и начисление",
    "Оплата баллами",
    "Возвраты",
    "Акции",
    "Опт",
    "Отчётность",
    "Интеграции",
]


def build(n_requirements: int, n_modifications: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    session = db.session()
    consultant = auth.create_user(session, "consultant", "bench-password-1", "consultant", actor="bench")
    project = create_project(session, KEY, "Бенчмарк", actor="bench")
    add_member(session, project, consultant, ProjectRole.lead, actor="bench")  # outsiders get 404
    steps = _processes(session, project)
    found = _findings(session, project)
    gaps = _requirements(session, project, rng, n_requirements, found, steps)
    _modifications(session, project, rng, n_modifications, gaps)
    session.flush()
    _acceptance(session, project, rng, n_requirements)
    session.commit()


def _processes(session: Session, project: Project) -> list[tuple[str, str]]:
    """The demo processes; their named tasks as (lineage, node id)."""
    steps = []
    for _key, model in demo_processes():
        record = processes.create_model(session, project, model, actor="bench", source="bench")
        steps += [
            (record.lineage, node.id)
            for node in model.nodes()
            if node.name and "task" in node.kind.value.lower()
        ]
    return steps


def _findings(session: Session, project: Project) -> list[Finding]:
    found = []
    for demo in INTERVIEWS:
        interview = interviews.record_interview(
            session, project, stakeholder=demo.stakeholder, held_on=demo.held_on, actor="bench"
        )
        for finding in demo.findings:
            found.append(
                interviews.add_finding(
                    session, interview, text=finding.text, kind=finding.kind, actor="bench"
                )
            )
    return found


def _requirements(
    session: Session,
    project: Project,
    rng: random.Random,
    count: int,
    found: list[Finding],
    steps: list[tuple[str, str]],
) -> list[Requirement]:
    """`count` classified requirements from findings, steps or neither; returns the gaps."""
    gaps = []
    for number in range(1, count + 1):
        fields = requirements.RequirementFields(
            f"Требование {number}: начислять баллы по правилу {number % 37}",
            rng.choice(["must", "should", "could", "wont"]),
            "Описание " * rng.randint(3, 30),
            rng.choice(AREAS),
        )
        kind = rng.random()
        if kind < 0.4:
            requirement = requirements.create_requirement(
                session, project, fields, actor="bench", source_finding=rng.choice(found)
            )
        elif kind < 0.7:
            requirement = requirements.create_requirement(
                session, project, fields, actor="bench", source_step=rng.choice(steps)
            )
        else:
            requirement = requirements.create_requirement(session, project, fields, actor="bench")
        for lineage, node in rng.sample(steps, rng.randint(1, 2)):
            if all((s.process_lineage, s.node_id) != (lineage, node) for s in requirement.steps):
                requirements.link_step(session, requirement, lineage, node, actor="bench")
        classification, capability, key = rng.choice(DECISIONS)
        requirements.classify(
            session,
            requirement,
            requirements.ClassificationFields(
                classification, capability, key, "процесс меняется", "Ким", "proposed"
            ),
            actor="bench",
        )
        if classification and classification.startswith("gap_"):
            gaps.append(requirement)
    return gaps


def _modifications(
    session: Session, project: Project, rng: random.Random, count: int, gaps: list[Requirement]
) -> None:
    """`count` modifications closing 1-4 gaps each, each depending on up to two earlier ones."""
    made = []
    for number in range(1, count + 1):
        closes = rng.sample(gaps, min(len(gaps), rng.randint(1, 4)))
        made.append(
            modifications.create_modification(
                session,
                project,
                modifications.ModificationFields(
                    f"Доработка {number}", Decimal(rng.randint(5, 200)) / 10, "must"
                ),
                actor="bench",
                requirements=closes,
            )
        )
    for index, modification in enumerate(made[1:], start=1):
        for prerequisite in rng.sample(made[:index], min(index, rng.randint(0, 2))):
            modifications.add_dependency(session, modification, prerequisite, actor="bench")


def _acceptance(session: Session, project: Project, rng: random.Random, n_requirements: int) -> None:
    """500 scenarios in 10 features, each tagged with one or two requirements, and one run of results."""
    scenarios = []
    for feature_number in range(10):
        blocks = []
        for i in range(50):
            tags = " ".join(f"@REQ-{rng.randint(1, n_requirements)}" for _ in range(rng.randint(1, 2)))
            blocks.append(
                f"  {tags}\n  Scenario: Начисление {feature_number}-{i}\n"
                "    Given the configuration under test\n    Then the receipt earns 0 points\n"
            )
        feature = acceptance.save_feature(
            session,
            project,
            f"bench_{feature_number}.feature",
            f"Feature: Набор {feature_number}\n\n" + "\n".join(blocks),
            actor="bench",
        )
        scenarios += feature.scenarios
    version = programme.create_version(
        session, "v1", (ROOT / "workbench/demo/v1.yaml").read_bytes(), actor="bench"
    )
    run = Run(
        project_id=project.id,
        config_version_id=version.id,
        config_label="v1",
        config_hash=version.content_hash,
        status="finished",
        total=len(scenarios),
        done=len(scenarios),
    )
    session.add(run)
    session.flush()
    for scenario in scenarios:
        session.add(
            Result(
                run_id=run.id,
                scenario_id=scenario.id,
                feature_id=scenario.feature_id,
                feature_name=scenario.feature.name,
                scenario_name=scenario.name,
                status=rng.choice(["passed"] * 8 + ["failed", "undefined"]),
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requirements", type=int, default=2000)
    parser.add_argument("--modifications", type=int, default=500)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--no-freeze", action="store_true", help="do not gc.freeze() the app's objects (workbench.wsgi does)"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gapmap-bench-"))
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "WTF_CSRF_ENABLED": False},
        instance_path=folder / "instance",
    )
    # As workbench.wsgi does in each gunicorn worker: the app's own objects frozen out of the
    # collector's scans (pass --no-freeze to measure without).
    if not args.no_freeze:
        gc.collect()
        gc.freeze()
    with app.app_context():
        metadata.create_all(db.engine)
        started = time.perf_counter()
        build(args.requirements, args.modifications)
        print(
            f"built {args.requirements} requirements, {args.modifications} modifications, 500 scenarios "
            f"in {time.perf_counter() - started:.1f} s (SQLite {folder / 'bench.db'})"
        )
        db.session.remove()
    gc.collect()  # the build's objects are garbage now; a server process never had them
    client = app.test_client()
    assert (
        client.post("/login", data={"username": "consultant", "password": "bench-password-1"}).status_code
        == 302
    )
    pages = [
        ("gap map (matrix + coverage)", f"/projects/{KEY}/gap-map", True),
        ("traceability (2,000 chains)", f"/projects/{KEY}/traceability", True),
        ("requirements list (2,000 rows)", f"/projects/{KEY}/requirements", False),
        ("modifications list (500, critical path)", f"/projects/{KEY}/modifications", False),
        ("one requirement", f"/projects/{KEY}/requirements/1000", False),
        ("one modification", f"/projects/{KEY}/modifications/250", False),
    ]
    print(f"{'page':<42} {'median':>9} {'min':>9} {'max':>9}   size")
    failed = []
    for name, url, targeted in pages:
        response = client.get(url)  # warm-up (template compilation, caches)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
        median = statistics.median(times)
        mark = ""
        if targeted:
            mark = "  ok" if median < TARGET_MS else f"  OVER {TARGET_MS:.0f} ms"
            if median >= TARGET_MS:
                failed.append(name)
        print(
            f"{name:<42} {median:>7.0f} ms {min(times):>7.0f} ms {max(times):>7.0f} ms   "
            f"{len(response.data) // 1024} KiB{mark}"
        )
    print(
        f"target: gap map and traceability under {TARGET_MS:.0f} ms: "
        f"{'met' if not failed else 'missed: ' + ', '.join(failed)}"
    )


if __name__ == "__main__":
    main()
