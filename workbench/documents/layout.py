"""The layout every DOCX of the workbench shares, so that each is a deliverable a client signs.

A builder writes its content into `new_document()` (A4, portrait or landscape, one font), with
Heading 1/2 for its sections and plain tables whose first row is the header, then hands the
document to `finish()`, which adds, in the document's language (gettext, so the caller sets it):

- a title page: the client, the project, the document's name, its version, date and status;
- a contents list after it: each Heading 1/2 with a PAGEREF field to a bookmark on the heading.
  Word fills the numbers when it updates fields (it is asked to on opening), and LibreOffice
  computes reference fields from its own layout, so a PDF made by either shows them;
- headings kept with what follows, a paragraph introducing a table kept with it, no widows;
- tables with their header row repeated on every page, laid out fixed with column widths chosen
  from the content (font metrics of each word, `process_models.text_metrics`) so no header word is
  ever broken; a table that cannot fit a portrait page gets a landscape section of its own;
- the page number ("Page 3 of 9") in the footer, none on the title page.

`pdf_of()` converts the result with LibreOffice when it is installed (`soffice`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Emu, Pt
from docx.text.paragraph import Paragraph
from flask_babel import get_locale
from flask_babel import gettext as _

from process_models.text_metrics import installed, longest_word_width, text_width

A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)
PAGE_MARGIN = Cm(1.8)
FONT = "Arial"  # Word has it; LibreOffice prints it in the metric-compatible Liberation Sans
# The font whose metrics size the columns: Liberation Sans (Arial's widths) where LibreOffice
# has it, else DejaVu Sans, the font it falls back on (wider, so the widths still suffice).
METRIC_FONT = "Liberation Sans" if installed("Liberation Sans") else "DejaVu Sans"
# Left and right cell margins of the "Table Grid" style (0.19 cm each) and a little slack, in points.
CELL_PADDING_PT = 2 * 5.4 + 2.0
# A body word wider than this may break inside (hashes, URLs): it does not widen its column.
LONGEST_UNBROKEN_BODY_WORD = Cm(2.5)
HEADING_STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "TOC Heading")
CONTENTS_LEVELS = {"Heading 1": 1, "Heading 2": 2}
BOOKMARK_PREFIX = "_Toc_wb_"
# The order of the table's and the row's properties in the schema (the ones that matter here).
TBL_PR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
)
TR_PR_ORDER = (
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
    "ins",
    "del",
    "trPrChange",
)
# A paragraph this short right before a table introduces it ("Findings from the interviews").
INTRODUCTION_CHARS = 200


@dataclass(frozen=True)
class TitlePage:
    """What the title page says; `title` is the document's name in the document's language."""

    client: str
    project: str
    title: str
    version: str
    date: dt.date
    status: str
    # Further facts a document states up front, (label, value): a description's stage, say.
    extra: tuple[tuple[str, str], ...] = ()


# --- the document ------------------------------------------------------------------------------


def new_document(*, landscape: bool = False, font_size: float = 10.0) -> DocxDocument:
    """An empty A4 document with the workbench's margins and font."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, PAGE_MARGIN)
    document.styles["Normal"].font.size = Pt(font_size)
    _styles(document)
    return document


def _styles(document: DocxDocument) -> None:
    """One font; headings kept with what follows and never split; no widows or orphans."""
    document.styles["Normal"].paragraph_format.widow_control = True
    for name in ("Normal", *HEADING_STYLES):
        _set_font(document.styles[name].element, FONT)
    for name in HEADING_STYLES:
        style = document.styles[name]
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.keep_together = True


