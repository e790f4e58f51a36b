"""The DEMO project's gap map (loaded by `workbench demo`) and the `workbench gap` commands."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from gap_analysis.enums import Classification
from gap_analysis.traceability import Hop, HopState, trace_all
from loyalty_core.capabilities import get_capability
from tests.workbench.conftest import download
from workbench.demo.gapmap import MODIFICATIONS, REQUIREMENTS
from workbench.extensions import db
from workbench.gapmap import service
from workbench.projects.service import get_project
from workbench.requirements.models import Requirement


@pytest.fixture
def demo(app: Flask) -> Flask:
    result = app.test_cli_runner().invoke(args=["demo", "--members", "5"])
    assert result.exit_code == 0, result.output
    return app


def test_the_demo_content_names_real_capabilities_and_keys() -> None:
    assert len(REQUIREMENTS) >= 30
    assert [r.number for r in REQUIREMENTS] == list(range(1, len(REQUIREMENTS) + 1))
    for requirement in REQUIREMENTS:
        if requirement.capability:
            capability = get_capability(requirement.capability)
            if requirement.config_key:
                assert requirement.config_key in capability.config_keys, requirement.number
    for modification in MODIFICATIONS:
        for number in modification.requirements:
            assert REQUIREMENTS[number - 1].classification.startswith("gap_")  # type: ignore[union-attr]


def test_the_demo_project_carries_every_classification(demo: Flask) -> None:
    with demo.app_context():
        project = get_project(db.session(), "DEMO")
        records = service.requirement_records(db.session(), project)
        kinds = Counter(r.classification for r in records)
        assert set(kinds) == {*Classification, None}
        assert len(records) == len(REQUIREMENTS)
        report = service.gap_map_report(db.session(), project)
        assert len(report.modifications) == len(MODIFICATIONS)
        assert report.total_effort_days == sum((m.days for m in MODIFICATIONS), Decimal("0.0"))
        # MOD-5 (card migration, 10 days) -> MOD-2 (customer portal, 25 days) is the longest chain.
        assert report.critical_path == ("MOD-5", "MOD-2") and report.critical_path_days == Decimal("35.0")
        # Every hop type shows up in the DEMO's chains, both there and missing.
        states = {(check.hop, check.state) for row in trace_all(records) for check in row.checks}
        for hop in Hop:
            if (
                hop is not Hop.result
            ):  # no acceptance run is stored with the demo: every result is "never run"
                assert (hop, HopState.ok) in states, hop
        assert (Hop.result, HopState.missing) in states
        assert (Hop.classification, HopState.missing) in states and (Hop.source, HopState.missing) in states
        tagged = [r for r in records if r.scenarios]
        assert len(tagged) >= 15  # the demo's client scenarios are tagged with its requirements


def test_gap_export_writes_docx_and_xlsx(demo: Flask, tmp_path: Path) -> None:
    runner = demo.test_cli_runner()
    for kind in ("docx", "xlsx"):
        target = tmp_path / f"gap.{kind}"
        result = runner.invoke(
            args=["gap", "export", "--project", "DEMO", "--format", kind, "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        assert f"wrote {target}" in result.output
    texts = [c.text for t in Document(str(tmp_path / "gap.docx")).tables for row in t.rows for c in row.cells]
    assert "REQ-31" in texts and "MOD-6" in texts
    sheet = load_workbook(tmp_path / "gap.xlsx")["Requirements"]
    assert sheet.max_row == len(REQUIREMENTS) + 1
    result = runner.invoke(args=["gap", "export", "--project", "NOPE", "--format", "docx", "-o", str(target)])
    assert result.exit_code == 1 and "no project 'NOPE'" in result.output


def test_gap_import_is_all_or_nothing_and_an_export_reimports(demo: Flask, tmp_path: Path) -> None:
    runner = demo.test_cli_runner()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Title;Priority;Classification\nОтчёт;Must;gap_report\nОтчёт 2;Sometimes;\n;Must;\n",
        encoding="cp1251",
    )
    result = runner.invoke(args=["gap", "import", "--project", "DEMO", str(bad)])
    assert result.exit_code == 1
    assert "line 3, column Priority" in result.output and "line 4, column Title" in result.output
    with demo.app_context():
        assert db.session.scalar(select(func.count(Requirement.id))) == len(REQUIREMENTS)

    def decisions() -> list[tuple[object, ...]]:
        with demo.app_context():
            records = service.requirement_records(db.session(), get_project(db.session(), "DEMO"))
            return [
                (
                    r.number,
                    r.title,
                    r.priority,
                    r.process_area,
                    r.classification,
                    r.capability,
                    r.config_key,
                    r.rationale,
                    r.owner,
                    r.status,
                )
                for r in records
            ]

    before = decisions()
    exported = tmp_path / "gap.xlsx"
    assert (
        runner.invoke(
            args=["gap", "export", "--project", "DEMO", "--format", "xlsx", "-o", str(exported)]
        ).exit_code
        == 0
    )
    result = runner.invoke(args=["gap", "import", "--project", "DEMO", str(exported)])
    assert result.exit_code == 0, result.output
    assert f"gap.xlsx: 0 created, {len(REQUIREMENTS)} updated" in result.output
    assert decisions() == before  # what the client's PM gets back re-imports to the same gap map


def test_gap_summary_prints_the_figures(demo: Flask) -> None:
    result = demo.test_cli_runner().invoke(args=["gap", "summary", "--project", "DEMO"])
    assert result.exit_code == 0, result.output
    assert f"requirements: {len(REQUIREMENTS)}; Must covered:" in result.output
    assert "critical path MOD-5 -> MOD-2 (35.0 person-days)" in result.output


def test_the_demo_pages_render_for_a_consultant(demo: Flask) -> None:
    client = demo.test_client()
    client.post("/login", data={"username": "consultant", "password": "correct-horse-9"})
    for url in (
        "/projects/DEMO/gap-map",
        "/projects/DEMO/traceability",
        "/projects/DEMO/requirements",
        "/projects/DEMO/requirements/15",
        "/projects/DEMO/modifications",
        "/projects/DEMO/requirements/candidates",
    ):
        assert client.get(url).status_code == 200, url
    docx = download(client, "/projects/DEMO/gap-map.docx")
    # The title page names the project under the document's name.
    styled = {p.style.name: p.text for p in Document(io.BytesIO(docx.data)).paragraphs[:4] if p.style}
    assert styled["Subtitle"].startswith("Свежий рынок") and styled["Title"]


def test_an_acceptance_run_fills_the_last_hop_of_the_chains(demo: Flask) -> None:
    """After `accept run --config v2` the traceability chain ends in each scenario's result: REQ-15's
    17000.00 wholesale check fails on v2 (the client asked for 15000.00), REQ-6 passes, and the
    Must coverage counts requirements proved by a scenario."""
    result = demo.test_cli_runner().invoke(
        args=["accept", "run", "--project", "DEMO", "--config", "v2", "--quiet"]
    )
    assert "passed" in result.output
    with demo.app_context():
        records = {
            r.number: r for r in service.requirement_records(db.session(), get_project(db.session(), "DEMO"))
        }
    rows = {row.requirement.number: row for row in trace_all(records.values())}
    assert {s.status for s in records[6].scenarios} == {"passed"}
    assert {s.config_label for s in records[6].scenarios} == {"v2"}
    assert rows[6].check(Hop.result).state is HopState.ok
    failing = rows[15].check(Hop.result)
    assert failing.state is HopState.failing and "(failed)" in failing.problem
    client = demo.test_client()
    client.post("/login", data={"username": "approver", "password": "correct-horse-9"})
    page = client.get("/projects/DEMO/traceability").get_data(as_text=True)
    row = page.split('id="REQ-15"')[1].split("</tr>")[0]
    assert 'class="hop failing"' in row and "failed · v2" in row
