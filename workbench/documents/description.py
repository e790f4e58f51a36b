"""The "AS-IS description" / "TO-BE description" of a project as a Word document.

Plain Python over plain data (no Flask, no database): `service.py` gathers the data, this module
writes it with python-docx in the current language (gettext: the caller picks it with
`force_locale`). The headings use Word's built-in Heading styles; the title page, the contents,
the table widths and the page numbers come from `workbench.documents.layout`, as for every
document of the workbench. Diagrams are embedded as PNG (Word does not take SVG from python-docx),
rendered from the same SVG the browser shows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import cairosvg
from babel.dates import format_date
from docx.document import Document as DocxDocument
from docx.shared import Cm
from docx.table import Table
from flask_babel import get_locale
from flask_babel import gettext as _

from process_models.enums import Variant
from process_models.model import ProcessModel
from process_models.steps import step_rows
from process_models.svg import render_svg
from workbench.documents.layout import TitlePage, finish, new_document

PAGE_WIDTH, PAGE_HEIGHT = Cm(29.7), Cm(21.0)  # A4 landscape
PAGE_MARGIN = Cm(1.8)
USABLE_WIDTH = PAGE_WIDTH - 2 * PAGE_MARGIN
# A diagram is never drawn larger than it is on screen, nor wider or taller than the page allows.
SCREEN_DPI = 96
MAX_DIAGRAM_HEIGHT = Cm(15)
# PNGs are rendered at twice the screen size for print, but no side longer than a page can use
# at print resolution (a 150-step model is 25,000 pixels wide on screen; cairo stops at 32,767).
PNG_SCALE = 2.0
MAX_PNG_SIDE = 6000


@dataclass(frozen=True)
class FindingLine:
    kind: str
    text: str
    stakeholder: str = ""
    step: str = ""


@dataclass(frozen=True)
class InterviewEntry:
    stakeholder: str
    position: str
    department: str
    held_on: dt.date
    participants: Sequence[str]
    notes: str
    findings: Sequence[FindingLine] = ()


@dataclass(frozen=True)
class ProcessEntry:
    model: ProcessModel
    version: int
    findings: Sequence[FindingLine] = ()


@dataclass(frozen=True)
class InventoryLine:
    name: str
    description: str = ""
    owner: str = ""
    source: str = ""
    target: str = ""
    transport: str = ""
    frequency: str = ""


@dataclass(frozen=True)
class DescriptionData:
    """Everything one description holds."""

    project_name: str
    client: str
    directions: Sequence[str]
    stage: str
    variant: Variant
    generated_at: dt.datetime
    processes: Sequence[ProcessEntry]
    # Inventory label (e.g. "Reports") -> its lines; integrations are recognised by their source.
    inventories: Sequence[tuple[str, Sequence[InventoryLine]]]
    landscape_svg: str
    interviews: Sequence[InterviewEntry] = field(default_factory=tuple)
    # The title page's version and status: the edition (how many times it was exported) and
    # its state; "Draft" when none is given.
    version: str = "1"
    status: str = ""


def title_of(variant: Variant) -> str:
    """The document's title in the current language: "AS-IS description" or "TO-BE description"."""
    return _("AS-IS description") if variant is Variant.as_is else _("TO-BE description")


def build_description(data: DescriptionData) -> bytes:
    """The description as the bytes of a .docx file, in the current language (gettext)."""
    document = new_document(landscape=True)
    if data.interviews:
        document.add_heading(_("Interviews"), 1)
        _interview_summary(document, data.interviews)
        for interview in data.interviews:
            document.add_heading(f"{interview.stakeholder}, {_short_date(interview.held_on)}", 2)
            _interview(document, interview)

    document.add_heading(_("Processes"), 1)
    if not data.processes:
        document.add_paragraph(
            _("The project holds no %(variant)s process model yet.", variant=data.variant.value.upper())
        )
    for entry in data.processes:
        document.add_heading(entry.model.name or entry.model.id, 2)
        _process(document, entry)

    document.add_heading(_("Inventories"), 1)
    for label, lines in data.inventories:
        document.add_heading(label, 2)
        _inventory(document, lines)
    document.add_heading(_("IT landscape"), 2)
    _picture(document, data.landscape_svg)
    title_page = TitlePage(
        client=data.client,
        project=data.project_name,
        title=title_of(data.variant),
        version=data.version,
        date=data.generated_at.date(),
        status=data.status or _("Draft"),
        extra=((_("Directions"), ", ".join(_(d) for d in data.directions)), (_("Stage"), data.stage)),
    )
    return finish(document, title_page)


def _short_date(day: dt.date) -> str:
    locale = get_locale()
    return format_date(day, "medium", locale=str(locale) if locale else "en")


# --- sections ------------------------------------------------------------------------------


