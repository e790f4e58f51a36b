"""Import of requirements from a spreadsheet a client's PM keeps: XLSX or CSV.

The file is untrusted: it is read within limits (its size, the rows, a cell's length; for XLSX
the unpacked size and the compression ratio of every zip member are checked before openpyxl
opens it, the rows and cells of the sheet and the shared strings are counted while their XML
streams by (gap_analysis.sheet_bounds), and openpyxl parses the sheets with defusedxml, so no
entity is expanded). Every
problem of the file is collected and reported at once with its line (the row number a
spreadsheet shows; the header is line 1) and the column's header as written; a file with any
problem gives no rows at all, so nothing is half-imported.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import TypeVar

import openpyxl
from defusedxml import DefusedXmlException

from gap_analysis import sheet_bounds
from gap_analysis.enums import Classification, ClassificationStatus, Priority
from gap_analysis.errors import GapAnalysisError
from gap_analysis.export.texts import NOT_XML

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000  # data rows, the header not counted
MAX_CELL_CHARS = 10_000
MAX_COLUMNS = 200  # columns read; anything to the right of these is ignored
MAX_SHEET_ROWS = sheet_bounds.MAX_SHEET_ROWS  # lines read, the header and empty ones included
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # the XLSX's members together, and each one
MAX_MEMBERS = 1_000
# Sheet XML compresses well (20-30x for long tables of similar rows); a zip bomb far better.
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024  # small members may have any ratio: they cannot hurt
ALLOWED_KINDS = (".xlsx", ".csv")

# Header (case-insensitive, spaces squeezed) -> field. English first, then Russian.
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("id", "req", "ref", "№", "номер", "ид"),
    "title": ("title", "requirement", "название", "требование", "наименование"),
    "description": ("description", "описание"),
    "priority": ("priority", "moscow", "приоритет"),
    "process_area": ("process area", "area", "process", "область", "процесс", "область процесса"),
    "classification": ("classification", "fit/gap", "классификация"),
    "capability": ("capability", "возможность"),
    "config_key": ("configuration key", "config key", "ключ конфигурации"),
    "rationale": ("rationale", "обоснование"),
    "owner": ("owner", "ответственный"),
    "status": ("status", "статус"),
}
REQUIRED = {"title": "Title", "priority": "Priority"}
_FIELD_OF = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
_ID = re.compile(r"(?:req[-\s]?)?0*(\d{1,9})", re.IGNORECASE)
_SHEET_NAMES = ("requirements", "требования")
_E = TypeVar("_E", Priority, Classification, ClassificationStatus)


@dataclass(frozen=True)
class IntakeProblem:
    """One problem of an imported file."""

    line: int  # 1-based row in the file (the header is line 1); 0: the file as a whole
    column: str  # the column's header as written in the file; "" for a whole row or the file
    message: str

    def __str__(self) -> str:
        if self.line <= 0:
            return self.message
        if self.column:
            return f"line {self.line}, column {self.column}: {self.message}"
        return f"line {self.line}: {self.message}"


class IntakeError(GapAnalysisError):
    """The file was refused; `.problems` lists every problem found, in file order, and str()
    gives them one a line."""

    def __init__(self, problems: Iterable[IntakeProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class RequirementRow:
    """One requirement as the file gives it. `number` is set when the file names an existing
    requirement (ID "REQ-12" or "12": update it), None for a new one."""

    line: int
    number: int | None
    title: str
    priority: Priority
    description: str = ""
    process_area: str = ""
    classification: Classification | None = None
    capability: str = ""
    config_key: str = ""
    rationale: str = ""
    owner: str = ""
    status: ClassificationStatus = ClassificationStatus.open
    # field -> its column's header as written in the file (one mapping shared by the file's rows)
    headers: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def problem(self, field_name: str, message: str) -> IntakeProblem:
        """A problem of this row's `field_name` cell, named by the file's own header (the
        English one when the file has no such column), as the file's other problems are."""
        english = "ID" if field_name == "number" else HEADERS.get(field_name, (field_name,))[0].capitalize()
        column = self.headers.get(field_name) or english
        return IntakeProblem(self.line, column, message)


