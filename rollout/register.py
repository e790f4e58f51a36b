"""The client's store register (CSV or XLSX) imported as an upsert by store code.

Every problem is reported with its line and the file's own column header (Russian or English);
when any line is bad nothing is stored. Rows go in as bulk statements: a 10,000-store register
imports in a few seconds.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from loyalty_core.config.schema import Direction
from loyalty_core.stores.models import Store
from loyalty_core.stores.service import hash_key, new_api_key
from rollout.enums import StoreStatus
from rollout.errors import RolloutError
from rollout.schedule import is_zone

# Our field -> the headers a client's file may use for it (compared case-insensitively).
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "store code", "код", "код магазина"),
    "name": ("name", "название", "наименование"),
    "direction": ("direction", "направление"),
    "region": ("region", "регион"),
    "city": ("city", "город"),
    "timezone": ("timezone", "time zone", "часовой пояс"),
    "format": ("format", "формат"),
    "opened_on": ("opened on", "opening date", "opened_on", "дата открытия"),
    "status": ("status", "статус"),
}
REQUIRED = ("code", "direction", "region", "timezone")
DIRECTIONS = {"retail": "retail", "wholesale": "wholesale", "розница": "retail", "опт": "wholesale"}
STATUSES = {"open": "open", "closed": "closed", "открыт": "open", "закрыт": "closed"}
MAX_LENGTHS = {"code": 32, "name": 200, "region": 120, "city": 120, "format": 60}


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def read_rows(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header row and the (line number, cells) of a CSV or XLSX file."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(content)
    if suffix == ".csv":
        return _csv_rows(content)
    raise RolloutError(f"{filename}: send the register as .csv or .xlsx", field="file")


def _csv_rows(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1251")  # registers exported by Russian Excel
    dialect: Any = csv.excel
    with contextlib.suppress(csv.Error):  # no dialect recognised: read as Excel's CSV
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise RolloutError("the register is empty", field="file")
    return rows[0], [(i, row) for i, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]


def _xlsx_rows(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise RolloutError(f"the file is not a readable XLSX workbook ({exc})", field="file") from None
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    if not rows:
        raise RolloutError("the register is empty", field="file")
    return rows[0], [(i, row) for i, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _columns(header: list[str]) -> dict[str, tuple[int, str]]:
    """Our field -> (column index, the file's own header)."""
    found: dict[str, tuple[int, str]] = {}
    for index, title in enumerate(header):
        key = (title or "").strip().lower()
        for field, names in HEADERS.items():
            if key in names and field not in found:
                found[field] = (index, title.strip())
    missing = [" / ".join(HEADERS[field]) for field in REQUIRED if field not in found]
    if missing:
        raise RolloutError(
            f"the register has no column for: {', '.join(missing)}", field="header", problems=missing
        )
    return found


def parse_register(filename: str, content: bytes) -> list[dict[str, Any]]:
    """Validated rows (our field names); RolloutError listing every bad line otherwise."""
    header, lines = read_rows(filename, content)
    columns = _columns(header)
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line_no, cells in lines:
        row, line_problems = _parse_line(line_no, cells, columns)
        code = row.get("code")
        if code and code in seen:
            line_problems.append(f"line {line_no}, {columns['code'][1]}: {code} is also on line {seen[code]}")
        elif code:
            seen[code] = line_no
        problems += line_problems
        rows.append(row)
    if problems:
        raise RolloutError(
            f"{filename}: {len(problems)} problem(s); nothing imported", field="file", problems=problems
        )
    if not rows:
        raise RolloutError(f"{filename}: the register has no stores", field="file")
    return rows


def _parse_line(
    line_no: int, cells: list[str], columns: dict[str, tuple[int, str]]
) -> tuple[dict[str, Any], list[str]]:
    def raw(field: str) -> str:
        index = columns[field][0] if field in columns else None
        return cells[index].strip() if index is not None and index < len(cells) and cells[index] else ""

    problems: list[str] = []

    def bad(field: str, message: str) -> None:
        problems.append(f"line {line_no}, {columns[field][1]}: {message}")

    row: dict[str, Any] = {field: raw(field) for field in HEADERS}
    for field in REQUIRED:
        if not row[field]:
            bad(field, "is empty")
    row["code"] = row["code"].upper()
    for field, limit in MAX_LENGTHS.items():
        if len(row[field]) > limit:
            bad(field, f"longer than {limit} characters")
    if row["direction"]:
        direction = DIRECTIONS.get(row["direction"].lower())
        if direction is None:
            bad("direction", f"unknown direction {row['direction']!r} (retail/розница or wholesale/опт)")
        row["direction"] = direction
    if row["timezone"] and not is_zone(row["timezone"]):
        bad("timezone", f"unknown time zone {row['timezone']!r} (an IANA name like Europe/Moscow)")
    row["status"] = _status(row["status"], bad)
    row["opened_on"] = _date(row["opened_on"], bad)
    return row, problems


def _status(text: str, bad: Any) -> str:
    if not text:
        return StoreStatus.open.value
    status = STATUSES.get(text.lower())
    if status is None:
        bad("status", f"unknown status {text!r} (open/открыт or closed/закрыт)")
        return StoreStatus.open.value
    return status


def _date(text: str, bad: Any) -> dt.date | None:
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    bad("opened_on", f"{text!r} is not a date (2024-03-01 or 01.03.2024)")
    return None


FIELDS = ("name", "direction", "region", "city", "timezone", "format", "opened_on", "status")


def upsert_stores(session: Session, rows: Iterable[dict[str, Any]]) -> ImportResult:
    """Insert new codes, update known ones (their keys and versions untouched). The caller commits.
    A new store gets a key nobody has seen: `store rotate-key` issues the one its till will use."""
    rows = list(rows)
    existing = dict(session.execute(select(Store.code, Store.id)).tuples().all())
    new = [r for r in rows if r["code"] not in existing]
    known = [r for r in rows if r["code"] in existing]
    if new:
        session.execute(insert(Store), [_new_store(r) for r in new])
    if known:
        session.execute(
            update(Store),
            [{"id": existing[r["code"]], **{f: r[f] for f in FIELDS}} for r in known],
        )
    return ImportResult(created=len(new), updated=len(known))


def _new_store(row: dict[str, Any]) -> dict[str, Any]:
    key = new_api_key()
    return {
        "code": row["code"],
        **{f: row[f] for f in FIELDS},
        "api_key_hash": hash_key(key),
        "api_key_prefix": key[:10],
        "created_at": dt.datetime.now(dt.UTC),
    }


def import_register(session: Session, filename: str, content: bytes) -> ImportResult:
    """Parse, validate every line, then upsert (all or nothing; the caller commits)."""
    return upsert_stores(session, parse_register(filename, content))


def check_direction(value: str) -> None:
    if value not in {d.value for d in Direction}:
        raise RolloutError(f"direction must be retail or wholesale, not {value!r}", field="direction")
