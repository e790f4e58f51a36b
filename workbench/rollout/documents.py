"""The rollout's documents: the go/no-go DOCX of a gate, the status XLSX of a plan, the feedback
log XLSX. Built from the same rows the pages show; texts go through gettext like the pages."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from docx.document import Document as DocxDocument
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from loyalty_core.stores.models import Store
from rollout import readiness
from rollout import service as rollout
from rollout.models import GateDecision, RolloutPlan, RolloutWave
from rollout.status import plan_rows
from workbench.documents.layout import TitlePage, finish, new_document
from workbench.projects.models import Project


def latest_decision(session: Session, wave: RolloutWave) -> GateDecision | None:
    return session.scalars(
        select(GateDecision).where(GateDecision.wave_id == wave.id).order_by(GateDecision.id.desc()).limit(1)
    ).first()


def gate_criteria(
    session: Session, plan: RolloutPlan, wave: RolloutWave, now: dt.datetime
) -> tuple[list[dict[str, Any]], GateDecision | None]:
    """The decided gate's snapshot when there is one, else the gate as it stands now."""
    decision = latest_decision(session, wave)
    if decision is not None:
        return list(decision.criteria), decision
    return [r.as_dict() for r in rollout.gate_for(session, plan, wave, now)], None


def go_no_go_docx(session: Session, plan: RolloutPlan, wave: RolloutWave, now: dt.datetime) -> bytes:
    version = session.get(ConfigVersion, plan.version_id)
    criteria, decision = gate_criteria(session, plan, wave, now)
    document = new_document()
    document.add_paragraph(
        _(
            "Project %(project)s, configuration version %(version)s",
            project=plan.project_key,
            version=version.label if version else "?",
        )
    )
    document.add_heading(_("Criteria"), level=1)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, (_("Criterion"), _("Result"), _("Evidence")), strict=True):
        cell.paragraphs[0].add_run(title).bold = True
    for c in criteria:
        row = table.add_row().cells
        row[0].text, row[1].text = c["title"], _("met") if c["ok"] else _("NOT met")
        row[2].text = evidence_text(c["evidence"])
    document.add_heading(_("Decision"), level=1)
    document.add_paragraph(_decision_text(criteria, decision, now))
    if decision is not None and decision.override_reason:
        document.add_paragraph(_("Override reason: %(reason)s", reason=decision.override_reason))
    _stores(session, document, wave)
    project = session.scalar(select(Project).where(Project.key == plan.project_key))
    title_page = TitlePage(
        client=project.client if project else "",
        project=project.name if project else plan.project_key,
        title=_("Go/no-go: plan %(plan)s, wave %(wave)s", plan=plan.id, wave=wave.number),
        version=_("configuration version %(version)s", version=version.label if version else "?"),
        date=now.date(),
        status=_decision_word(decision.decision) if decision is not None else _("not decided"),
    )
    return finish(document, title_page)


def _decision_text(criteria: list[dict[str, Any]], decision: GateDecision | None, now: dt.datetime) -> str:
    if decision is None:
        is_open = all(c["ok"] for c in criteria)
        return _(
            "Not decided yet; the gate is %(state)s as of %(now)s (UTC).",
            state=_("open") if is_open else _("closed"),
            now=now.strftime("%Y-%m-%d %H:%M"),
        )
    return _(
        "%(decision)s by %(who)s on %(when)s (UTC).",
        decision=_decision_word(decision.decision),
        who=decision.decided_by,
        when=decision.decided_at.strftime("%Y-%m-%d %H:%M"),
    )


def _decision_word(decision: str) -> str:
    """A stored gate decision (advance | override) as the document's language says it."""
    words = {"advance": _("advance"), "override": _("override")}
    return words.get(decision, decision)


def _stores(session: Session, document: DocxDocument, wave: RolloutWave) -> None:
    document.add_heading(_("Stores of wave %(wave)s", wave=wave.number), level=1)
    codes = session.execute(
        select(Store.code, Store.name, Store.region, Store.timezone)
        .where(Store.id.in_([ws.store_id for ws in wave.stores]))
        .order_by(Store.code)
    ).all()
    stores = document.add_table(rows=1, cols=4)
    stores.style = "Table Grid"
    for cell, title in zip(
        stores.rows[0].cells, (_("Code"), _("Name"), _("Region"), _("Time zone")), strict=True
    ):
        cell.paragraphs[0].add_run(title).bold = True
    for code, name, region, tz in codes:
        cells = stores.add_row().cells
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = code, name, region, tz


def evidence_text(evidence: Any) -> str:
    """A criterion's evidence as a reader takes it in: one "name: value" line per field, lists
    joined with commas (the stored evidence is JSON)."""
    if not isinstance(evidence, dict):
        return json.dumps(evidence, ensure_ascii=False, default=str) if evidence not in (None, "") else ""
    lines = []
    for key, value in evidence.items():
        if isinstance(value, list | tuple):
            shown = ", ".join(str(v) for v in value) or "—"
        elif isinstance(value, dict):
            shown = "; ".join(f"{k}: {v}" for k, v in value.items()) or "—"
        else:
            shown = "—" if value is None else str(value)
        lines.append(f"{str(key).replace('_', ' ')}: {shown}")
    return "\n".join(lines)


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.active  # each of these workbooks has one sheet
    assert sheet is not None
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"


def status_xlsx(session: Session, plan: RolloutPlan, now: dt.datetime) -> bytes:
    """Every store of the plan with its version, wave and switch time (UTC and the store's local)."""
    book = Workbook()
    header = [
        _("Store"),
        _("Name"),
        _("Direction"),
        _("Region"),
        _("Time zone"),
        _("Wave"),
        _("Current version"),
        _("Planned version"),
        _("Switch (UTC)"),
        _("Switch (local)"),
        _("State"),
    ]
    rows = [
        [
            r.code,
            r.name,
            r.direction,
            r.region,
            r.timezone,
            r.wave,
            r.current or "",
            r.planned,
            r.switch_at.strftime("%Y-%m-%d %H:%M") if r.switch_at else "",
            r.switch_local.strftime("%Y-%m-%d %H:%M") if r.switch_local else "",
            r.state,
        ]
        for r in plan_rows(session, plan, now)
    ]
    _sheet(book, _("Rollout status"), header, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def feedback_xlsx(session: Session, plan: RolloutPlan, **filters: Any) -> bytes:
    book = Workbook()
    header = [
        _("Id"),
        _("Store"),
        _("Reporter"),
        _("Severity"),
        _("Category"),
        _("Text"),
        _("Link"),
        _("Status"),
        _("Created (UTC)"),
    ]
    rows = [
        [
            item.id,
            code or "",
            item.reporter,
            item.severity,
            item.category,
            item.text,
            item.link,
            item.status,
            item.created_at.strftime("%Y-%m-%d %H:%M"),
        ]
        for item, code in readiness.feedback(session, plan, **filters)
    ]
    _sheet(book, _("Feedback"), header, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
