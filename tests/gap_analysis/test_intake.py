"""Import of requirements from XLSX/CSV: every problem of a bad file with its line and column,
all at once, and nothing of a bad file imported; good files in both formats and both languages."""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile

import openpyxl
import pytest

from gap_analysis.enums import Classification, ClassificationStatus, Priority
from gap_analysis.intake import (
    MAX_FILE_BYTES,
    IntakeError,
    IntakeProblem,
    RequirementRow,
    read_requirements,
)


def csv_file(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def xlsx_file(rows: list[list[object]], *, title: str = "Sheet1", before: str | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if before is not None:
        sheet.title = before
        sheet.append(["Not", "this", "sheet"])
        sheet = workbook.create_sheet(title)
    else:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_file(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def with_entities() -> bytes:
    """A real workbook whose sheet declares a "billion laughs" entity and uses it in a cell."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_file([["Title", "Priority"], ["PLACEHOLDER", "must"]])))
    members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [{entities}]>' + sheet
    sheet = sheet.replace("PLACEHOLDER", "&i;")
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    return zip_file(members)


def compressible(size: int) -> bytes:
    """`size` bytes that deflate about 20 to 1, like a long sheet: a bomb by its size, not its ratio."""
    return os.urandom(size).translate(bytes(b"a"[0] if n < 243 else b"b"[0] for n in range(256)))


def problems_of(data: bytes, filename: str) -> list[tuple[int, str, str]]:
    with pytest.raises(IntakeError) as caught:
        read_requirements(data, filename)
    error = caught.value
    assert "Traceback" not in str(error) and 'File "' not in str(error)
    assert str(error) == "\n".join(str(problem) for problem in error.problems)
    return [(p.line, p.column, p.message) for p in error.problems]


TOO_MANY = "Title,Priority\n" + "".join(f"Requirement {n},must\n" for n in range(5001))

BAD = {
    "bad priority": (
        csv_file("Title,Priority\nA,must\nB,Highest\n"),
        "r.csv",
        [(3, "Priority", "'Highest' is not one of must, should, could, wont")],
    ),
    "no priority": (
        csv_file("Title,Priority\nA,\n"),
        "r.csv",
        [(2, "Priority", "a priority is required (must, should, could, wont)")],
    ),
    "missing title": (
        csv_file("ID,Title,Priority\nREQ-1,,must\n"),
        "r.csv",
        [(2, "Title", "a title is required")],
    ),
    "unknown classification": (
        xlsx_file([["Title", "Priority", "Классификация"], ["A", "must", "Fit-ish"]]),
        "r.xlsx",
        [
            (
                2,
                "Классификация",
                "'Fit-ish' is not one of fit_standard, fit_configuration, gap_extension, "
                "gap_integration, gap_report, workaround, out_of_scope",
            )
        ],
    ),
    "unknown status": (
        csv_file("Title,Priority,Status\nA,must,done\n"),
        "r.csv",
        [(2, "Status", "'done' is not one of open, proposed, agreed, disputed")],
    ),
    "duplicate ID": (
        csv_file("ID,Title,Priority\nREQ-5,A,must\nREQ-6,B,must\n5,C,must\n"),
        "r.csv",
        [(4, "ID", "REQ-5 is already on line 2")],
    ),
    "text in the ID column": (
        xlsx_file(
            [["ID", "Title", "Priority"], ["REQ-1", "A", "must"], ["первый", "B", "must"], [0, "C", "must"]]
        ),
        "r.xlsx",
        [
            (
                3,
                "ID",
                "'первый' is not a requirement number (REQ-12 or 12; leave it empty for a new requirement)",
            ),
            (4, "ID", "'0' is not a requirement number (REQ-12 or 12; leave it empty for a new requirement)"),
        ],
    ),
    "missing required columns": (
        csv_file("Name,Prio,Comment\nA,must,x\n"),
        "r.csv",
        [
            (1, "", "no Title column (also accepted: Requirement, Название, Требование, Наименование)"),
            (1, "", "no Priority column (also accepted: Moscow, Приоритет)"),
        ],
    ),
    "two columns for one field": (
        csv_file("Title,Название,Priority\nA,Б,must\n"),
        "r.csv",
        [(1, "Название", "a second column for the same thing as 'Title'")],
    ),
    "header only": (
        csv_file("Title,Priority\n\n"),
        "r.csv",
        [(1, "", "no requirement below the header row")],
    ),
    "empty file": (b"  \n", "r.csv", [(0, "", "the file is empty")]),
    "too many rows": (
        csv_file(TOO_MANY),
        "r.csv",
        [(5002, "", "more than 5,000 requirements; split the file")],
    ),
    "too big": (
        b"Title,Priority\n" + b"x" * MAX_FILE_BYTES,
        "r.csv",
        [(0, "", "the file is 5.0 MB; at most 5 MB is accepted")],
    ),
    "a cell too long": (
        csv_file("Title,Priority,Description\nA,must," + "д" * 10_001 + "\n"),
        "r.csv",
        [(2, "Description", "10,001 characters; at most 10,000")],
    ),
    "a control character": (
        csv_file("Title,Priority\nA\x07,must\n"),
        "r.csv",
        [(2, "Title", "holds a control character (U+0007)")],
    ),
    "a character XML cannot hold": (
        csv_file("Title,Priority,Notes\nA,must,x\ufffe\n"),
        "r.csv",
        [(2, "Notes", "holds a character no spreadsheet holds (U+FFFE)")],
    ),
    "neither UTF-8 nor cp1251": (
        b"Title,Priority\nA\x98,must\n",
        "r.csv",
        [(2, "", "byte 0x98 is neither UTF-8 nor Windows-1251 text; save the file as CSV UTF-8")],
    ),
    "broken CSV quote": (
        csv_file('Title,Priority\nA,must\n"B,must\nC,must\n'),
        "r.csv",
        [(3, "", "broken CSV (unexpected end of data); check the quotes on this line")],
    ),
    "not a spreadsheet (name)": (
        b"%PDF-1.7",
        "requirements.pdf",
        [
            (
                0,
                "",
                "'requirements.pdf' is not a spreadsheet this import reads: upload an "
                "Excel workbook (.xlsx) or a CSV file (.csv)",
            )
        ],
    ),
    "not a spreadsheet (content)": (
        b"just some text",
        "r.xlsx",
        [(0, "", "the file is not an Excel .xlsx workbook; save it from Excel as .xlsx")],
    ),
    "an old .xls named .xlsx": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
        "r.xlsx",
        [
            (
                0,
                "",
                "the file is not an Excel .xlsx workbook (an old .xls or an encrypted "
                "workbook?); save it from Excel as .xlsx",
            )
        ],
    ),
    "a workbook named .csv": (
        xlsx_file([["Title", "Priority"]]),
        "r.csv",
        [(0, "", "the file is an Excel workbook named .csv; rename it to .xlsx or save it as CSV")],
    ),
    "a zip bomb (ratio)": (
        zip_file({"xl/worksheets/sheet1.xml": b"\0" * (20 * 1024 * 1024)}),
        "r.xlsx",
        [
            (
                0,
                "",
                "the workbook part 'xl/worksheets/sheet1.xml' is compressed 1028 to 1; it is "
                "refused as a possible zip bomb",
            )
        ],
    ),
    "a zip bomb (size)": (
        zip_file({f"xl/part{n}.xml": compressible(13 * 1024 * 1024) for n in range(4)}),
        "r.xlsx",
        [(0, "", "the workbook unpacks to more than 50 MB; it is refused as a possible zip bomb")],
    ),
    "XML entities": (
        with_entities(),
        "r.xlsx",
        [(0, "", "the workbook declares XML entities or a DTD, which are not accepted")],
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_bad_file_is_refused_with_the_line_and_column_of_each_problem(case: str) -> None:
    data, filename, expected = BAD[case]
    assert problems_of(data, filename) == expected


def test_a_zip_that_is_no_workbook_is_refused_in_our_words() -> None:
    # In the brackets: the exception's type, then its own text (zipfile's, which may change with
    # Python, so it is not pinned); everything around it is what we say, pinned in full.
    [(line, column, message)] = problems_of(zip_file({"readme.txt": b"hello"}), "r.xlsx")
    assert (line, column) == (0, "")
    assert re.fullmatch(
        r"the file could not be read as an Excel workbook \(KeyError: [^\n]{1,160}\); "
        r"save it from Excel as \.xlsx and try again",
        message,
    ), message


def test_every_problem_of_a_file_is_listed_at_once() -> None:
    data = csv_file(
        "ID;Title;Priority;Classification\n"
        "REQ-1;Начисление;Must;Fit — standard\n"
        "REQ-1;;Highest;\n"
        "\n"
        "x;Отчёт;should;Gap-ish\n"
        "REQ-2;Ok;could;\n"
    )
    problems = problems_of(data, "r.csv")
    assert problems == [
        (3, "Title", "a title is required"),
        (3, "Priority", "'Highest' is not one of must, should, could, wont"),
        (3, "ID", "REQ-1 is already on line 2"),
        (5, "ID", "'x' is not a requirement number (REQ-12 or 12; leave it empty for a new requirement)"),
        (
            5,
            "Classification",
            "'Gap-ish' is not one of fit_standard, fit_configuration, gap_extension, "
            "gap_integration, gap_report, workaround, out_of_scope",
        ),
    ]
    assert str(IntakeProblem(3, "Priority", "'Highest' is not one of must, should, could, wont")) == (
        "line 3, column Priority: 'Highest' is not one of must, should, could, wont"
    )
    assert str(IntakeProblem(3, "", "x")) == "line 3: x" and str(IntakeProblem(0, "", "x")) == "x"


def test_a_duplicate_id_is_reported_even_when_the_first_row_is_bad_elsewhere() -> None:
    # The second row names REQ-3 again; the first (missing its title) still claims the number.
    data = csv_file("ID,Title,Priority\n3,,must\nREQ-3,B,must\n")
    assert problems_of(data, "r.csv") == [
        (2, "Title", "a title is required"),
        (3, "ID", "REQ-3 is already on line 2"),
    ]


def test_a_good_csv_with_bom_and_commas() -> None:
    data = codecs.BOM_UTF8 + csv_file(
        "ID,Title,Description,Priority,Process area,Classification,Capability,Configuration key,Rationale,"
        "Owner,Status,PM comment\n"
        'REQ-4,Points for a purchase,"5% of the check,\nrounded down",Must,Earning,Fit — configuration,earn,'
        "earn.base_rate,Standard,Anna,agreed,ask Bob\n"
        ",Wholesale registry,,should,,gap - extension,,,,,,\n"
    )
    assert read_requirements(data, "Requirements.CSV") == [
        RequirementRow(
            line=2,
            number=4,
            title="Points for a purchase",
            priority=Priority.must,
            description="5% of the check,\nrounded down",
            process_area="Earning",
            classification=Classification.fit_configuration,
            capability="earn",
            config_key="earn.base_rate",
            rationale="Standard",
            owner="Anna",
            status=ClassificationStatus.agreed,
        ),
        RequirementRow(
            line=3,
            number=None,
            title="Wholesale registry",
            priority=Priority.should,
            classification=Classification.gap_extension,
        ),
    ]


def test_a_cp1251_csv_with_semicolons_from_a_russian_excel() -> None:
    data = csv_file(
        "№;Требование;Приоритет;Область;Классификация;Ответственный;Статус;Обоснование\r\n"
        "1;Начисление баллов;Обязательно;Начисление;Fit — standard;Иванова;Согласовано?;\r\n"
        ";Отчёт «Средний чек»;Желательно;Отчётность;;;;Нужен клиенту, срочно\r\n"
        "\r\n"
        ";Коалиция;Не будет;;Out of scope;;;\r\n"
        ";SMS;возможно;;;;;\r\n"
        ";Бумажные купоны;Won’t;;;;;\r\n",
        "cp1251",
    )
    with pytest.raises(IntakeError) as caught:
        read_requirements(data, "реестр.csv")
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "Статус")]
    fixed = data.replace("Согласовано?".encode("cp1251"), b"agreed")
    rows = read_requirements(fixed, "реестр.csv")
    assert [(r.line, r.number, r.title, r.priority) for r in rows] == [
        (2, 1, "Начисление баллов", Priority.must),
        (3, None, "Отчёт «Средний чек»", Priority.should),
        (5, None, "Коалиция", Priority.wont),
        (6, None, "SMS", Priority.could),
        (7, None, "Бумажные купоны", Priority.wont),
    ]
    assert rows[0].owner == "Иванова" and rows[0].status is ClassificationStatus.agreed
    assert rows[1].rationale == "Нужен клиенту, срочно" and rows[1].process_area == "Отчётность"
    assert rows[2].classification is Classification.out_of_scope


def test_an_xlsx_with_a_russian_header_row_and_numbers_in_cells() -> None:
    data = xlsx_file(
        [
            [
                "Номер",
                "Название",
                "ПРИОРИТЕТ",
                "Процесс",
                "Классификация",
                "Возможность",
                "Ключ конфигурации",
                "Заметки",
            ],
            [
                12,
                "Списание баллов",
                "Must",
                "Списание",
                "Fit — configuration",
                "redeem",
                "redemption.max_share",
                "моё",
            ],
            [None, None, None, None, None, None, None, None],
            [13.0, "Курс балла", "Won't", "Списание", "", "", 100, None],
        ]
    )
    rows = read_requirements(data, "r.xlsx")
    assert [(r.line, r.number, r.title, r.priority, r.classification) for r in rows] == [
        (2, 12, "Списание баллов", Priority.must, Classification.fit_configuration),
        (4, 13, "Курс балла", Priority.wont, None),
    ]
    assert rows[0].config_key == "redemption.max_share" and rows[1].config_key == "100"
    assert rows[0].process_area == "Списание"


def test_the_requirements_sheet_is_read_when_it_is_not_the_first() -> None:
    data = xlsx_file([["Title", "Priority"], ["A", "could"]], title="Требования", before="Notes")
    assert [(r.title, r.priority) for r in read_requirements(data, "r.xlsx")] == [("A", Priority.could)]


def test_the_first_sheet_is_read_otherwise() -> None:
    data = xlsx_file([["Title", "Priority"], ["B", "should"]], title="Лист1")
    assert [r.title for r in read_requirements(data, "r.xlsx")] == ["B"]


def test_five_thousand_rows_are_accepted() -> None:
    grid: list[list[object]] = [["Title", "Priority"]]
    grid += [[f"Requirement {n}", "must"] for n in range(5000)]
    rows = read_requirements(xlsx_file(grid), "r.xlsx")
    assert len(rows) == 5000 and rows[-1].line == 5001


def test_openpyxl_parses_the_sheets_with_defusedxml() -> None:
    # With defusedxml installed openpyxl takes its iterparse for sheets and shared strings; the
    # import refuses to run without it (see "XML entities" above for the refusal of a DTD).
    assert openpyxl.DEFUSEDXML is True
    import openpyxl.xml.functions as functions

    assert functions.iterparse.__module__.startswith("defusedxml")


def test_a_hostile_dimension_does_not_make_every_row_sixteen_thousand_cells_wide() -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx_file([["Title", "Priority"], ["A", "must"]])))
    members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    members["xl/worksheets/sheet1.xml"] = sheet.replace(
        '<dimension ref="A1:B2"/>', '<dimension ref="A1:XFD1048576"/>'
    ).encode()
    assert b"XFD1048576" in members["xl/worksheets/sheet1.xml"]
    assert [r.title for r in read_requirements(zip_file(members), "r.xlsx")] == ["A"]


def test_a_utf16_tab_separated_file_from_excel_unicode_text() -> None:
    data = codecs.BOM_UTF16_LE + "Название\tПриоритет\r\nСписание\tЖелательно\r\n".encode("utf-16-le")
    assert [(r.title, r.priority) for r in read_requirements(data, "r.csv")] == [
        ("Списание", Priority.should)
    ]