def read_requirements(data: bytes, filename: str) -> list[RequirementRow]:
    """The requirement rows of an .xlsx or .csv file named `filename`.

    Raises IntakeError listing every problem found (none of the rows is returned then).
    """
    kind = PurePath(filename or "").suffix.lower()
    if kind not in ALLOWED_KINDS:
        raise _file_problem(
            f"{filename or 'the file'!r} is not a spreadsheet this import reads: "
            "upload an Excel workbook (.xlsx) or a CSV file (.csv)"
        )
    if len(data) > MAX_FILE_BYTES:
        raise _file_problem(
            f"the file is {len(data) / 1024 / 1024:.1f} MB; at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB is accepted"
        )
    if not data.strip():
        raise _file_problem("the file is empty")
    rows = _xlsx_rows(data) if kind == ".xlsx" else _csv_rows(data)
    return _requirements(rows)


def _file_problem(message: str) -> IntakeError:
    return IntakeError([IntakeProblem(0, "", message)])


# --- reading the grid ----------------------------------------------------------------------

Grid = list[tuple[int, tuple[object, ...]]]  # (line, cells) of the non-empty rows


def _collect(rows: Iterable[tuple[object, ...]]) -> Grid:
    """The non-empty rows with their line numbers, stopping one past the row limit (the header
    plus MAX_ROWS data rows), so an enormous file is not read to its end. Empty lines count
    against MAX_SHEET_ROWS as they are read: a file of nothing but empty lines stops there too."""
    grid: Grid = []
    for line, cells in enumerate(rows, start=1):
        if line > MAX_SHEET_ROWS:
            raise IntakeError(
                [
                    IntakeProblem(
                        line,
                        "",
                        f"the file goes on past line {MAX_SHEET_ROWS:,} (empty lines "
                        f"count too); at most {MAX_SHEET_ROWS:,} lines are read",
                    )
                ]
            )
        if any(_text(cell) for cell in cells):
            grid.append((line, tuple(cells[:MAX_COLUMNS])))
            if len(grid) > MAX_ROWS + 1:
                break
    return grid


def _xlsx_rows(data: bytes) -> Grid:
    _check_zip(data)
    if not openpyxl.DEFUSEDXML:
        # openpyxl falls back to the plain XML parser without defusedxml (or when
        # OPENPYXL_DEFUSEDXML=False): untrusted workbooks are not opened then.
        raise RuntimeError("openpyxl runs without defusedxml; refusing to parse an uploaded workbook")
    workbook = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Rows and cells counted as the XML streams by, before openpyxl (which reads the
            # shared strings whole and scans every sheet for its size) opens anything.
            sheet_bounds.check_workbook(archive)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = list(workbook.worksheets)
        if not sheets:
            raise _file_problem("the workbook holds no worksheet")
        sheet = next((s for s in sheets if s.title.strip().casefold() in _SHEET_NAMES), sheets[0])
        # The <dimension> a file declares may be wrong (or hostile: A1:XFD1048576); read the
        # cells that are there, at most MAX_COLUMNS wide.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        return _collect(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True))
    except IntakeError:
        raise
    except sheet_bounds.BoundExceeded as error:
        raise _file_problem(str(error)) from None
    except Exception as error:  # noqa: BLE001  (any parse failure of a hostile file is a refusal)
        if _caused_by_entities(error):
            raise _file_problem(
                "the workbook declares XML entities or a DTD, which are not accepted"
            ) from None
        raise _file_problem(
            f"the file could not be read as an Excel workbook ({_reason(error)}); "
            "save it from Excel as .xlsx and try again"
        ) from None
    finally:
        if workbook is not None:
            workbook.close()


def _caused_by_entities(error: BaseException) -> bool:
    """defusedxml refused a DTD or an entity somewhere down the chain (openpyxl re-raises the
    refusal of a sheet as a ValueError "Unable to read workbook")."""
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text[:160]}" if text else type(error).__name__


def _check_zip(data: bytes) -> None:
    """Refuse what is not a zip, or unpacks to too much (a zip bomb), before any XML is read.
    zipfile stops a member at its declared size (and fails on a CRC mismatch), so the declared
    sizes checked here bound what openpyxl can unpack."""
    if not data.startswith(b"PK"):
        hint = " (an old .xls or an encrypted workbook?)" if data.startswith(b"\xd0\xcf\x11\xe0") else ""
        raise _file_problem(f"the file is not an Excel .xlsx workbook{hint}; save it from Excel as .xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise _file_problem(
            f"the file is not an Excel .xlsx workbook (a broken zip: {_reason(error)})"
        ) from None
    if len(members) > MAX_MEMBERS:
        raise _file_problem(f"the workbook holds {len(members)} parts; at most {MAX_MEMBERS} are accepted")
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_UNPACKED_BYTES or total > MAX_UNPACKED_BYTES:
            raise _file_problem(
                f"the workbook unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB; "
                "it is refused as a possible zip bomb"
            )
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise _file_problem(
                f"the workbook part {member.filename!r} is compressed "
                f"{member.file_size // max(member.compress_size, 1)} to 1; "
                "it is refused as a possible zip bomb"
            )


