"""The analytics pages: dashboard with charts, JSON per KPI, pilot evaluation, and who may see them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.analytics.pilot_ledger import CONTROLS, PILOT_END, PILOT_START, PILOTS, generate_pilot_ledger
from tests.analytics.test_kpis import build
from tests.workbench.conftest import download
from workbench.extensions import db

PILOT_QUERY = (
    f"pilot={','.join(PILOTS)}&control={','.join(CONTROLS)}&from={PILOT_START}&to={PILOT_END}&pre_weeks=8"
)


def test_the_dashboard_draws_its_charts_and_shows_each_formula(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        build(db.engine)
    page = login_as("consultant").get("/analytics/?from=2026-01-01&to=2026-03-31").get_data(as_text=True)
    assert page.count("<svg") == 4  # members, money, liability, cohort heat map
    assert "Points liability at period end" in page and "Cohort retention" in page
    assert "Average check = sum of purchase check totals ÷ purchases" in page
    assert "300.50" in page  # January's net sales in the table


def test_a_kpi_as_read_only_json(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    with app.app_context():
        build(db.engine)
    client = login_as("approver")
    data = client.get("/analytics/kpi/average_check.json?from=2026-01-01&to=2026-02-28&by=tier").get_json()
    assert {"period_start": "2026-01-01", "group": "base", "average_check": "75.25"} in data["rows"]
    assert list(data["kpis"]) == ["average_check"]
    assert client.get("/analytics/kpi/no_such_kpi.json").status_code == 404
    assert client.post("/analytics/kpi/average_check.json").status_code == 405  # read-only
    assert client.get("/analytics/kpi/average_check.json?by=planet").status_code == 400


def test_anonymous_visitors_sign_in_first(client: FlaskClient) -> None:
    for url in ("/analytics/", "/analytics/pilot", "/analytics/kpi/retention.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_the_pilot_evaluation_is_for_rollout_managers_and_approvers(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        generate_pilot_ledger(db.engine, lift=0.10)
    client = login_as("rollout_manager")
    page = client.get(f"/analytics/pilot?{PILOT_QUERY}").get_data(as_text=True)
    assert "Net sales per store and week: pilot vs control" in page
    assert "Average check: the pilot raised it by" in page
    assert "Guardrail passed" in page
    client.post("/logout")
    assert login_as("consultant").get(f"/analytics/pilot?{PILOT_QUERY}").status_code == 403


def test_without_control_stores_the_page_suggests_matched_ones(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        generate_pilot_ledger(db.engine, lift=0.10)
    page = (
        login_as("rollout_manager")
        .get(f"/analytics/pilot?pilot={','.join(PILOTS)}&from={PILOT_START}&to={PILOT_END}")
        .get_data(as_text=True)
    )
    assert "Suggested control stores" in page and "Match score" in page
    assert "Verdict" in page


def test_after_a_rollup_refresh_the_dashboard_says_how_fresh_it_is(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        build(db.engine)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rollups", "--period", "month"])
    assert result.exit_code == 0 and "rollup rows refreshed" in result.output
    client = login_as("consultant")
    page = client.get("/analytics/?from=2026-01-01&to=2026-02-28").get_data(as_text=True)
    assert "Figures as of the last refresh" in page and "300.50" in page
    data = client.get("/analytics/kpi/net_sales.json?from=2026-01-01&to=2026-02-28").get_json()
    assert data["as_of"] is not None and data["rows"][0]["net_sales"] == "300.50"


def test_the_kpi_report_downloads_as_xlsx_and_docx(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    import io

    from docx import Document
    from openpyxl import load_workbook

    with app.app_context():
        build(db.engine)
    client = login_as("approver")
    xlsx = download(client, "/analytics/report.xlsx?from=2026-01-01&to=2026-02-28&lang=en")
    assert (
        xlsx.status_code == 200 and "kpi-2026-01-01-2026-02-28-en.xlsx" in xlsx.headers["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(xlsx.data))["KPIs"]
    header = [c.value for c in sheet[1]]
    january = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert january["Net sales"] == 300.5 and january["Group"] == "all"  # XLSX keeps numbers as numbers
    assert sheet.cell(row=2, column=header.index("Average check") + 1).number_format == "#,##0.00"
    docx = download(client, "/analytics/report.docx?from=2026-01-01&to=2026-02-28&lang=en")
    document = Document(io.BytesIO(docx.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Programme KPI report" in text and "Average check = sum of purchase check totals" in text
    assert len(document.inline_shapes) == 3  # the members, money and liability charts
    assert "300.50" in [cell.text for row in document.tables[0].rows for cell in row.cells]
    russian = Document(
        io.BytesIO(download(client, "/analytics/report.docx?from=2026-01-01&to=2026-02-28&lang=ru").data)
    )
    cells = [cell.text for table in russian.tables for row in table.rows for cell in row.cells]
    assert "300,50" in cells and "01.01.2026" in cells  # numbers and dates as Russian writes them
    assert client.get("/analytics/report.pdf").status_code == 404
    assert client.get("/analytics/report.docx?lang=de").status_code == 400


def test_a_programme_without_purchases_still_shows_its_dashboard(
    login_as: Callable[[str], FlaskClient],
) -> None:
    client = login_as("rollout_manager")
    page = client.get("/analytics/?period=week")
    assert (
        page.status_code == 200 and page.get_data(as_text=True).count("<svg") == 3
    )  # no cohort yet: no heat map
    assert client.get("/analytics/?from=2026-13-01").status_code == 400
    unknown = client.get("/analytics/pilot?pilot=R001,R002&control=R003,R004&from=2026-03-02&to=2026-03-29")
    assert "pilot: no store R001, R002" in unknown.get_data(as_text=True)  # said on the page, nothing drawn
