"""The share of sales with a card as a user gets it: till totals imported by the CLI or uploaded
on the page (a job), then on the dashboard, in the JSON endpoint, the CSV/XLSX exports; the
demo's till totals; the rollups refreshed by the job runner and how fresh the dashboard says
they are."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from analytics.kpi.facts import Dimension
from analytics.kpi.report import kpi_report
from analytics.periods import Period
from analytics.rollups.tables import rollup_refreshes
from analytics.tills.tables import till_totals
from tests.analytics.test_kpis import build
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.jobs.models import Job

# The till totals of tests/analytics/test_kpis.py's ledger (its card share test computes the
# shares by hand: January 0.1306, February 0.1560, R002 in February 0.5000).
TILLS = (
    "Магазин;Дата;Выручка\n"
    "R001;05.01.2026;400,00\n"
    "R001;2026-01-15;101.00\n"
    "R001;2026-01-20;800\n"
    "R001;2026-01-25;1000.00\n"
    "R002;2026-02-03;226.66\n"
    "W001;2026-02-11;500.00\n"
    "R002;2026-03-02;40.00\n"
)
BAD = "store,date,total\nR001,2026-01-05,400.00\nR404,2026-01-06,1\nR001,someday,1\n"


def count_tills(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(till_totals)) or 0)


def test_the_cli_imports_till_totals_and_the_card_share_reaches_every_output(
    app: Flask, tmp_path: Path
) -> None:
    with app.app_context():
        build(db.engine)
    source = tmp_path / "kassa.csv"
    source.write_text(TILLS, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["analytics", "till-totals", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "kassa.csv: 7 till total(s) of 3 store(s), 2026-01-05..2026-03-02 (0 replaced)" in result.output
    kpis = runner.invoke(args=["kpi", "--from", "2026-01-01", "--to", "2026-02-28", "--json"])
    rows = {r["period_start"]: r for r in json.loads(kpis.output)["rows"]}
    assert (rows["2026-01-01"]["card_share"], rows["2026-02-01"]["card_share"]) == ("0.1306", "0.1560")
    out = tmp_path / "kpi.csv"
    runner.invoke(
        args=["export", "kpi", "-o", str(out), "--from", "2026-02-01", "--to", "2026-02-28", "--by", "store"]
    )
    by_store = {r["group"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert by_store["R002"]["card_share"] == "0.5000" and by_store["W001"]["card_share"] == "0.0000"
    book = tmp_path / "kpi.xlsx"
    runner.invoke(
        args=["export", "kpi", "-o", str(book), "--from", "2026-01-01", "--to", "2026-02-28", "--lang", "en"]
    )
    sheet = openpyxl.load_workbook(book).worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    column = header.index("Share of sales with a card")
    assert [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        pytest.approx(0.1306),
        pytest.approx(0.1560),
    ]
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "analytics.till_totals"))
        assert entry is not None and entry.actor == "cli"


def test_a_bad_file_names_every_line_and_stores_nothing(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        build(db.engine)
    source = tmp_path / "bad.csv"
    source.write_text(BAD, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["analytics", "till-totals", "import", str(source)])
    assert result.exit_code == 1
    assert "bad.csv: 1 problem(s); nothing imported" in result.output
    assert "line 4, date: 'someday' is not a date" in result.output
    fixed = tmp_path / "bad2.csv"
    fixed.write_text(BAD.replace("someday", "2026-01-07"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["analytics", "till-totals", "import", str(fixed)])
    assert result.exit_code == 1 and "line 3, store: no store R404 in the register" in result.output
    assert count_tills(app) == 0  # R001's good line is not stored either


def test_the_page_upload_runs_as_a_job_and_the_dashboard_shows_the_share(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        build(db.engine)
    client = login_as("rollout_manager")
    assert "No till totals imported yet" in client.get("/analytics/till-totals").get_data(as_text=True)
    response = client.post(
        "/analytics/till-totals",
        data={"upload": (io.BytesIO(TILLS.encode()), "kassa.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "analytics.till_totals"))
        assert job is not None and job.state == "finished" and job.upload is None
        assert job.result["rows"] == 7 and "KPI rollups refreshed" in job.message
    coverage = client.get("/analytics/till-totals").get_data(as_text=True)
    assert "7 store-day(s) of 3 store(s), 2026-01-05 to 2026-03-02" in coverage
    page = client.get("/analytics/?from=2026-01-01&to=2026-02-28").get_data(as_text=True)
    assert 'id="card-share-chart"' in page and "0.1306" in page
    assert "Share of sales with a card = card (member) net sales ÷ till totals" in page
    assert (
        "Figures as of the last refresh" in page and "the job runner refreshes them every 15 minutes" in page
    )
    data = client.get("/analytics/kpi/card_share.json?from=2026-02-01&to=2026-02-28&by=direction").get_json()
    assert {"period_start": "2026-02-01", "group": "wholesale", "card_share": "0.0000"} in data["rows"]
    assert data["as_of"] is not None  # read from the rollups the import refreshed


def test_a_bad_upload_fails_its_job_with_every_line_and_only_some_roles_upload(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        build(db.engine)
    client = login_as("consultant")
    client.post(
        "/analytics/till-totals",
        data={"upload": (io.BytesIO(BAD.encode()), "bad.csv")},
        content_type="multipart/form-data",
    )
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "analytics.till_totals"))
        assert job is not None and job.state == "failed"
        assert "line 4, date: 'someday' is not a date" in job.message
    assert count_tills(app) == 0
    client.post("/logout")
    approver = login_as("approver")
    assert approver.get("/analytics/till-totals").status_code == 403
    upload = {"upload": (io.BytesIO(TILLS.encode()), "kassa.csv")}
    assert (
        approver.post("/analytics/till-totals", data=upload, content_type="multipart/form-data").status_code
        == 403
    )


def test_the_job_runner_refreshes_the_rollups_every_15_minutes(app: Flask) -> None:
    with app.app_context():
        build(db.engine)
    huey = app.extensions["jobs"].huey
    assert "workbench.refresh_rollups" not in {
        t.name for t in huey.read_periodic(dt.datetime(2026, 12, 4, 3, 7))
    }
    due = {t.name: t for t in huey.read_periodic(dt.datetime(2026, 12, 4, 3, 15))}
    huey.execute(due["workbench.refresh_rollups"])
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(rollup_refreshes)) == 3 * 5
        )  # units x groupings


def test_the_demo_has_till_totals_and_its_rollups_are_refreshed_after_the_load(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo"])  # as `make run` loads it (300 members)
    assert result.exit_code == 0, result.output
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "analytics.rollups"))
        assert job is not None and job.state == "finished"  # started by the demo load
        today = dt.datetime.now(dt.UTC).date()
        with db.engine.connect() as conn:
            report = kpi_report(
                conn,
                today - dt.timedelta(weeks=6),
                today - dt.timedelta(days=1),
                Period.week,
                Dimension.direction,
            )
    shares = {
        g: [r.values["card_share"] for r in report.rows if r.group == g] for g in ("retail", "wholesale")
    }
    # analytics.yaml: 62% of retail sales and 81% of wholesale sales are paid with a card (±6% a day).
    assert all(Decimal("0.55") <= s <= Decimal("0.69") for s in shares["retail"] if s is not None)
    assert all(Decimal("0.74") <= s <= Decimal("0.88") for s in shares["wholesale"] if s is not None)
    assert sum(s is not None for s in shares["retail"]) >= 5
    with app.app_context():  # the v2 plan's gate reads its KPI guardrail (analytics.yaml)
        from rollout import service as rollout
        from workbench.programme_analytics.gate import NAME

        plan = rollout.get_plan(db.session(), 1)
        results = {
            r.name: r for r in rollout.gate_for(db.session(), plan, plan.waves[1], dt.datetime.now(dt.UTC))
        }
        evidence = results[NAME].evidence
        assert evidence["threshold_pct"] == "5.00" and evidence["limits"] == {"average_check": "3.00"}
        assert [c["kpi"] for c in evidence["checks"]] == [
            "average_check",
            "purchase_frequency",
            "sales_per_store",
            "retention",
        ]