def _csv_rows(data: bytes) -> Grid:
    if data.startswith(b"PK\x03\x04"):
        raise _file_problem("the file is an Excel workbook named .csv; rename it to .xlsx or save it as CSV")
    text = _decode(data)
    if "\x00" in text:
        raise _file_problem("the file is not a CSV text file (it holds binary data)")
    delimiter = _delimiter(text)
    # strict: an unclosed quote is an error on its line, not a cell swallowing the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    def records() -> Iterator[tuple[object, ...]]:
        # The line of a record is its number, as a spreadsheet shows it (a quoted cell may
        # span several lines of the text).
        line = 0
        while True:
            line += 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                message = (
                    f"a cell is longer than {MAX_CELL_CHARS:,} characters"
                    if "field larger" in str(error)
                    else f"broken CSV ({error}); check the quotes on this line"
                )
                raise IntakeError([IntakeProblem(line, "", message)]) from None
            yield tuple(record)

    return _collect(records())


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (Excel's "Unicode text"), else cp1251
    (what a Russian Excel writes as "CSV (разделители - запятые)")."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise _file_problem(
                    f"the file starts with a {encoding.upper()} mark but byte {error.start + len(bom)} "
                    f"is not {encoding.upper()}"
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise IntakeError(
            [
                IntakeProblem(
                    line,
                    "",
                    f"byte 0x{data[error.start]:02X} is neither UTF-8 nor "
                    "Windows-1251 text; save the file as CSV UTF-8",
                )
            ]
        ) from None


def _delimiter(text: str) -> str:
    """`;` (what Excel writes where the decimal mark is a comma, as in Russia), `,` or a tab:
    whichever the first line holds most of, outside quotes."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# --- reading the requirements --------------------------------------------------------------


def _requirements(grid: Grid) -> list[RequirementRow]:
    if not grid:
        raise _file_problem("the file holds no header row and no requirement")
    header_line, header = grid[0]
    problems: list[IntakeProblem] = []
    columns: dict[str, tuple[int, str]] = {}  # field -> (index, header as written)
    for index, cell in enumerate(header):
        written = _text(cell)
        field = _FIELD_OF.get(_squeeze(written))
        if field is None:
            continue  # a PM's own column: ignored
        if field in columns:
            problems.append(
                IntakeProblem(
                    header_line, written, f"a second column for the same thing as {columns[field][1]!r}"
                )
            )
            continue
        columns[field] = (index, written)
    for field, name in REQUIRED.items():
        if field not in columns:
            accepted = ", ".join(alias.capitalize() for alias in HEADERS[field] if alias != field)
            problems.append(IntakeProblem(header_line, "", f"no {name} column (also accepted: {accepted})"))
    if problems:
        raise IntakeError(problems)

    data = grid[1:]
    if not data:
        raise IntakeError([IntakeProblem(header_line, "", "no requirement below the header row")])
    if len(data) > MAX_ROWS:
        line = data[MAX_ROWS][0]
        raise IntakeError([IntakeProblem(line, "", f"more than {MAX_ROWS:,} requirements; split the file")])

    # The header as written, per column ("" where a column has no header): every cell under a
    # header is checked, whether the column is ours or the PM's own.
    headers = tuple(_text(cell) for cell in header)
    written_by_field = {name: written for name, (_, written) in columns.items()}
    result: list[RequirementRow] = []
    first_line_of: dict[int, int] = {}
    for line, cells in data:
        number, row, row_problems = _row(line, cells, columns, headers, written_by_field)
        # A number is claimed by its first line even when that line has other problems, so
        # the second line is reported in the same round.
        if number is not None:
            if number in first_line_of:
                row_problems.append(
                    IntakeProblem(
                        line, columns["number"][1], f"REQ-{number} is already on line {first_line_of[number]}"
                    )
                )
            else:
                first_line_of[number] = line
        problems.extend(row_problems)
        if row is not None and not row_problems:
            result.append(row)
    if problems:
        raise IntakeError(problems)
    return result


def _row(
    line: int,
    cells: tuple[object, ...],
    columns: dict[str, tuple[int, str]],
    headers: tuple[str, ...],
    written_by_field: Mapping[str, str],
) -> tuple[int | None, RequirementRow | None, list[IntakeProblem]]:
    """The row's requirement number (when it has a valid one), the row (None when it has a
    problem) and its problems."""

    def cell(field: str) -> tuple[object, str]:
        if field not in columns:
            return None, ""
        index, written = columns[field]
        return (cells[index] if index < len(cells) else None), written

    problems: list[IntakeProblem] = []
    raw, written = cell("number")
    number_text = _text(raw)
    number = requirement_number(raw) if number_text else None
    if number_text and number is None:
        problems.append(
            IntakeProblem(
                line,
                written,
                f"{number_text[:40]!r} is not a requirement number "
                "(REQ-12 or 12; leave it empty for a new requirement)",
            )
        )
    # Every cell under a header is checked for its length, ours or the PM's own column; the
    # fields are read only from cells that pass.
    unreadable = len(problems)
    for index, value in enumerate(cells):
        header_text = headers[index] if index < len(headers) else ""
        if not header_text:
            continue
        text = _text(value)
        if len(text) > MAX_CELL_CHARS:
            problems.append(
                IntakeProblem(line, header_text, f"{len(text):,} characters; at most {MAX_CELL_CHARS:,}")
            )
        elif (bad := NOT_XML.search(text)) is not None:
            kind = "a control character" if bad.group() < " " else "a character no spreadsheet holds"
            problems.append(IntakeProblem(line, header_text, f"holds {kind} (U+{ord(bad.group()):04X})"))
    if len(problems) > unreadable:
        return number, None, problems

    text_of = {
        field: _text(cell(field)[0])
        for field in (
            "title",
            "description",
            "process_area",
            "capability",
            "config_key",
            "rationale",
            "owner",
        )
    }
    if not text_of["title"]:
        problems.append(IntakeProblem(line, columns["title"][1], "a title is required"))

    raw, written = cell("priority")
    priority: Priority | None = None
    if not _text(raw):
        problems.append(IntakeProblem(line, written, "a priority is required (must, should, could, wont)"))
    else:
        priority = _parse(Priority, raw, line, written, problems)

    raw, written = cell("classification")
    classification = _parse(Classification, raw, line, written, problems) if _text(raw) else None
    raw, written = cell("status")
    status = (
        _parse(ClassificationStatus, raw, line, written, problems)
        if _text(raw)
        else ClassificationStatus.open
    )

    if problems:
        return number, None, problems
    # No problem means both were read (a missing or unreadable one is a problem above); the
    # assert only says so to the type checker.
    assert priority is not None and status is not None
    row = RequirementRow(
        line=line,
        number=number,
        title=text_of["title"],
        priority=priority,
        description=text_of["description"],
        process_area=text_of["process_area"],
        classification=classification,
        capability=text_of["capability"],
        config_key=text_of["config_key"],
        rationale=text_of["rationale"],
        owner=text_of["owner"],
        status=status,
        headers=written_by_field,
    )
    return number, row, problems


def _parse(kind: type[_E], raw: object, line: int, written: str, problems: list[IntakeProblem]) -> _E | None:
    """A vocabulary member as `kind.parse` reads it (the spellings a page filter and a form
    accept too: value, label, the Russian MoSCoW words, any dash); None and a problem otherwise."""
    try:
        return kind.parse(_text(raw))
    except ValueError as error:
        problems.append(IntakeProblem(line, written, str(error)))
        return None


def requirement_number(raw: object) -> int | None:
    """The requirement number a cell or a form field names ("REQ-12", "req 12", "12", 12);
    None when it names none."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if raw > 0 else None
    if isinstance(raw, float | Decimal):
        return int(raw) if raw == int(raw) and raw > 0 else None
    match = _ID.fullmatch(_text(raw))
    if match is None or int(match.group(1)) == 0:
        return None
    return int(match.group(1))


def _text(value: object) -> str:
    """A cell as text: numbers without a spurious ".0", dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _squeeze(text: str) -> str:
    """Lower case, single spaces, without a trailing "*" or ":" (a required-column mark)."""
    return " ".join(text.casefold().replace("ё", "е").split()).rstrip("*: ").strip()