def _interview_summary(document: DocxDocument, interviews: Sequence[InterviewEntry]) -> None:
    table = _table(
        document,
        [_("Date"), _("Stakeholder"), _("Position"), _("Department"), _("Findings")],
        widths=[3, 7, 7, 7, 2],
    )
    for interview in interviews:
        _row(
            table,
            [
                _short_date(interview.held_on),
                interview.stakeholder,
                interview.position,
                interview.department,
                str(len(interview.findings)),
            ],
        )


def _interview(document: DocxDocument, interview: InterviewEntry) -> None:
    line = ", ".join(p for p in (interview.position, interview.department) if p)
    if line:
        document.add_paragraph(line).runs[0].italic = True
    if interview.participants:
        paragraph = document.add_paragraph()
        paragraph.add_run(_("Participants") + ": ").bold = True
        paragraph.add_run(", ".join(interview.participants))
    for text in re.split(r"\n\s*\n", interview.notes.strip()):
        if text.strip():
            document.add_paragraph(text.strip())
    if interview.findings:
        _findings(document, interview.findings, with_stakeholder=False)


def _findings(document: DocxDocument, findings: Sequence[FindingLine], *, with_stakeholder: bool) -> None:
    columns = [_("Kind"), _("Finding"), _("Process step")] + ([_("Stakeholder")] if with_stakeholder else [])
    widths = [3.0, 12.0, 6.0] + ([5.0] if with_stakeholder else [])
    table = _table(document, columns, widths=widths)
    for finding in findings:
        _row(
            table,
            [finding.kind, finding.text, finding.step] + ([finding.stakeholder] if with_stakeholder else []),
        )


def _process(document: DocxDocument, entry: ProcessEntry) -> None:
    model = entry.model
    lanes = ", ".join(lane.name for lane in model.lanes.values() if lane.name)
    paragraph = document.add_paragraph()
    paragraph.add_run(_("Version %(version)s.", version=entry.version) + " ").italic = True
    if lanes:
        paragraph.add_run(_("Lanes: %(lanes)s.", lanes=lanes)).italic = True
    if model.documentation:
        document.add_paragraph(model.documentation)
    _picture(document, render_svg(model))
    rows = step_rows(model, named_only=True)
    table = _table(
        document,
        ["#", _("Step"), _("Role"), _("System"), _("Description")],
        widths=[1.0, 6.0, 4.0, 4.0, 11.0],
    )
    for row in rows:
        description = row.description
        if row.next_steps:
            description = (description + "\n" if description else "") + "\n".join(
                f"• {s}" for s in row.next_steps
            )
        _row(
            table,
            [
                str(row.number),
                f"{row.name}\n({_(row.kind)})" if row.name else f"({_(row.kind)})",
                row.role,
                row.system,
                description,
            ],
        )
    if entry.findings:
        document.add_paragraph().add_run(_("Findings from the interviews")).bold = True
        _findings(document, entry.findings, with_stakeholder=True)


def _inventory(document: DocxDocument, lines: Sequence[InventoryLine]) -> None:
    if not lines:
        document.add_paragraph(_("None recorded."))
        return
    if any(line.source for line in lines):
        table = _table(
            document,
            [_("Integration"), _("From"), _("To"), _("Transport"), _("Frequency"), _("Description")],
            widths=[5, 3.5, 3.5, 4, 3.5, 6.5],
        )
        for line in lines:
            _row(
                table, [line.name, line.source, line.target, line.transport, line.frequency, line.description]
            )
        return
    table = _table(document, [_("Name"), _("Description"), _("Owner")], widths=[7.0, 14.0, 5.0])
    for line in lines:
        _row(table, [line.name, line.description, line.owner])


# --- python-docx building blocks -----------------------------------------------------------


def _table(document: DocxDocument, header: list[str], widths: list[float] | None = None) -> Table:
    """A grid table with a bold header row; `widths` in cm are a first guess: `layout.finish`
    sizes the columns from their content and repeats the header row on every page."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    if widths:
        # Both the grid (what LibreOffice reads) and the cells (what Word reads) get the widths.
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
            for cell in column.cells:
                cell.width = Cm(width)
    return table


def _row(table: Table, values: list[str]) -> None:
    cells = table.add_row().cells
    widths = [cell.width for cell in table.rows[0].cells]
    for cell, value, width in zip(cells, values, widths, strict=True):
        cell.text = value or ""
        if width is not None:
            cell.width = width


def _svg_size(svg: str) -> tuple[float, float]:
    match = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', svg)
    if match is None:
        return 800.0, 600.0
    return float(match.group(1)), float(match.group(2))


def _picture(document: DocxDocument, svg: str) -> None:
    width_px, height_px = _svg_size(svg)
    scale = min(PNG_SCALE, MAX_PNG_SIDE / max(width_px, height_px))
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False)
    natural = Cm(width_px / SCREEN_DPI * 2.54)
    width = min(natural, USABLE_WIDTH)
    if width * height_px / width_px > MAX_DIAGRAM_HEIGHT:
        width = int(MAX_DIAGRAM_HEIGHT * width_px / height_px)
    document.add_picture(io.BytesIO(png), width=int(width))
