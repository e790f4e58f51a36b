"""The builders of the exports that run as jobs (see workbench.exports.service): each finds what
the page named, calls the domain's own document builder (unchanged) and names the file as the
page's download did."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from analytics.kpi.report import kpi_report as build_kpi_report
from analytics.kpi.report import programme_currency
from analytics.periods import Period
from gap_analysis.export import gap_map_xlsx
from process_models.enums import Variant
from rollout import readiness
from rollout import service as rollout
from rollout.errors import RolloutError
from rollout.models import RolloutPlan
from workbench.documents import service as documents_service
from workbench.documents.description import title_of
from workbench.exports.service import Built, ExportRefused
from workbench.extensions import db
from workbench.gapmap import service as gapmap_service
from workbench.projects.models import Project
from workbench.projects.service import ProjectError, get_project
from workbench.rollout import documents as rollout_documents
from workbench.rollout import service as rollout_pages
from workbench.signoff import exports as signoff_exports
from workbench.signoff import service as signoff_service

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GAP_MAP_RENDERERS = {"docx": (DOCX, gapmap_service.gap_map_document), "xlsx": (XLSX, gap_map_xlsx)}


def _project(session: Session, key: str) -> Project:
    try:
        return get_project(session, key)
    except ProjectError as error:
        raise ExportRefused(str(error)) from None


def _plan(session: Session, plan_id: int) -> RolloutPlan:
    try:
        return rollout.get_plan(session, plan_id)
    except RolloutError as error:
        raise ExportRefused(str(error)) from None


def _display_zone(default: str) -> str:
    return str(current_app.config.get("DISPLAY_TIMEZONE") or default)


def gap_map(session: Session, params: dict[str, Any], actor: str) -> Built:
    """The project's gap map as DOCX or XLSX (audited as `gapmap.export`)."""
    project, kind = _project(session, params["project"]), params["kind"]
    mimetype, render = GAP_MAP_RENDERERS[kind]
    data = gapmap_service.export_gap_map(
        session, project, render, kind=kind, actor=actor, timezone=_display_zone("Europe/Moscow")
    )
    return Built(data, f"{project.key} gap map.{kind}", mimetype)


def description(session: Session, params: dict[str, Any], actor: str) -> Built:
    """The project's AS-IS or TO-BE description (audited as `document.export`)."""
    project, variant = _project(session, params["project"]), Variant(params["variant"])
    data = documents_service.export_description(
        session, project, variant, actor=actor, timezone=_display_zone("Europe/Moscow")
    )
    return Built(data, f"{project.key} {title_of(variant)}.docx", DOCX)


def signoff_document(session: Session, params: dict[str, Any], actor: str) -> Built:
    """A sign-off package's approval sheet or prototype package (audited by the sign-off)."""
    try:
        package = signoff_service.get_package(session, params["package"])
        kind, lang = params["kind"], params["lang"]
        data = signoff_exports.export(
            session, package, kind, lang=lang, actor=actor, timezone=_display_zone("UTC")
        )
    except signoff_service.SignoffError as error:
        raise ExportRefused(str(error)) from None
    name = f"{package.project.key}-{'approval-sheet' if kind == 'sheet' else 'prototype-package'}-{lang}.docx"
    return Built(data, name, DOCX)


def go_no_go(session: Session, params: dict[str, Any], actor: str) -> Built:
    """The go/no-go of a plan's wave, with the gate's criteria as they stand when it is built."""
    plan, number = _plan(session, params["plan"]), params["wave"]
    try:
        wave = readiness.wave_by_number(plan, number)
    except RolloutError as error:
        raise ExportRefused(str(error)) from None
    data = rollout_documents.go_no_go_docx(session, plan, wave, rollout_pages.utcnow())
    return Built(data, f"go-no-go-plan-{plan.id}-wave-{number}.docx", DOCX)


def rollout_status(session: Session, params: dict[str, Any], actor: str) -> Built:
    """A plan's status by store."""
    plan = _plan(session, params["plan"])
    data = rollout_documents.status_xlsx(session, plan, rollout_pages.utcnow())
    return Built(data, f"rollout-status-plan-{plan.id}.xlsx", XLSX)


def rollout_feedback(session: Session, params: dict[str, Any], actor: str) -> Built:
    """A plan's store feedback, with the filters the feedback page had."""
    plan = _plan(session, params["plan"])
    data = rollout_documents.feedback_xlsx(session, plan, **params["filters"])
    return Built(data, f"feedback-plan-{plan.id}.xlsx", XLSX)


def kpi_report(session: Session, params: dict[str, Any], actor: str) -> Built:
    """The programme's KPI report as XLSX or DOCX, in the language the page asked for."""
    from workbench.programme_analytics.documents import kpi_docx, kpi_xlsx

    date_from, date_to = dt.date.fromisoformat(params["from"]), dt.date.fromisoformat(params["to"])
    kind, language = params["kind"], params["lang"]
    with db.engine.connect() as conn:
        report = build_kpi_report(conn, date_from, date_to, Period(params["period"]), use_rollups=True)
        currency = programme_currency(conn)
    data = kpi_xlsx(report, language) if kind == "xlsx" else kpi_docx(report, language, currency)
    name = f"kpi-{date_from.isoformat()}-{date_to.isoformat()}-{language}.{kind}"
    return Built(data, name, XLSX if kind == "xlsx" else DOCX)
