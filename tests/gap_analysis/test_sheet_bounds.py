"""A workbook is bounded by its rows and cells while its XML streams by, not only by its
compression ratio: a small file of tens of megabytes of empty rows, or of empty cells, is refused
at once with the bound it broke, before openpyxl parses it."""

from __future__ import annotations

import io
import zipfile

import pytest

from gap_analysis import intake
from gap_analysis.intake import IntakeError, read_requirements
from gap_analysis.sheet_bounds import MAX_SHARED_STRINGS, MAX_SHEET_CELLS, MAX_SHEET_ROWS
from tests.gap_analysis.test_intake import xlsx_file, zip_file

SHEET = "xl/worksheets/sheet1.xml"
COLUMNS = [f"{a}{b}".encode() for a in "CDEFGHIJKL" for b in "ABCDEFGHIJKL"]  # 120 column letters
# An empty row as Excel writes one with formatting: long, alike, ~55 to 1 when deflated.
EMPTY_ROW = (
    b'<row r="%d" spans="1:2" ht="15" customHeight="1" customFormat="1" s="1" thickBot="0" thickTop="0" '
    b'collapsed="0" outlineLevel="0" hidden="0" dyDescent="0.25" x="' + b"b" * 250 + b'">'
    b'<c r="A%d" s="1" t="n" cm="0" vm="0" ph="0"/></row>'
)


def with_rows(extra: bytes, *, title: str = "Requirements", before: str | None = None) -> bytes:
    """A real workbook (header and one requirement) whose sheet gets `extra` rows appended."""
    source = zipfile.ZipFile(
        io.BytesIO(xlsx_file([["Title", "Priority"], ["A", "must"]], title=title, before=before))
    )
    members = {name: source.read(name) for name in source.namelist()}
    part = "xl/worksheets/sheet2.xml" if before else SHEET
    members[part] = members[part].replace(b"</sheetData>", extra + b"</sheetData>")
    return zip_file(members)


def refusal(data: bytes) -> str:
    with pytest.raises(IntakeError) as caught:
        read_requirements(data, "r.xlsx")
    return str(caught.value)


def test_a_small_file_of_fifty_megabytes_of_empty_rows_is_refused_by_its_rows() -> None:
    data = with_rows(b"".join(EMPTY_ROW % (n, n) for n in range(3, 105_000)))
    sheet = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    # What the probe sent: under 1 MB, about 50 MB unpacked at ~55:1, which the zip checks pass.
    assert len(data) < 1024 * 1024 and sheet.file_size > 45 * 1024 * 1024
    assert 40 < sheet.file_size / sheet.compress_size < intake.MAX_RATIO
    intake._check_zip(data)
    assert refusal(data) == (
        f"the sheet 'Requirements' goes on past row {MAX_SHEET_ROWS:,} (empty rows count too); "
        f"at most {MAX_SHEET_ROWS:,} rows are read: delete the empty rows below the table"
    )


def test_a_row_number_that_jumps_far_down_counts_the_rows_it_skips() -> None:
    assert "goes on past row 10,000" in refusal(with_rows(b'<row r="1048576"><c r="A1048576" s="1"/></row>'))


def test_a_sheet_of_too_many_cells_is_refused_by_its_cells() -> None:
    # 2,000 rows of 120 empty cells each: within the row bound, and compressed only ~10 to 1.
    cells = b"".join(
        b'<row r="%d">' % row + b"".join(b'<c r="%s%d"/>' % (col, row) for col in COLUMNS) + b"</row>"
        for row in range(3, 2_003)
    )
    assert refusal(with_rows(cells)).startswith(
        f"the sheet 'Requirements' holds more than {MAX_SHEET_CELLS:,} cells"
    )


def test_every_sheet_is_bounded_and_named_not_only_the_one_imported() -> None:
    # openpyxl scans every sheet as it opens a workbook, so an unrelated sheet is bounded too.
    data = with_rows(
        b"".join(EMPTY_ROW % (n, n) for n in range(3, MAX_SHEET_ROWS + 5)),
        title="Requirements",
        before="Notes",
    )
    assert "the sheet 'Requirements' goes on past row" in refusal(data)


def test_too_many_shared_strings_are_refused_before_the_workbook_is_opened() -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx_file([["Title", "Priority"], ["A", "must"]])))
    members = {name: source.read(name) for name in source.namelist()}
    strings = b"".join(b"<si><t>%d</t></si>" % n for n in range(MAX_SHARED_STRINGS + 1))
    members["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + strings + b"</sst>"
    )
    assert refusal(zip_file(members)) == (
        f"the workbook holds more than {MAX_SHARED_STRINGS:,} texts; at most {MAX_SHARED_STRINGS:,} are read"
    )


def test_a_csv_of_nothing_but_empty_lines_stops_at_the_line_bound() -> None:
    with pytest.raises(IntakeError) as caught:
        read_requirements(b"Title,Priority\nA,must\n" + b",\n" * (MAX_SHEET_ROWS + 10), "r.csv")
    assert str(caught.value) == (
        f"line {MAX_SHEET_ROWS + 1}: the file goes on past line {MAX_SHEET_ROWS:,} "
        f"(empty lines count too); at most {MAX_SHEET_ROWS:,} lines are read"
    )


def test_rows_within_the_bounds_with_empty_rows_between_still_import() -> None:
    data = with_rows(
        b"".join(EMPTY_ROW % (n, n) for n in range(3, 9_000))
        + b'<row r="9000"><c r="A9000" t="inlineStr"><is><t>B</t></is></c>'
        b'<c r="B9000" t="inlineStr"><is><t>should</t></is></c></row>'
    )
    rows = read_requirements(data, "r.xlsx")
    assert [(r.line, r.title) for r in rows] == [(2, "A"), (9000, "B")]
