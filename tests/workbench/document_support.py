"""Every DOCX the workbench writes, built from the demo in one language (for the layout checks)."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select

from analytics.kpi.report import kpi_report, programme_currency
from process_models.enums import Variant
from rollout.models import RolloutPlan
from workbench.documents.service import export_description
from workbench.extensions import db
from workbench.gapmap import service as gapmap
from workbench.programme_analytics.documents import kpi_docx
from workbench.projects.service import get_project
from workbench.rollout.documents import go_no_go_docx
from workbench.signoff import exports as signoff_exports
from workbench.signoff.models import Package


def load_demo(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--members", "5"])
    assert result.exit_code == 0, result.output


def demo_documents(app: Flask, lang: str) -> dict[str, bytes]:
    """Name -> .docx bytes of each document kind, from the loaded demo, in `lang`."""
    with app.app_context(), force_locale(lang):
        session = db.session()
        project = get_project(session, "DEMO")
        documents = {
            "as-is": export_description(session, project, Variant.as_is, actor="t"),
            "to-be": export_description(session, project, Variant.to_be, actor="t"),
            "gap-map": gapmap.export_gap_map(
                session, project, gapmap.gap_map_document, kind="docx", actor="t", timezone="Europe/Moscow"
            ),
        }
        package = session.scalars(select(Package).order_by(Package.id)).first()
        assert package is not None
        for kind in ("sheet", "package"):
            documents[f"signoff-{kind}"] = signoff_exports.export(
                session, package, kind, lang=lang, actor="t", timezone="Europe/Moscow"
            )
        plan = session.scalars(select(RolloutPlan).order_by(RolloutPlan.id)).first()
        assert plan is not None and plan.waves
        documents["go-no-go"] = go_no_go_docx(session, plan, plan.waves[0], dt.datetime.now(dt.UTC))
        session.rollback()
        today = dt.date.today()
        with db.engine.connect() as conn:
            report = kpi_report(conn, today - dt.timedelta(days=90), today)
            currency = programme_currency(conn)
        documents["kpi"] = kpi_docx(report, lang, currency, programme="Свежий рынок — Клуб")
    return documents
