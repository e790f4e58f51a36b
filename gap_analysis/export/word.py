"""The gap map and the modifications list as a Word document (A4 landscape, like the AS-IS /
TO-BE descriptions): a summary, the process area x classification matrix, the requirements
table and the modifications list with the critical path marked.

The page set-up and the table helpers (`_page_setup`, `_table`) repeat those of
`workbench.documents.description` on purpose: gap_analysis may not import workbench (the import
contracts of pyproject.toml), and the two documents are meant to look alike."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Pt
from docx.table import Table

from gap_analysis.export.texts import (
    clean,
    days,
    generated_at,
)
from gap_analysis.matrix import GapMatrix, area_label, column_label, column_of, gap_matrix
from gap_analysis.records import GapMapReport, ModificationRecord, RequirementRecord

PAGE_WIDTH, PAGE_HEIGHT = Cm(29.7), Cm(21.0)  # A4 landscape: the requirements table is wide
PAGE_MARGIN = Cm(1.8)
USABLE_WIDTH_CM = Length(PAGE_WIDTH - 2 * PAGE_MARGIN).cm  # 26.1 cm between the margins
# Column widths in cm; each table adds up to the usable width.


def N_(text: str) -> str:
    return text  # marks `text` for extraction (Babel's N_); the caller's `translate` renders it


def _same(text: str) -> str:
    return text


Translate = Callable[[str], str]
# Writes person-days in the document's language ("66.5" in English, "66,5" in Russian).
Days = Callable[[Decimal], str]
# Given the document without its title block and the document's name, lays it out (title page,
# contents, page numbers: the workbench's shared layout) and returns the .docx bytes.
Finish = Callable[[DocxDocument, str], bytes]

REQUIREMENT_COLUMNS = (
    (N_("REQ"), 1.6),
    (N_("Title"), 4.5),
    (N_("Priority"), 1.6),
    (N_("Process area"), 2.6),
    (N_("Classification"), 2.8),
    (N_("Capability / key / modifications"), 3.8),
    (N_("Status"), 1.8),
    (N_("Owner"), 2.4),
    (N_("Rationale"), 5.0),
)
MODIFICATION_COLUMNS = (
    (N_("MOD"), 1.6),
    (N_("Title"), 8.5),
    (N_("Estimate (person-days)"), 2.2),
    (N_("Priority"), 1.8),
    (N_("Status"), 2.2),
    (N_("Requirements"), 4.5),
    (N_("Depends on"), 3.3),
    (N_("Critical path"), 2.0),
)


def gap_map_docx(
    report: GapMapReport,
    *,
    translate: Translate = _same,
    finish: Finish | None = None,
    days_text: Days = days,
) -> bytes:
    """The gap map and the modifications list of `report` as the bytes of a .docx file.

    `translate` renders the document's texts (msgids) in the document's language and `days_text`
    its person-days; with `finish`, the title block is left to it (the workbench's title page)
    and it writes the bytes."""
    t = translate
    document = Document()
    _page_setup(document)
    if finish is None:
        _title_block(document, report)
    matrix = gap_matrix(report.requirements)  # the summary and the matrix section show the same counts
    document.add_heading(t(N_("Summary")), 1)
    _summary(document, report, matrix, t, days_text)
    document.add_heading(t(N_("Gap map by process area")), 1)
    _matrix(document, matrix, t)
    document.add_heading(t(N_("Requirements")), 1)
    _requirements(document, report.requirements, t)
    document.add_heading(t(N_("Modifications list (список доработок)")), 1)
    _modifications(document, report, t, days_text)
    if finish is not None:
        return finish(document, t(N_("Gap map and modifications list")))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _title_block(document: DocxDocument, report: GapMapReport) -> None:
    document.add_heading(clean(f"{report.project_name}: gap map"), 0)
    document.add_paragraph("Карта разрыва функционала и список доработок", style="Subtitle")
    for label, value in (
        ("Project", report.project_key),
        ("Client", report.client),
        ("Generated", generated_at(report)),
        *report.extra.items(),
    ):
        if value:
            paragraph = document.add_paragraph()
            paragraph.add_run(clean(f"{label}: ")).bold = True
            paragraph.add_run(clean(value))


# --- sections ------------------------------------------------------------------------------


def _summary(
    document: DocxDocument, report: GapMapReport, matrix: GapMatrix, t: Translate, days_text: Days
) -> None:
    requirements = report.requirements
    coverage = report.coverage
    facts = [
        (t(N_("Requirements")), str(len(requirements))),
        (
            t(N_("Must requirements covered")),
            t(
                N_(
                    "%(covered)s of %(total)s (%(share)s%%): fit or a gap with a modification, proved by an "
                    "acceptance scenario"
                )
            )
            % {"covered": coverage.must_covered, "total": coverage.must_total, "share": coverage.share},
        ),
        (t(N_("Modifications")), str(len(report.modifications))),
        (t(N_("Total effort")), _person_days(report.total_effort_days, t, days_text)),
        (t(N_("Critical path")), _critical_path(report, t, days_text)),
    ]
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(clean(value))
    table = _table(document, [(t(N_("Classification")), 10.0), (t(N_("Requirements")), 3.0)])
    for column in matrix.columns:
        _row(table, [t(column_label(column)), str(matrix.column_total(column))], right=(1,))
    _row(table, [t(N_("Total")), str(matrix.total)], bold=True, right=(1,))


def _critical_path(report: GapMapReport, t: Translate, days_text: Days) -> str:
    if not report.critical_path:
        return t(N_("none (no modification)"))
    length = _person_days(report.critical_path_days, t, days_text)
    return f"{' → '.join(report.critical_path)} ({length})"


def _person_days(value: Decimal, t: Translate, days_text: Days) -> str:
    return t(N_("%(days)s person-days")) % {"days": days_text(value)}


def _matrix(document: DocxDocument, matrix: GapMatrix, t: Translate) -> None:
    # The area column takes what the count columns (1.9 cm each) leave of the page.
    count_width = 1.9
    area_width = USABLE_WIDTH_CM - count_width * (len(matrix.columns) + 1)
    header = [
        (t(N_("Process area")), area_width),
        *((t(column_label(c)), count_width) for c in matrix.columns),
        (t(N_("Total")), count_width),
    ]
    table = _table(document, header)
    for area in matrix.areas:
        counts = [matrix.count(area, column) for column in matrix.columns]
        _row(
            table,
            [t(area_label(area)), *(_count(n) for n in counts), str(matrix.row_total(area))],
            right=range(1, len(header)),
        )
    totals = [matrix.column_total(column) for column in matrix.columns]
    _row(
        table,
        [t(N_("Total")), *(str(n) for n in totals), str(matrix.total)],
        bold=True,
        right=range(1, len(header)),
    )


def _count(number: int) -> str:
    # Empty cells let the non-zero counts stand out.
    return str(number) if number else ""


def _requirements(document: DocxDocument, requirements: Sequence[RequirementRecord], t: Translate) -> None:
    if not requirements:
        document.add_paragraph(t(N_("The project holds no requirement yet.")))
        return
    table = _table(document, [(t(title), width) for title, width in REQUIREMENT_COLUMNS])
    for requirement in requirements:
        title = requirement.title
        if requirement.description:
            title += f"\n{requirement.description}"
        classification = requirement.classification
        _row(
            table,
            [
                requirement.ref,
                title,
                t(requirement.priority.label),
                requirement.process_area,
                t(classification.label if classification else column_label(column_of(requirement))),
                _how_met(requirement, t),
                t(requirement.status.label),
                requirement.owner,
                requirement.rationale,
            ],
        )


def _how_met(requirement: RequirementRecord, t: Translate) -> str:
    """What meets the requirement: the core's capability, its configuration key, or the
    modifications that close the gap."""
    parts = []
    if requirement.capability:
        parts.append(requirement.capability)
    if requirement.config_key:
        parts.append(f"{t(N_('Key'))}: {requirement.config_key}")
    if requirement.modifications:
        parts.append(f"{t(N_('Modifications'))}: {', '.join(requirement.modifications)}")
    elif requirement.classification is not None and requirement.classification.is_gap:
        parts.append(t(N_("No modification yet")))
    return "\n".join(parts)


def _modifications(document: DocxDocument, report: GapMapReport, t: Translate, days_text: Days) -> None:
    if not report.modifications:
        document.add_paragraph(t(N_("The list holds no modification.")))
    else:
        table = _table(document, [(t(title), width) for title, width in MODIFICATION_COLUMNS])
        for modification in report.modifications:
            _modification_row(table, modification, t, days_text)
        # The report's own total: the table, the summary and the line below show one figure.
        _row(
            table,
            [t(N_("Total")), "", days_text(report.total_effort_days), "", "", "", "", ""],
            bold=True,
            right=(2,),
        )
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{t(N_('Total effort'))}: ").bold = True
    paragraph.add_run(_person_days(report.total_effort_days, t, days_text))
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{t(N_('Critical path'))}: ").bold = True
    paragraph.add_run(clean(_critical_path(report, t, days_text)))


def _modification_row(table: Table, modification: ModificationRecord, t: Translate, days_text: Days) -> None:
    title = modification.title
    if modification.description:
        title += f"\n{modification.description}"
    # Bold reference and mark: the critical chain is what a reader looks for first.
    _row(
        table,
        [
            modification.ref,
            title,
            days_text(modification.estimate_days),
            t(modification.priority.label),
            t(modification.status.label),
            ", ".join(modification.requirements),
            ", ".join(modification.depends_on),
            t(N_("yes")) if modification.on_critical_path else "",
        ],
        bold_cells=(0, 7) if modification.on_critical_path else (),
        right=(2,),
    )


# --- python-docx building blocks -----------------------------------------------------------


def _page_setup(document: DocxDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, PAGE_MARGIN)
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(9)


def _table(document: DocxDocument, columns: list[tuple[str, float]]) -> Table:
    """A grid table with a bold header row repeated on every page. Widths (cm) go to both the
    grid, which LibreOffice reads, and every cell, which Word reads."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    for column, (_, width) in zip(table.columns, columns, strict=True):
        column.width = Cm(width)
    for cell, (text, width) in zip(table.rows[0].cells, columns, strict=True):
        cell.width = Cm(width)
        cell.paragraphs[0].add_run(text).bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    return table


def _row(
    table: Table,
    values: list[str],
    *,
    bold: bool = False,
    bold_cells: Sequence[int] = (),
    right: Sequence[int] = (),
) -> None:
    """A row of `values`, one paragraph per line of a value; `bold` for the whole row or
    `bold_cells` by index; `right`: indexes of right-aligned cells (numbers).

    The row is written as one piece of XML: python-docx's cell, paragraph and run objects cost
    about 1 ms a row, which a 2,000-requirement table turns into seconds."""
    widths = [column.w.twips if column.w is not None else 0 for column in table._tbl.tblGrid.gridCol_lst]
    cells = []
    for index, (value, width) in enumerate(zip(values, widths, strict=True)):
        paragraph_properties = '<w:pPr><w:jc w:val="right"/></w:pPr>' if index in right else ""
        run_properties = "<w:rPr><w:b/></w:rPr>" if bold or index in bold_cells else ""
        paragraphs = "".join(
            f"<w:p>{paragraph_properties}<w:r>{run_properties}<w:t "
            f'xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
            if line
            else f"<w:p>{paragraph_properties}</w:p>"
            for line in clean(value).split("\n")
        )
        cells.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc>')
    table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{''.join(cells)}</w:tr>"))
