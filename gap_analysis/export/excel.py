"""The gap map as a workbook a client's PM filters: "Requirements" (one row per requirement,
the sheet `gap_analysis.intake` reads back), "Modifications" (with a SUM total), "Gap map"
(process area x classification counts) and "Summary"."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from gap_analysis.enums import Classification, ClassificationStatus, Priority
from gap_analysis.export.texts import (
    clean,
    generated_at,
    last_result,
    scenario_text,
    source_text,
)
from gap_analysis.matrix import GapMatrix, area_label, column_label, gap_matrix
from gap_analysis.records import GapMapReport, ModificationRecord, RequirementRecord

# Header -> column width (characters). The headers are the ones the import recognises.
REQUIREMENT_COLUMNS = (
    ("ID", 9),
    ("Title", 36),
    ("Description", 48),
    ("Priority", 10),
    ("Process area", 18),
    ("Source", 24),
    ("Classification", 22),
    ("Capability", 22),
    ("Configuration key", 24),
    ("Modifications", 16),
    ("Scenarios", 40),
    ("Last result", 12),
    ("Status", 11),
    ("Owner", 16),
    ("Rationale", 40),
)
MODIFICATION_COLUMNS = (
    ("ID", 9),
    ("Title", 36),
    ("Description", 48),
    ("Estimate (person-days)", 12),
    ("Priority", 10),
    ("Status", 12),
    ("Requirements", 24),
    ("Depends on", 16),
    ("Critical path", 10),
)
EXCEL_CELL_CHARS = 32_767  # Excel's own limit; a longer cell makes it "repair" the file
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def gap_map_xlsx(report: GapMapReport) -> bytes:
    """The gap map and the modifications list of `report` as the bytes of an .xlsx file."""
    workbook = Workbook()
    requirements_sheet = workbook.active
    assert requirements_sheet is not None  # a new workbook always has its first sheet
    requirements_sheet.title = "Requirements"
    _requirements(requirements_sheet, report.requirements)
    _modifications(workbook.create_sheet("Modifications"), report.modifications)
    matrix = gap_matrix(report.requirements)  # the gap map sheet and the summary show the same counts
    _matrix(workbook.create_sheet("Gap map"), matrix)
    _summary(workbook.create_sheet("Summary"), report, matrix)
    workbook.properties.title = clean(f"{report.project_name}: gap map")
    workbook.properties.creator = "Loyalty rollout workbench"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- sheets --------------------------------------------------------------------------------


def _requirements(sheet: Worksheet, requirements: Sequence[RequirementRecord]) -> None:
    _header(sheet, REQUIREMENT_COLUMNS)
    for line, requirement in enumerate(requirements, start=2):
        classification = requirement.classification
        _put_row(
            sheet,
            line,
            [
                requirement.ref,
                requirement.title,
                requirement.description,
                requirement.priority.label,
                requirement.process_area,
                source_text(requirement),
                classification.label if classification else "",
                requirement.capability,
                requirement.config_key,
                ", ".join(requirement.modifications),
                "\n".join(scenario_text(s) for s in requirement.scenarios),
                last_result(requirement),
                requirement.status.label,
                requirement.owner,
                requirement.rationale,
            ],
        )
    last = len(requirements) + 1
    _filter_and_freeze(sheet, len(REQUIREMENT_COLUMNS), last)
    # Drop-down lists of the labels the import accepts, so an edited sheet re-imports cleanly.
    # Blank stays allowed (an unclassified requirement).
    for header, members in (
        ("Priority", Priority),
        ("Classification", Classification),
        ("Status", ClassificationStatus),
    ):
        letter = _letter(REQUIREMENT_COLUMNS, header)
        labels = ",".join(member.label for member in members)
        validation = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
        validation.error = f"Choose one of: {labels}"
        validation.errorTitle = header
        validation.add(f"{letter}2:{letter}{max(last, 2) + 1000}")
        sheet.add_data_validation(validation)


def _modifications(sheet: Worksheet, modifications: Sequence[ModificationRecord]) -> None:
    _header(sheet, MODIFICATION_COLUMNS)
    estimate = _letter(MODIFICATION_COLUMNS, "Estimate (person-days)")
    for line, modification in enumerate(modifications, start=2):
        _put_row(
            sheet,
            line,
            [
                modification.ref,
                modification.title,
                modification.description,
                modification.estimate_days,
                modification.priority.label,
                modification.status.label,
                ", ".join(modification.requirements),
                ", ".join(modification.depends_on),
                "yes" if modification.on_critical_path else "no",
            ],
        )
        sheet[f"{estimate}{line}"].number_format = "0.0#"
    last = len(modifications) + 1
    _filter_and_freeze(sheet, len(MODIFICATION_COLUMNS), last)
    # The total row sits just below the filter's range, so filtering never hides it. SUM is the
    # whole list; SUBTOTAL(109) below it sums only the rows the filter shows.
    total, shown = last + 1, last + 2
    sheet[f"A{total}"] = "Total"
    sheet[f"A{shown}"] = "Shown"
    sheet[f"B{shown}"] = "rows the filter shows"
    if modifications:
        sheet[f"{estimate}{total}"] = f"=SUM({estimate}2:{estimate}{last})"
        sheet[f"{estimate}{shown}"] = f"=SUBTOTAL(109,{estimate}2:{estimate}{last})"
    else:
        sheet[f"{estimate}{total}"] = 0
        sheet[f"{estimate}{shown}"] = 0
    for line in (total, shown):
        sheet[f"A{line}"].font = _BOLD
        sheet[f"{estimate}{line}"].font = _BOLD
        sheet[f"{estimate}{line}"].number_format = "0.0#"


def _matrix(sheet: Worksheet, matrix: GapMatrix) -> None:
    header = [("Process area", 30), *((column_label(c), 14) for c in matrix.columns), ("Total", 9)]
    _header(sheet, header)
    sheet.row_dimensions[1].height = 32
    line = 1
    for line, area in enumerate(matrix.areas, start=2):
        _put_row(
            sheet,
            line,
            [area_label(area), *(matrix.count(area, c) for c in matrix.columns), matrix.row_total(area)],
        )
    total = line + 1
    _put_row(sheet, total, ["Total", *(matrix.column_total(c) for c in matrix.columns), matrix.total])
    for cell in sheet[total]:
        cell.font = _BOLD
    sheet.freeze_panes = "B2"


def _summary(sheet: Worksheet, report: GapMapReport, matrix: GapMatrix) -> None:
    coverage = report.coverage
    rows: list[tuple[str, object]] = [
        ("Project", f"{report.project_key}: {report.project_name}"),
        ("Client", report.client),
        ("Generated", generated_at(report)),
        *report.extra.items(),
        ("", ""),
        ("Requirements", len(report.requirements)),
        *((column_label(c), matrix.column_total(c)) for c in matrix.columns),
        ("", ""),
        ("Must requirements", coverage.must_total),
        ("Must requirements covered", coverage.must_covered),
        ("Coverage of Must (%)", float(coverage.share)),
        ("", ""),
        ("Modifications", len(report.modifications)),
        ("Total effort (person-days)", report.total_effort_days),
        ("Critical path", " → ".join(report.critical_path) or "none"),
        ("Critical path (person-days)", report.critical_path_days),
    ]
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 60
    for line, (label, value) in enumerate(rows, start=1):
        _put_row(sheet, line, [label, value], wrap=False)
        sheet.cell(line, 1).font = _BOLD


# --- openpyxl building blocks --------------------------------------------------------------


def _header(sheet: Worksheet, columns: Sequence[tuple[str, int]]) -> None:
    for index, (text, width) in enumerate(columns, start=1):
        cell = sheet.cell(1, index, text)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        sheet.column_dimensions[get_column_letter(index)].width = width


def _filter_and_freeze(sheet: Worksheet, width: int, last_line: int) -> None:
    sheet.auto_filter.ref = f"A1:{get_column_letter(width)}{max(last_line, 1)}"
    sheet.freeze_panes = "A2"


def _letter(columns: Sequence[tuple[str, int]], header: str) -> str:
    return get_column_letter([name for name, _ in columns].index(header) + 1)


def _put_row(sheet: Worksheet, line: int, values: Sequence[object], *, wrap: bool = True) -> None:
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(line, index)
        _put(cell, value)
        cell.alignment = _WRAP if wrap else _TOP


def _put(cell: Cell, value: object) -> None:
    if isinstance(value, str):
        text = clean(value)
        if len(text) > EXCEL_CELL_CHARS:
            text = text[: EXCEL_CELL_CHARS - 1] + "…"
        cell.value = text
        # openpyxl takes any text starting with "=" for a formula: a title typed as "=1+1"
        # (or a hostile "=HYPERLINK(...)") must stay the text it is.
        if cell.data_type == "f":
            cell.data_type = "s"
        return
    cell.value = value  # type: ignore[assignment]
