"""The gap map's exports read back as a client reads them: the DOCX with python-docx, the XLSX
with openpyxl; and the XLSX's Requirements sheet imports back to the same requirements."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import openpyxl
import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table

from gap_analysis.enums import Classification, Priority
from gap_analysis.export import gap_map_docx, gap_map_xlsx
from gap_analysis.intake import read_requirements
from gap_analysis.records import GapMapReport
from loyalty_core.capabilities import config_key_paths, get_capability
from tests.gap_analysis.support import sample_report

LABELS = [c.label for c in Classification]


@pytest.fixture(scope="module")
def report() -> GapMapReport:
    return sample_report()


@pytest.fixture(scope="module")
def docx(report: GapMapReport) -> DocxDocument:
    return Document(io.BytesIO(gap_map_docx(report)))


@pytest.fixture(scope="module")
def workbook(report: GapMapReport) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(gap_map_xlsx(report)))


def texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def values(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- DOCX ----------------------------------------------------------------------------------


def test_docx_has_the_title_subtitle_and_sections_in_order(docx: DocxDocument) -> None:
    styled = [(p.style.name, p.text) for p in docx.paragraphs if p.style is not None]
    assert ("Title", "Ромашка: gap map") in styled
    assert any(style == "Subtitle" and "Карта разрыва функционала" in text for style, text in styled)
    assert [text for style, text in styled if style == "Heading 1"] == [
        "Summary",
        "Gap map by process area",
        "Requirements",
        "Modifications list (список доработок)",
    ]
    section = docx.sections[0]
    width, height = section.page_width, section.page_height
    assert width is not None and height is not None
    assert width > height and abs(width - Cm(29.7)) < Cm(0.01)  # A4 landscape


def test_docx_summary_gives_the_generated_time_coverage_effort_and_critical_path(docx: DocxDocument) -> None:
    body = "\n".join(p.text for p in docx.paragraphs)
    assert "Generated: 2026-12-02 09:30 MSK" in body  # 06:30 UTC shown in the report's zone
    assert "Client: ООО «Ромашка»" in body
    assert "Must requirements covered: 2 of 4 (50.0%)" in body
    assert "Total effort: 18.75 person-days" in body
    assert "Critical path: MOD-3 → MOD-4 (10.25 person-days)" in body
    counts = texts(docx.tables[0])
    assert counts[0] == ["Classification", "Requirements"]
    assert counts[1:] == [[label, "1"] for label in LABELS] + [["Unclassified", "2"], ["Total", "9"]]


def test_docx_matrix_counts_process_area_by_classification(docx: DocxDocument) -> None:
    matrix = texts(docx.tables[1])
    assert matrix[0] == ["Process area", *LABELS, "Unclassified", "Total"]
    rows = {row[0]: row[1:] for row in matrix[1:]}
    assert list(rows) == [
        "Интеграции",
        "Коммуникации",
        "Начисление",
        "Отчётность",
        "Партнёры",
        "Списание",
        "(no process area)",
        "Total",
    ]
    # Начисление: one fit-standard, one gap-extension; empty cells for zero.
    assert rows["Начисление"] == ["1", "", "1", "", "", "", "", "", "2"]
    assert rows["(no process area)"] == ["", "", "", "", "", "", "", "1", "1"]
    assert rows["Total"] == ["1", "1", "1", "1", "1", "1", "1", "2", "9"]


def test_docx_requirements_table(docx: DocxDocument) -> None:
    table = texts(docx.tables[2])
    assert table[0] == [
        "REQ",
        "Title",
        "Priority",
        "Process area",
        "Classification",
        "Capability / key / modifications",
        "Status",
        "Owner",
        "Rationale",
    ]
    rows = {row[0]: row for row in table[1:]}
    assert list(rows) == [f"REQ-{n}" for n in range(1, 10)]
    assert rows["REQ-1"] == [
        "REQ-1",
        "Начисление баллов за покупку\n5% от суммы чека",
        "Must",
        "Начисление",
        "Fit — standard",
        "earn.base_rate",
        "Agreed",
        "Иванова",
        "Стандартная функция СУЛ",
    ]
    assert rows["REQ-2"][5] == "redemption.max_share\nKey: redemption.max_share"
    assert rows["REQ-3"][4:6] == ["Gap — extension", "Modifications: MOD-1, MOD-2"]
    assert rows["REQ-7"][2] == "Won't"
    assert rows["REQ-8"][4] == "Unclassified"
    assert rows["REQ-9"][1] == "Карта в мобильном приложении\nQR-код на экране\nвторая строка"


def test_docx_modifications_list_marks_the_critical_path_and_totals(docx: DocxDocument) -> None:
    table = docx.tables[3]
    rows = texts(table)
    assert rows[0] == [
        "MOD",
        "Title",
        "Estimate (person-days)",
        "Priority",
        "Status",
        "Requirements",
        "Depends on",
        "Critical path",
    ]
    assert rows[1] == [
        "MOD-1",
        "Загрузка реестра на начисление\nCSV от оптового отдела",
        "5.5",
        "Must",
        "Approved",
        "REQ-3",
        "",
        "",
    ]
    assert rows[2][6] == "MOD-1"
    assert rows[3][7] == "yes" and rows[4][7] == "yes" and rows[4][6] == "MOD-3"
    assert rows[3][4] == "In progress"
    assert rows[-1][:3] == ["Total", "", "18.75"]
    assert table.rows[3].cells[0].paragraphs[0].runs[0].bold  # critical MOD-3 stands out
    assert not table.rows[1].cells[0].paragraphs[0].runs[0].bold


def test_docx_tables_carry_their_widths_in_the_grid_and_the_cells(docx: DocxDocument) -> None:
    for table in docx.tables[1:]:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.gridCol_lst]
        # twips; the usable width is 26.1 cm = 14,797 twips
        assert abs(sum(grid) - 14797) < 20, grid
        for row in table.rows:
            assert [cell.width.twips for cell in row.cells] == grid  # type: ignore[union-attr]
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None


# --- XLSX ----------------------------------------------------------------------------------

REQUIREMENT_HEADER = [
    "ID",
    "Title",
    "Description",
    "Priority",
    "Process area",
    "Source",
    "Classification",
    "Capability",
    "Configuration key",
    "Modifications",
    "Scenarios",
    "Last result",
    "Status",
    "Owner",
    "Rationale",
]


def test_xlsx_sheets(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == ["Requirements", "Modifications", "Gap map", "Summary"]


def test_xlsx_requirements_sheet_is_a_filterable_table(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["Requirements"]
    rows = values(sheet)
    assert rows[0] == REQUIREMENT_HEADER
    assert sheet.auto_filter.ref == "A1:O10"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    assert sheet["B2"].alignment.wrap_text
    by_id = {row[0]: dict(zip(REQUIREMENT_HEADER, row, strict=True)) for row in rows[1:]}
    assert by_id["REQ-1"] == {
        "ID": "REQ-1",
        "Title": "Начисление баллов за покупку",
        "Description": "5% от суммы чека",
        "Priority": "Must",
        "Process area": "Начисление",
        "Source": "Interview finding: Кассир вручную считает баллы",
        "Classification": "Fit — standard",
        "Capability": "earn.base_rate",
        "Configuration key": None,
        "Modifications": None,
        "Scenarios": "Начисление: Покупка начисляет баллы (passed on v3)",
        "Last result": "passed",
        "Status": "Agreed",
        "Owner": "Иванова",
        "Rationale": "Стандартная функция СУЛ",
    }
    assert by_id["REQ-2"]["Last result"] == "failed"  # the worst of its scenarios
    assert by_id["REQ-2"]["Configuration key"] == "redemption.max_share"
    assert by_id["REQ-3"]["Modifications"] == "MOD-1, MOD-2"
    assert by_id["REQ-7"]["Priority"] == "Won't"
    assert by_id["REQ-8"]["Classification"] is None and by_id["REQ-8"]["Last result"] == "no scenario"
    assert by_id["REQ-8"]["Status"] == "Open"


def test_xlsx_modifications_sheet_has_numbers_a_filter_and_a_sum(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["Modifications"]
    rows = values(sheet)
    assert rows[0] == [
        "ID",
        "Title",
        "Description",
        "Estimate (person-days)",
        "Priority",
        "Status",
        "Requirements",
        "Depends on",
        "Critical path",
    ]
    assert rows[1] == [
        "MOD-1",
        "Загрузка реестра на начисление",
        "CSV от оптового отдела",
        5.5,
        "Must",
        "Approved",
        "REQ-3",
        None,
        "no",
    ]
    assert [row[3] for row in rows[1:5]] == [5.5, 3, 8.25, 2]
    assert [row[8] for row in rows[1:5]] == ["no", "no", "yes", "yes"]
    assert rows[2][7] == "MOD-1"
    assert sheet.auto_filter.ref == "A1:I5"  # the total row stays out of the filter
    assert sheet["A6"].value == "Total" and sheet["D6"].value == "=SUM(D2:D5)"
    assert sheet["D7"].value == "=SUBTOTAL(109,D2:D5)"
    assert sheet["D2"].data_type == "n"


def test_xlsx_gap_map_and_summary_sheets(workbook: openpyxl.Workbook) -> None:
    matrix = values(workbook["Gap map"])
    assert matrix[0] == ["Process area", *LABELS, "Unclassified", "Total"]
    assert matrix[3] == ["Начисление", 1, 0, 1, 0, 0, 0, 0, 0, 2]
    assert matrix[-1] == ["Total", 1, 1, 1, 1, 1, 1, 1, 2, 9]
    summary = {row[0]: row[1] for row in values(workbook["Summary"]) if row[0]}
    assert summary["Generated"] == "2026-12-02 09:30 MSK"
    assert summary["Requirements"] == 9 and summary["Unclassified"] == 2 and summary["Gap — report"] == 1
    assert summary["Must requirements"] == 4 and summary["Must requirements covered"] == 2
    assert summary["Coverage of Must (%)"] == 50.0
    assert summary["Total effort (person-days)"] == 18.75
    assert summary["Critical path"] == "MOD-3 → MOD-4"


def test_text_that_looks_like_a_formula_or_holds_control_characters_is_written_as_text(
    report: GapMapReport,
) -> None:
    hostile = dataclasses.replace(
        report.requirements[0],
        title='=HYPERLINK("http://evil","click")',
        rationale="bell\x07 and nul\x00 gone",
    )
    changed = dataclasses.replace(report, requirements=(hostile,))
    sheet = openpyxl.load_workbook(io.BytesIO(gap_map_xlsx(changed)))["Requirements"]
    assert sheet["B2"].value == '=HYPERLINK("http://evil","click")' and sheet["B2"].data_type == "s"
    assert sheet["O2"].value == "bell and nul gone"
    document = Document(io.BytesIO(gap_map_docx(changed)))
    assert document.tables[2].rows[1].cells[8].text == "bell and nul gone"


def test_an_empty_gap_map_exports(report: GapMapReport) -> None:
    empty = dataclasses.replace(
        report,
        requirements=(),
        modifications=(),
        critical_path=(),
        total_effort_days=Decimal(0),
        critical_path_days=Decimal(0),
    )
    document = Document(io.BytesIO(gap_map_docx(empty)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "The project holds no requirement yet." in body and "Critical path: none (no modification)" in body
    workbook = openpyxl.load_workbook(io.BytesIO(gap_map_xlsx(empty)))
    assert workbook["Requirements"].auto_filter.ref == "A1:O1"
    assert workbook["Modifications"]["D2"].value == 0


# --- round trip ----------------------------------------------------------------------------


def test_the_requirements_sheet_imports_back_to_the_same_requirements(report: GapMapReport) -> None:
    rows = read_requirements(gap_map_xlsx(report), "x.xlsx")
    assert [row.line for row in rows] == list(range(2, 11))
    for row, requirement in zip(rows, report.requirements, strict=True):
        assert (
            row.number,
            row.title,
            row.priority,
            row.description,
            row.process_area,
            row.classification,
            row.capability,
            row.config_key,
            row.rationale,
            row.owner,
            row.status,
        ) == (
            requirement.number,
            requirement.title,
            requirement.priority,
            requirement.description,
            requirement.process_area,
            requirement.classification,
            requirement.capability,
            requirement.config_key,
            requirement.rationale,
            requirement.owner,
            requirement.status,
        )
    assert {row.priority for row in rows} == set(Priority)
    assert {row.classification for row in rows} == {*Classification, None}


def test_the_sample_names_capabilities_and_keys_the_catalogue_has(report: GapMapReport) -> None:
    # An export shows what a consultant chose from the catalogue: the sample chooses real ones.
    for requirement in report.requirements:
        if requirement.capability:
            capability = get_capability(requirement.capability)
            if requirement.config_key:
                assert requirement.config_key in capability.config_keys, requirement.ref
        assert not requirement.config_key or requirement.config_key in config_key_paths(), requirement.ref
