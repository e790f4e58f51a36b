"""Reading a client's till totals file (CSV or XLSX): one line per store and day.

Columns are found by the file's own headers (English or Russian, any case); every problem is
reported with its line and that header, and when any line is bad nothing is returned. The file
is untrusted: its size, rows and (for XLSX) unpacked size are capped before anything is parsed.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 500_000
MAX_PROBLEMS = 200  # reported; the count says how many more

# Our field -> the headers a client's file may use for it (compared case-insensitively).
HEADERS: dict[str, tuple[str, ...]] = {
    "store": ("store", "store code", "code", "магазин", "код магазина"),
    "day": ("date", "day", "дата", "день"),
    "total": ("total", "total sales", "sales", "till total", "выручка", "сумма продаж", "итого"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the file as a whole
    column: str  # the file's own header ("" for the file or the line)
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class TillTotalsError(ValueError):
    """The file was refused; `problems` lists every line that is wrong."""

    def __init__(self, filename: str, problems: list[Problem]) -> None:
        self.filename, self.problems = filename, problems
        more = f" (the first {MAX_PROBLEMS} shown)" if len(problems) > MAX_PROBLEMS else ""
        lines = "\n".join(str(p) for p in problems[:MAX_PROBLEMS])
        super().__init__(f"{filename}: {len(problems)} problem(s){more}; nothing imported\n{lines}")


@dataclass(frozen=True)
class TillFile:
    name: str
    rows: list[TillRow]
    headers: dict[str, str]  # our field -> the file's own header, for messages


@dataclass(frozen=True)
class TillRow:
    line: int
    store: str  # the store's code as written (upper case)
    day: dt.date
    total: Decimal  # to the cent


def read_till_totals(filename: str, content: bytes) -> TillFile:
    """The rows of a till totals file; TillTotalsError listing every problem otherwise."""
    if len(content) > MAX_FILE_BYTES:
        raise TillTotalsError(filename, [Problem(0, "", f"larger than {MAX_FILE_BYTES // 1024 // 1024} MB")])
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        header, lines = _xlsx_rows(filename, content)
    elif suffix == ".csv":
        header, lines = _csv_rows(filename, content)
    else:
        raise TillTotalsError(filename, [Problem(0, "", "send the till totals as .csv or .xlsx")])
    columns = _columns(filename, header)
    rows, problems = _parse(lines, columns)
    if problems:
        raise TillTotalsError(filename, problems)
    if not rows:
        raise TillTotalsError(filename, [Problem(0, "", "the file has a header but no lines")])
    return TillFile(filename, rows, {field: title for field, (_, title) in columns.items()})


def _csv_rows(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1251")  # exported by Russian Excel
    if "\x00" in text:
        raise TillTotalsError(filename, [Problem(0, "", "not a CSV text file (it holds binary data)")])
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):  # one column, or nothing to tell: the excel dialect
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    try:
        return _split(filename, csv.reader(io.StringIO(text, newline=""), dialect, strict=True))
    except csv.Error as error:
        raise TillTotalsError(filename, [Problem(0, "", f"not a readable CSV file ({error})")]) from None


def _xlsx_rows(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise TillTotalsError(filename, [Problem(0, "", "not a readable XLSX workbook")]) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise TillTotalsError(filename, [Problem(0, "", "the workbook unpacks to more than 100 MB")])
    if not openpyxl.DEFUSEDXML:  # never parse an untrusted workbook with the plain XML parser
        raise RuntimeError("openpyxl runs without defusedxml; refusing to parse an uploaded workbook")
    try:
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        sheet.reset_dimensions()  # type: ignore[union-attr]  # a declared size may lie
        return _split(
            filename, ([_cell(v) for v in row] for row in sheet.iter_rows(max_col=20, values_only=True))
        )
    except TillTotalsError:
        raise
    except Exception as error:  # noqa: BLE001 - any failure to read a hostile file is a refusal
        raise TillTotalsError(filename, [Problem(0, "", f"not a readable XLSX workbook ({error})")]) from None


def _split(filename: str, rows: Iterable[list[str]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    header: list[str] | None = None
    lines: list[tuple[int, list[str]]] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise TillTotalsError(filename, [Problem(number, "", f"more than {MAX_ROWS:,} lines")])
        if header is None:
            header = [str(c).strip() for c in row]
        elif any(str(c).strip() for c in row):
            lines.append((number, [str(c).strip() for c in row]))
    if header is None:
        raise TillTotalsError(filename, [Problem(0, "", "the file is empty")])
    return header, lines


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _columns(filename: str, header: list[str]) -> dict[str, tuple[int, str]]:
    """Our field -> (column index, the file's own header)."""
    found: dict[str, tuple[int, str]] = {}
    for index, title in enumerate(header):
        for field, names in HEADERS.items():
            if title.strip().casefold() in names and field not in found:
                found[field] = (index, title.strip())
    missing = [field for field in HEADERS if field not in found]
    if missing:
        problems = [
            Problem(1, "", f"no column for {field} (a header such as {' / '.join(HEADERS[field][:3])})")
            for field in missing
        ]
        raise TillTotalsError(filename, problems)
    return found


def _parse(
    lines: list[tuple[int, list[str]]], columns: dict[str, tuple[int, str]]
) -> tuple[list[TillRow], list[Problem]]:
    rows: list[TillRow] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for number, cells in lines:
        store, store_header = _cell_of(cells, columns["store"])
        day, day_problem = _day(*_cell_of(cells, columns["day"]))
        total, total_problem = _amount(*_cell_of(cells, columns["total"]))
        found = [p for p in (day_problem, total_problem) if p]
        if not store:
            found.insert(0, Problem(0, store_header, "the store code is empty"))
        elif len(store) > 32:
            found.insert(0, Problem(0, store_header, f"{store[:40]!r} is longer than a store code (32)"))
        key = (store.upper(), day) if day else None
        if key and key in seen:
            found.append(Problem(0, columns["day"][1], f"{store} {day} is also on line {seen[key]}"))
        problems += [Problem(number, p.column, p.message) for p in found]
        if not found and day is not None and total is not None and key is not None:
            seen[key] = number
            rows.append(TillRow(number, store.upper(), day, total))
    return rows, problems


def _cell_of(cells: list[str], column: tuple[int, str]) -> tuple[str, str]:
    """The cell of a column on a line (empty past its end) and the column's header."""
    index, title = column
    return (cells[index] if index < len(cells) else ""), title


def _day(text: str, header: str) -> tuple[dt.date | None, Problem | None]:
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(
                text[:10] if len(text) > 10 and text[10] in " T" else text, pattern
            ).date(), None
        except ValueError:
            continue
    return None, Problem(0, header, f"{text!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)")


def _amount(text: str, header: str) -> tuple[Decimal | None, Problem | None]:
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None, Problem(0, header, f"{text!r} is not an amount")
    if not value.is_finite() or value < 0:
        return None, Problem(0, header, f"{text!r}: a till total is a sum of sales, 0 or more")
    if value != value.quantize(Decimal("0.01")):
        return None, Problem(0, header, f"{text!r} has more than 2 decimal places")
    if value >= Decimal("1e12"):
        return None, Problem(0, header, f"{text!r} is too large for a day's sales")
    return value.quantize(Decimal("0.01")), None
