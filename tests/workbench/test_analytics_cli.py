"""`workbench kpi | forecast | pilot | export` as a consultant or rollout manager runs them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from flask import Flask

from tests.analytics.cdnow import CDNOW
from tests.analytics.pilot_ledger import CONTROLS, PILOT_END, PILOT_START, PILOTS, generate_pilot_ledger
from tests.analytics.test_kpis import build
from workbench.extensions import db


def _engine(app: Flask):  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.engine


def test_kpi_prints_the_hand_made_ledgers_figures_as_json(app: Flask) -> None:
    build(_engine(app))
    result = app.test_cli_runner().invoke(
        args=["kpi", "--from", "2026-01-01", "--to", "2026-02-28", "--by", "store", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    r001_january = next(r for r in data["rows"] if r["group"] == "R001" and r["period_start"] == "2026-01-01")
    assert r001_january["net_sales"] == "300.50" and r001_january["active_members"] == 2
    assert "÷" in data["kpis"]["average_check"]["formula"]


def test_forecast_fit_reads_an_external_purchase_log_with_a_holdout(app: Flask, tmp_path: Path) -> None:
    log = tmp_path / "cdnow.txt"
    log.write_text(
        "customer index date cds amount\n" + CDNOW.read_text()
    )  # whitespace separated, header line
    result = app.test_cli_runner().invoke(
        args=[
            "forecast",
            "fit",
            "--json",
            "--csv",
            str(log),
            "--customer-column",
            "customer",
            "--date-column",
            "date",
            "--date-format",
            "%Y%m%d",
            "--calibration-end",
            "1997-09-30",
            "--holdout-end",
            "1998-06-30",
            "--chart",
            str(tmp_path / "holdout.svg"),
        ]
    )
    assert result.exit_code == 0, result.output
    fit = json.loads(result.output)
    chart = (tmp_path / "holdout.svg").read_text()
    assert "Expected (BG/NBD), total 1,653" in chart and "Actual, total 1,882" in chart
    assert (round(fit["r"], 3), round(fit["alpha"], 3), round(fit["a"], 3), round(fit["b"], 3)) == (
        0.243,
        4.414,
        0.793,
        2.426,
    )
    assert abs(fit["holdout_expected"] - 1653) <= 1653 * 0.005 and fit["holdout_actual"] == 1882


def test_forecast_fit_names_a_missing_column(app: Flask, tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("client,day\nA,2026-01-01\n")
    result = app.test_cli_runner().invoke(
        args=[
            "forecast",
            "fit",
            "--csv",
            str(log),
            "--customer-column",
            "customer",
            "--date-column",
            "day",
            "--calibration-end",
            "2026-02-01",
        ]
    )
    assert result.exit_code == 1 and "no column customer (columns: client, day)" in result.output


def test_forecast_members_and_pilot_evaluate_over_the_ledger(app: Flask, tmp_path: Path) -> None:
    generate_pilot_ledger(_engine(app), lift=0.10)
    runner = app.test_cli_runner()
    out = tmp_path / "members.csv"
    result = runner.invoke(args=["forecast", "members", "-o", str(out), "--calibration-end", "2026-03-29"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 96 and all(0 <= float(r["p_alive"]) <= 1 for r in rows)
    assert all(
        float(r["purchases_30d"]) <= float(r["purchases_90d"]) <= float(r["purchases_365d"]) for r in rows
    )
    assert all(
        r["value_90d"].count(".") == 1 and len(r["value_90d"].split(".")[1]) == 2 for r in rows
    )  # to the cent
    evaluated = runner.invoke(
        args=[
            "pilot",
            "evaluate",
            "--pilot",
            ",".join(PILOTS),
            "--control",
            ",".join(CONTROLS),
            "--from",
            PILOT_START.isoformat(),
            "--to",
            PILOT_END.isoformat(),
            "--pre-weeks",
            "8",
            "--json",
        ]
    )
    assert evaluated.exit_code == 0, evaluated.output
    check = next(e for e in json.loads(evaluated.output)["effects"] if e["metric"] == "average_check")
    assert check["finding"] == "lift" and check["low"] <= 0.10 <= check["high"]
    guard = runner.invoke(
        args=[
            "pilot",
            "guardrail",
            "--pilot",
            ",".join(PILOTS),
            "--control",
            ",".join(CONTROLS),
            "--from",
            PILOT_START.isoformat(),
            "--to",
            PILOT_END.isoformat(),
            "--pre-weeks",
            "8",
        ]
    )
    assert guard.exit_code == 0 and "guardrail passed" in guard.output
    bad = runner.invoke(
        args=[
            "pilot",
            "evaluate",
            "--pilot",
            "R001,R404",
            "--control",
            "R004,R005",
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-29",
        ]
    )
    assert bad.exit_code == 1 and "no store R404" in bad.output


def test_export_streams_transactions_members_and_kpis(app: Flask, tmp_path: Path) -> None:
    build(_engine(app))
    runner = app.test_cli_runner()
    for what, expected in (("transactions", 9), ("members", 4)):
        out = tmp_path / f"{what}.csv"
        result = runner.invoke(args=["export", what, "-o", str(out)])
        assert result.exit_code == 0 and f"{expected} rows" in result.output, result.output
        assert len(list(csv.reader(out.open()))) == expected + 1
    rows = list(csv.DictReader((tmp_path / "transactions.csv").open()))
    assert rows[0]["check_total"] == "100.00" and rows[0]["store"] == "R001" and "phone" not in rows[0]
    kpi = tmp_path / "kpi.csv"
    assert (
        runner.invoke(
            args=["export", "kpi", "-o", str(kpi), "--from", "2026-01-01", "--to", "2026-02-28"]
        ).exit_code
        == 0
    )
    february = list(csv.DictReader(kpi.open()))[1]
    assert (february["period_start"], february["liability"], february["average_check"]) == (
        "2026-02-01",
        "38.00",
        "371.11",
    )
    report = tmp_path / "kpi.docx"
    made = runner.invoke(
        args=[
            "export",
            "kpi",
            "-o",
            str(report),
            "--from",
            "2026-01-01",
            "--to",
            "2026-02-28",
            "--lang",
            "en",
        ]
    )
    assert made.exit_code == 0 and report.read_bytes()[:2] == b"PK"  # a DOCX is a zip
