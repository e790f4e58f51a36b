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
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import cairosvg
from babel.dates import format_date
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Cm
from docx.table import Table
from docx.text.paragraph import Paragraph
from flask_babel import get_locale
from flask_babel import gettext as _
from PIL import Image, ImageDraw

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
# The diagram's text is 12 px, 9 pt at its natural size: printed smaller than 7/9 of that, it
# would be below 7 pt. A diagram that cannot keep that on the page gets A3 landscape pages.
MIN_TEXT_SCALE = 7 / 9
A3_LONG, A3_SHORT = Cm(42.0), Cm(29.7)
TILE_OVERLAP = Cm(1.5)  # printed; what each part repeats of the next
TILING_SCALE = 1.2  # 7/9 of natural size at 150 dpi is 1.2 times the 96 dpi screen size


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

    if data.changes is not None:
        _changes_for_whom(document, data.changes, document.add_heading)

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
    """The diagram at a size whose text prints at 7 pt or more: on the page when it fits there,
    else on an A3 landscape page, else tiled across A3 pages with an overlap between parts."""
    width_px, height_px = _svg_size(svg)
    natural_width = Cm(width_px / SCREEN_DPI * 2.54)
    natural_height = Cm(height_px / SCREEN_DPI * 2.54)
    page_width = _usable(document.sections[-1])
    if _fits(natural_width, natural_height, page_width, MAX_DIAGRAM_HEIGHT):
        width = min(natural_width, page_width)
        if width * height_px / width_px > MAX_DIAGRAM_HEIGHT:
            width = int(MAX_DIAGRAM_HEIGHT * width_px / height_px)
        document.add_picture(io.BytesIO(_png(svg)), width=int(width))
        return
    _a3_pages(document, svg, natural_width, natural_height)


def _png(svg: str) -> bytes:
    """The diagram for a page: twice the screen size, no side beyond what a page can use."""
    width_px, height_px = _svg_size(svg)
    scale = min(PNG_SCALE, MAX_PNG_SIDE / max(width_px, height_px))
    return bytes(cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False))


def _fits(width: int, height: int, room_width: int, room_height: int) -> bool:
    """Whether a diagram of this natural size fits the room with its text at 7 pt or more."""
    return width * MIN_TEXT_SCALE <= room_width and height * MIN_TEXT_SCALE <= room_height


def _usable(section: Section) -> int:
    assert section.page_width is not None and section.left_margin is not None
    assert section.right_margin is not None
    return int(section.page_width - section.left_margin - section.right_margin)


def _a3_pages(document: DocxDocument, svg: str, natural_width: int, natural_height: int) -> None:
    """An A3 landscape section for the diagram: whole when it fits with 7 pt text, else in
    vertical strips, each overlapping the next by `TILE_OVERLAP` (marked with a dashed line on
    both), each captioned "Part 2 of 3"; the document then goes on in its own page size."""
    previous = document.sections[-1]
    # The heading right before the diagram goes to the A3 page with it.
    heading = _kept_with_diagram(document)
    a3 = document.add_section(WD_SECTION.NEW_PAGE)
    for element in heading:
        document.element.body.sectPr.addprevious(element)
    a3.orientation = WD_ORIENT.LANDSCAPE
    a3.page_width, a3.page_height = A3_LONG, A3_SHORT
    room_width = _usable(a3)
    room_height = int(A3_SHORT - a3.top_margin - a3.bottom_margin - Cm(2.5))  # a caption and the footer
    if _fits(natural_width, natural_height, room_width, room_height):
        scale = min(1.0, room_width / natural_width, room_height / natural_height)
        document.add_picture(io.BytesIO(_png(svg)), width=int(natural_width * scale))
    else:
        # Print at the smallest scale the text allows (or less when the height demands it, which
        # no process model of lanes reaches): as few parts as may be.
        scale = min(MIN_TEXT_SCALE * 1.02, room_height / natural_height) if natural_height else 1.0
        scale = max(scale, MIN_TEXT_SCALE)
        tiles = _tiles(_tiling_png(svg), natural_width * scale, room_width)
        for number, tile in enumerate(tiles, start=1):
            caption = document.add_paragraph(_("Part %(part)s of %(parts)s", part=number, parts=len(tiles)))
            caption.paragraph_format.keep_with_next = True
            document.add_picture(io.BytesIO(tile.png), width=int(tile.width))
            if number < len(tiles):
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    back = document.add_section(WD_SECTION.NEW_PAGE)
    back.orientation = previous.orientation
    back.page_width, back.page_height = previous.page_width, previous.page_height


def _tiling_png(svg: str) -> bytes:
    """The diagram rendered for printing in parts: about 150 dpi at 7 pt text, within what cairo
    draws (32,767 px a side) and a memory bound (80 megapixels)."""
    width_px, height_px = _svg_size(svg)
    scale = min(TILING_SCALE, 32000 / width_px, (80e6 / (width_px * height_px)) ** 0.5)
    return bytes(cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False))


def _kept_with_diagram(document: DocxDocument) -> list[BaseOxmlElement]:
    """The paragraphs at the very end of the body that are kept with what follows (a heading,
    its introduction), in order; none when a table or anything else ends the body."""
    kept: list[BaseOxmlElement] = []
    for element in reversed(document.element.body[:-1]):  # the last child is the body's sectPr
        if element.tag != qn("w:p"):
            break
        paragraph = Paragraph(element, document._body)
        style_keeps = paragraph.style is not None and paragraph.style.paragraph_format.keep_with_next
        if not (paragraph.paragraph_format.keep_with_next or style_keeps):
            break
        kept.insert(0, element)
    return kept


@dataclass(frozen=True)
class _Tile:
    png: bytes
    width: int  # printed width, EMU


def _tiles(png: bytes, printed_width: float, room_width: int) -> list[_Tile]:
    """The picture cut into strips at most `room_width` wide when printed `printed_width` wide
    in all; neighbours share `TILE_OVERLAP`, marked by a dashed line on both."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    per_emu = image.width / printed_width
    most = int(room_width * per_emu)
    overlap = int(TILE_OVERLAP * per_emu)
    # As few parts as fit, all of one width: no last part holding a sliver.
    parts = max(1, math.ceil((image.width - overlap) / (most - overlap)))
    strip = math.ceil((image.width - overlap) / parts) + overlap
    tiles = []
    left = 0
    while True:
        right = min(image.width, left + strip)
        part = image.crop((left, 0, right, image.height))
        draw = ImageDraw.Draw(part)
        if left > 0:
            _dashed(draw, overlap, part.height)
        if right < image.width:
            _dashed(draw, part.width - overlap, part.height)
        out = io.BytesIO()
        part.save(out, format="PNG")
        tiles.append(_Tile(out.getvalue(), int((right - left) / per_emu)))
        if right >= image.width:
            return tiles
        left = right - overlap


def _dashed(draw: ImageDraw.ImageDraw, x: int, height: int) -> None:
    for y in range(0, height, 24):
        draw.line([(x, y), (x, min(height, y + 12))], fill=(198, 40, 40), width=3)
