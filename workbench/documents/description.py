"""The "AS-IS description" / "TO-BE description" of a project as a Word document.

Plain Python over plain data (no Flask, no database): `service.py` gathers the data, this module
writes it with python-docx. The headings use Word's built-in Heading styles and the document opens
with a table-of-contents field that Word fills in (it is asked to update fields on opening);
until then the field shows the list of headings. Diagrams are embedded as PNG (Word does not take
SVG from python-docx), rendered from the same SVG the browser shows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cairosvg
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from process_models.enums import Variant
from process_models.model import ProcessModel
from process_models.steps import step_rows
from process_models.svg import render_svg

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
class ChangeGroup:
    """The changes of one process that concern one role (lane): rows of kind, AS-IS, TO-BE, why."""

    role: str
    rows: Sequence[tuple[str, str, str, str]]


@dataclass(frozen=True)
class ChangesForWhom:
    """The TO-BE description's "what changes for whom" section, its words already in the
    document's language (the caller translates; this module only writes)."""

    heading: str
    intro: str
    columns: tuple[str, str, str, str]
    # (process title, its groups by role)
    processes: Sequence[tuple[str, Sequence[ChangeGroup]]]


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
    changes: ChangesForWhom | None = None


def title_of(variant: Variant) -> str:
    """The document's title: "AS-IS description" or "TO-BE description"."""
    return f"{variant.value.upper()} description"


def build_description(data: DescriptionData) -> bytes:
    """The description as the bytes of a .docx file."""
    document = Document()
    _page_setup(document)
    headings: list[tuple[int, str]] = []

    def heading(text: str, level: int) -> Paragraph:
        headings.append((level, text))
        return document.add_heading(text, level)

    document.add_heading(f"{data.project_name}: {title_of(data.variant)}", 0)
    facts = [
        ("Client", data.client),
        ("Directions", ", ".join(data.directions)),
        ("Stage", data.stage),
        ("Generated", data.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
    ]
    for label, value in facts:
        if value:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
    toc_anchor = document.add_paragraph()

    if data.interviews:
        heading("Interviews", 1)
        _interview_summary(document, data.interviews)
        for interview in data.interviews:
            heading(f"{interview.stakeholder}, {interview.held_on.isoformat()}", 2)
            _interview(document, interview)

    heading("Processes", 1)
    if not data.processes:
        document.add_paragraph(f"The project holds no {data.variant.value.upper()} process model yet.")
    for entry in data.processes:
        heading(entry.model.name or entry.model.id, 2)
        _process(document, entry)

    if data.changes is not None:
        _changes_for_whom(document, data.changes, heading)

    heading("Inventories", 1)
    for label, lines in data.inventories:
        heading(label, 2)
        _inventory(document, lines)
    heading("IT landscape", 2)
    _picture(document, data.landscape_svg)

    _table_of_contents(toc_anchor, headings)
    _ask_word_to_update_fields(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- sections ------------------------------------------------------------------------------


def _interview_summary(document: DocxDocument, interviews: Sequence[InterviewEntry]) -> None:
    table = _table(
        document, ["Date", "Stakeholder", "Position", "Department", "Findings"], widths=[3, 7, 7, 7, 2]
    )
    for interview in interviews:
        _row(
            table,
            [
                interview.held_on.isoformat(),
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
        paragraph.add_run("Participants: ").bold = True
        paragraph.add_run(", ".join(interview.participants))
    for text in re.split(r"\n\s*\n", interview.notes.strip()):
        if text.strip():
            document.add_paragraph(text.strip())
    if interview.findings:
        _findings(document, interview.findings, with_stakeholder=False)


def _findings(document: DocxDocument, findings: Sequence[FindingLine], *, with_stakeholder: bool) -> None:
    columns = ["Kind", "Finding", "Process step"] + (["Stakeholder"] if with_stakeholder else [])
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
    paragraph.add_run(f"Version {entry.version}. ").italic = True
    if lanes:
        paragraph.add_run(f"Lanes: {lanes}.").italic = True
    if model.documentation:
        document.add_paragraph(model.documentation)
    _picture(document, render_svg(model))
    rows = step_rows(model, named_only=True)
    table = _table(
        document, ["#", "Step", "Role", "System", "Description"], widths=[1.0, 6.0, 4.0, 4.0, 11.0]
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
                f"{row.name}\n({row.kind})" if row.name else f"({row.kind})",
                row.role,
                row.system,
                description,
            ],
        )
    if entry.findings:
        document.add_paragraph().add_run("Findings from the interviews").bold = True
        _findings(document, entry.findings, with_stakeholder=True)


def _changes_for_whom(
    document: DocxDocument, section: ChangesForWhom, heading: Callable[[str, int], Paragraph]
) -> None:
    """What changes for whom: per process, per role, the changes from the AS-IS comparison."""
    heading(section.heading, 1)
    document.add_paragraph(section.intro)
    for title, groups in section.processes:
        heading(title, 2)
        for group in groups:
            document.add_paragraph().add_run(group.role).bold = True
            table = _table(document, list(section.columns), widths=[5.0, 7.0, 7.0, 7.0])
            for row in group.rows:
                _row(table, list(row))


def _inventory(document: DocxDocument, lines: Sequence[InventoryLine]) -> None:
    if not lines:
        document.add_paragraph("None recorded.")
        return
    if any(line.source for line in lines):
        table = _table(
            document,
            ["Integration", "From", "To", "Transport", "Frequency", "Description"],
            widths=[5, 3.5, 3.5, 4, 3.5, 6.5],
        )
        for line in lines:
            _row(
                table, [line.name, line.source, line.target, line.transport, line.frequency, line.description]
            )
        return
    table = _table(document, ["Name", "Description", "Owner"], widths=[7.0, 14.0, 5.0])
    for line in lines:
        _row(table, [line.name, line.description, line.owner])


# --- python-docx building blocks -----------------------------------------------------------


def _page_setup(document: DocxDocument) -> None:
    # Landscape A4: process diagrams are wide, and the step tables have room for descriptions.
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, PAGE_MARGIN)
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)


def _table(document: DocxDocument, header: list[str], widths: list[float] | None = None) -> Table:
    """A grid table with a bold header row that repeats on every page; `widths` in cm (they
    should add up to the usable width, 26 cm)."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # The header row repeats on every page a long table runs over.
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row_properties.append(repeat)
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


def _field_char(kind: str) -> BaseOxmlElement:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _table_of_contents(anchor: Paragraph, headings: list[tuple[int, str]]) -> None:
    """A TOC field at `anchor`, its shown result the heading list (Word refreshes it with page
    numbers). The field begins in the first paragraph and ends in the last one."""
    # "TOC Heading" looks like a heading but stays out of the table of contents itself.
    anchor.insert_paragraph_before("Contents", style="TOC Heading")
    begin = anchor.add_run()
    begin._r.append(_field_char("begin"))
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-2" \\h \\z \\u'
    anchor.add_run()._r.append(instruction)
    anchor.add_run()._r.append(_field_char("separate"))
    last = anchor
    for index, (level, text) in enumerate(headings):
        paragraph = anchor if index == 0 else _paragraph_after(last)
        paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        paragraph.add_run(text)
        last = paragraph
    last.add_run()._r.append(_field_char("end"))


def _paragraph_after(paragraph: Paragraph) -> Paragraph:
    new = OxmlElement("w:p")
    paragraph._p.addnext(new)
    return Paragraph(new, paragraph._parent)


def _ask_word_to_update_fields(document: DocxDocument) -> None:
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)
