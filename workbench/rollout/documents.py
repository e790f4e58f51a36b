"""The rollout's documents: the go/no-go DOCX of a gate, the status XLSX of a plan, the feedback
log XLSX. Built from the same rows the pages show; texts go through gettext like the pages."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from docx import Document
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
    document = Document()
    document.add_heading(_("Go/no-go: plan %(plan)s, wave %(wave)s", plan=plan.id, wave=wave.number), level=0)
    document.add_paragraph(
        _(
            "Project %(project)s, configuration version %(version)s",
            project=plan.project_key,
            version=version.label if version else "?",
        )
    )
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, (_("Criterion"), _("Result"), _("Evidence")), strict=True):
        cell.text = title
    for c in criteria:
        row = table.add_row().cells
        row[0].text, row[1].text = c["title"], _("met") if c["ok"] else _("NOT met")
        row[2].text = json.dumps(c["evidence"], ensure_ascii=False, indent=1, default=str)
    document.add_heading(_("Decision"), level=1)
    if decision is None:
        is_open = all(c["ok"] for c in criteria)
        document.add_paragraph(
            _(
                "Not decided yet; the gate is %(state)s as of %(now)s (UTC).",
                state=_("open") if is_open else _("closed"),
                now=now.strftime("%Y-%m-%d %H:%M"),
            )
        )
    else:
        document.add_paragraph(
            _(
                "%(decision)s by %(who)s on %(when)s (UTC).",
                decision=decision.decision,
                who=decision.decided_by,
                when=decision.decided_at.strftime("%Y-%m-%d %H:%M"),
            )
        )
        if decision.override_reason:
            document.add_paragraph(_("Override reason: %(reason)s", reason=decision.override_reason))
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
        cell.text = title
    for code, name, region, tz in codes:
        cells = stores.add_row().cells
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = code, name, region, tz
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


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