def finish(document: DocxDocument, title_page: TitlePage, *, contents: bool = True) -> bytes:
    """Lay out the builder's `document` (see the module's notes) and return its .docx bytes."""
    _styles(document)
    _fit_tables(document)
    _keep_introductions_with_tables(document)
    headings = _bookmark_headings(document) if contents else []
    _insert_title_page(document, title_page, headings)
    _footer_page_numbers(document)
    _ask_word_to_update_fields(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def usable_width(document: DocxDocument) -> Emu:
    """The width between the margins of the document's first section."""
    section = document.sections[0]
    assert section.page_width is not None and section.left_margin is not None
    assert section.right_margin is not None
    return Emu(section.page_width - section.left_margin - section.right_margin)


# --- title page and contents -----------------------------------------------------------------


def _insert_title_page(document: DocxDocument, page: TitlePage, headings: list[tuple[int, str, str]]) -> None:
    body = document.element.body
    first = body[0]
    anchor = Paragraph(OxmlElement("w:p"), document._body)
    first.addprevious(anchor._p)
    # The title page: the client on top, the document's name as the title, then the facts.
    client = anchor.insert_paragraph_before(page.client or page.project)
    client.paragraph_format.space_before = Pt(120)
    client.runs[0].font.size = Pt(16)
    client.runs[0].bold = True
    anchor.insert_paragraph_before(page.title, style="Title")
    anchor.insert_paragraph_before(page.project, style="Subtitle").paragraph_format.space_after = Pt(36)
    facts = [
        (_("Client"), page.client),
        (_("Project"), page.project),
        (_("Version"), page.version),
        (_("Date"), _long_date(page.date)),
        (_("Status"), page.status),
        *page.extra,
    ]
    # The facts as paragraphs, not a table: a builder's tables keep their places in the document.
    for label, value in facts:
        line = anchor.insert_paragraph_before()
        line.paragraph_format.tab_stops.add_tab_stop(Cm(4.0))
        line.paragraph_format.space_after = Pt(4)
        line.add_run(f"{label}:").bold = True
        line.add_run(f"\t{value or '—'}")
    if headings:
        anchor.insert_paragraph_before().add_run().add_break(WD_BREAK.PAGE)
        anchor.insert_paragraph_before(_("Contents"), style="TOC Heading")
        width = usable_width(document)
        for level, text, bookmark in headings:
            _contents_line(anchor.insert_paragraph_before(), level, text, bookmark, width)
    # The body starts on a page of its own.
    anchor.add_run().add_break(WD_BREAK.PAGE)


def _contents_line(paragraph: Paragraph, level: int, text: str, bookmark: str, width: int) -> None:
    """ "Heading ........ 5": the number is a PAGEREF field to the heading's bookmark."""
    paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.paragraph_format.space_before = Pt(4 if level == 1 else 0)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    run = paragraph.add_run(text)
    run.bold = level == 1
    paragraph.add_run("\t")
    _field(paragraph, f"PAGEREF {bookmark} \\h", "")


def _bookmark_headings(document: DocxDocument) -> list[tuple[int, str, str]]:
    """A bookmark around each Heading 1/2 (the contents' PAGEREF targets): (level, text, name)."""
    headings = []
    for number, paragraph in enumerate(
        (p for p in document.paragraphs if p.style is not None and p.style.name in CONTENTS_LEVELS), start=1
    ):
        assert paragraph.style is not None
        name = f"{BOOKMARK_PREFIX}{number}"
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(number))
        properties = paragraph._p.pPr
        if properties is not None:
            properties.addnext(start)
        else:
            paragraph._p.insert(0, start)
        paragraph._p.append(end)
        headings.append((CONTENTS_LEVELS[paragraph.style.name], paragraph.text, name))
    return headings


def _long_date(day: dt.date) -> str:
    locale = get_locale()
    return format_date(day, "long", locale=str(locale) if locale else "en")


# --- page numbers ----------------------------------------------------------------------------


def _footer_page_numbers(document: DocxDocument) -> None:
    """ "Page 3 of 9" in the footer of every page but the title page."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The translation places the two numbers; the text around them is kept as it is.
    template = _("Page %(page)s of %(pages)s")
    for piece in re.split(r"(%\(page\)s|%\(pages\)s)", template):
        if piece == "%(page)s":
            _field(paragraph, "PAGE", "1")
        elif piece == "%(pages)s":
            _field(paragraph, "NUMPAGES", "1")
        elif piece:
            paragraph.add_run(piece)


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A complex field (begin, instruction, separate, shown result, end) at the paragraph's end."""
    paragraph.add_run()._r.append(_field_char("begin"))
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    paragraph.add_run()._r.append(_field_char("separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(_field_char("end"))


def _field_char(kind: str) -> BaseOxmlElement:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _ask_word_to_update_fields(document: DocxDocument) -> None:
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)


# --- keeping things together -------------------------------------------------------------------


def _keep_introductions_with_tables(document: DocxDocument) -> None:
    """A short paragraph right before a table (a caption, "Findings from the interviews") stays
    on the page of the table's first rows."""
    for table in document.element.body.iter(qn("w:tbl")):
        previous = table.getprevious()
        if previous is not None and previous.tag == qn("w:p"):
            paragraph = Paragraph(previous, document._body)
            if len(paragraph.text) <= INTRODUCTION_CHARS:
                paragraph.paragraph_format.keep_with_next = True


# --- tables ---------------------------------------------------------------------------------


def _cell_texts(row: BaseOxmlElement) -> list[str]:
    return [
        "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in cell.iter(qn("w:p")))
        for cell in row.findall(qn("w:tc"))
    ]


def _fit_tables(document: DocxDocument) -> None:
    """Column widths from the content for every table of the body; a table too wide for a
    portrait page gets a landscape section of its own."""
    size = _font_size(document)
    width = usable_width(document)
    section = document.sections[0]
    portrait = section.orientation == WD_ORIENT.PORTRAIT
    assert section.page_height is not None and section.page_width is not None
    # On a landscape page the long side is the width; the margins stay.
    landscape_width = Emu(width + section.page_height - section.page_width)
    for table in list(document.element.body.iter(qn("w:tbl"))):
        rows = table.findall(qn("w:tr"))
        if not rows:
            continue
        needs = _column_needs(rows, size)
        room = width
        if portrait and sum(needs.soft) > width:
            _landscape_section(document, table)
            room = landscape_width
        _set_widths(table, _distribute(needs, room))
        _repeat_header(rows[0])


@dataclass
class _Needs:
    """Per column, in EMU: `hard` what its header's widest bold word needs (a header word never
    breaks); `soft` what its widest body word would like (up to a limit: a hash may break);
    `preferred` what would hold every line unbroken; `mass` how much text it holds in all."""

    hard: list[int]
    soft: list[int]
    preferred: list[int]
    mass: list[float]


def _column_needs(rows: list[BaseOxmlElement], size: float) -> _Needs:
    header = _cell_texts(rows[0])
    hard = [
        _emu(longest_word_width(text, size, bold=True, family=METRIC_FONT) + CELL_PADDING_PT)
        for text in header
    ]
    preferred = [
        _emu(
            max(text_width(line, size, bold=True, family=METRIC_FONT) for line in text.split("\n"))
            + CELL_PADDING_PT
        )
        for text in header
    ]
    soft = list(hard)
    mass = [0.0] * len(header)
    for row in rows[1:]:
        for index, text in enumerate(_cell_texts(row)[: len(header)]):
            word = min(
                _emu(longest_word_width(text, size, family=METRIC_FONT) + CELL_PADDING_PT),
                LONGEST_UNBROKEN_BODY_WORD,
            )
            soft[index] = max(soft[index], word)
            lines = [text_width(line, size, family=METRIC_FONT) for line in text.split("\n")]
            preferred[index] = max(preferred[index], _emu(max(lines, default=0.0) + CELL_PADDING_PT))
            mass[index] += sum(lines)
    preferred = [max(p, m) for p, m in zip(preferred, soft, strict=True)]
    return _Needs(hard, soft, preferred, mass)


def _distribute(needs: _Needs, room: int) -> list[int]:
    """Widths adding up to `room`: each column what its words need, then what is left shared in
    proportion to how much text each holds, none beyond what it would use unbroken; space left
    after that widens all alike. When the body's long words do not all fit, only the headers'
    words are kept whole."""
    minimum = needs.soft if sum(needs.soft) <= room else needs.hard
    if sum(minimum) >= room:
        return [int(m * room / sum(minimum)) for m in minimum]
    widths = [float(m) for m in minimum]
    growing = {i for i, p in enumerate(needs.preferred) if p > widths[i]}
    while growing and room - sum(widths) > 1:
        spare = room - sum(widths)
        total = sum(needs.mass[i] or 1.0 for i in growing)
        for i in sorted(growing):
            widths[i] += min(spare * (needs.mass[i] or 1.0) / total, needs.preferred[i] - widths[i])
            if widths[i] >= needs.preferred[i]:
                growing.discard(i)
    spare = room - sum(widths)
    return [int(w + spare * w / sum(widths)) for w in widths]


def _set_widths(table: BaseOxmlElement, widths: list[int]) -> None:
    """Fixed layout with `widths` (EMU) in the grid (LibreOffice reads it) and in every cell (Word)."""
    twips = [int(w) // 635 for w in widths]  # EMU per twip; rounded down so the sum never exceeds the room
    properties = table.find(qn("w:tblPr"))
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(sum(twips)))
    total.set(qn("w:type"), "dxa")
    _put(properties, total, TBL_PR_ORDER)
    fixed = OxmlElement("w:tblLayout")
    fixed.set(qn("w:type"), "fixed")
    _put(properties, fixed, TBL_PR_ORDER)
    grid = table.find(qn("w:tblGrid"))
    for column, width in zip(grid.findall(qn("w:gridCol")), twips, strict=False):
        column.set(qn("w:w"), str(width))
    for row in table.findall(qn("w:tr")):
        for cell, width in zip(row.findall(qn("w:tc")), twips, strict=False):
            cell_properties = cell.get_or_add_tcPr()
            cell_width = cell_properties.get_or_add_tcW()
            cell_width.set(qn("w:w"), str(width))
            cell_width.set(qn("w:type"), "dxa")


def _repeat_header(row: BaseOxmlElement) -> None:
    """The header row repeats on every page, is never split, and stays with the first data row."""
    properties = row.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        _put(properties, element, TR_PR_ORDER)
    for paragraph in row.iter(qn("w:p")):
        paragraph.get_or_add_pPr().get_or_add_keepNext()


def _put(parent: BaseOxmlElement, element: BaseOxmlElement, order: tuple[str, ...]) -> None:
    """`element` in `parent` in place of one of its kind, at the place the schema orders it
    (Word refuses a document whose properties are out of order)."""
    old = parent.find(element.tag)
    if old is not None:
        parent.replace(old, element)
        return
    later = order[order.index(element.tag.split("}")[1]) + 1 :]
    for child in parent:
        if child.tag.split("}")[1] in later:
            child.addprevious(element)
            return
    parent.append(element)


def _landscape_section(document: DocxDocument, table: BaseOxmlElement) -> None:
    """Put `table` on landscape pages: a section break before it ends the portrait section, one
    after it ends the landscape one; the rest of the document goes on in portrait."""
    body_properties = document.element.body.sectPr
    before = OxmlElement("w:p")
    before.get_or_add_pPr().append(deepcopy(body_properties))
    # The heading and the introduction kept with the table go to the landscape pages with it.
    first = table
    while (previous := first.getprevious()) is not None and _kept_with_next(document, previous):
        first = previous
    first.addprevious(before)
    after = OxmlElement("w:p")
    landscape = deepcopy(body_properties)
    size = landscape.find(qn("w:pgSz"))
    width, height = size.get(qn("w:w")), size.get(qn("w:h"))
    size.set(qn("w:w"), height)
    size.set(qn("w:h"), width)
    size.set(qn("w:orient"), "landscape")
    for title_page in landscape.findall(qn("w:titlePg")):
        landscape.remove(title_page)
    after.get_or_add_pPr().append(landscape)
    table.addnext(after)


def _kept_with_next(document: DocxDocument, element: BaseOxmlElement) -> bool:
    if element.tag != qn("w:p"):
        return False
    paragraph = Paragraph(element, document._body)
    if paragraph.paragraph_format.keep_with_next:
        return True
    style = paragraph.style
    return style is not None and bool(style.paragraph_format.keep_with_next)


def _font_size(document: DocxDocument) -> float:
    size = document.styles["Normal"].font.size
    return size.pt if size is not None else 11.0


def _emu(points: float) -> int:
    return int(Pt(points))


def _set_font(style_element: BaseOxmlElement, name: str) -> None:
    """`name` for Latin and Cyrillic text of a style, in place of the theme's fonts."""
    properties = style_element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):
            del fonts.attrib[attribute]
    for kind in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(kind), name)


# --- PDF through LibreOffice -----------------------------------------------------------------


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed: no PDF."""


def soffice() -> str | None:
    """The LibreOffice command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_of(docx: bytes, *, timeout: float = 180.0) -> bytes:
    """The PDF LibreOffice prints of `docx` (its own layout fills the page numbers)."""
    command = soffice()
    if command is None:
        raise PdfUnavailable(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    with tempfile.TemporaryDirectory(prefix="workbench-pdf-") as folder:
        for path in _convert(command, [docx], Path(folder), timeout):
            return path.read_bytes()
    raise PdfUnavailable("LibreOffice wrote no PDF")


def _convert(command: str, documents: list[bytes], folder: Path, timeout: float) -> Iterator[Path]:
    sources = []
    for number, data in enumerate(documents, start=1):
        source = folder / f"document-{number}.docx"
        source.write_bytes(data)
        sources.append(source)
    # A profile of its own: a second LibreOffice (a user's, another job) does not block this one.
    subprocess.run(
        [
            command,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, sources),
        ],
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    for source in sources:
        pdf = source.with_suffix(".pdf")
        if pdf.exists():
            yield pdf
