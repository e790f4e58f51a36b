"""Till totals from a client's file: read by the file's own headers, every bad line named, all
or nothing, a store-day imported again replaced; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from analytics.tills.intake import TillTotalsError, read_till_totals
from analytics.tills.store import import_till_totals, till_coverage
from analytics.tills.tables import till_totals
from tests.analytics.ledger_builder import LedgerBuilder, at

NOW = at("2026-04-01 08:00")


def stores(engine: Engine) -> None:
    with engine.begin() as conn:
        b = LedgerBuilder(conn)
        b.store("R001", "retail", "Moscow")
        b.store("R002", "retail", "Kazan")


def stored(engine: Engine) -> dict[tuple[int, dt.date], Decimal]:
    with engine.connect() as conn:
        rows = conn.execute(select(till_totals.c.store_id, till_totals.c.day, till_totals.c.total))
        return {(s, d): Decimal(t).quantize(Decimal("0.01")) for s, d, t in rows}


def test_a_csv_with_russian_headers_semicolons_and_decimal_commas() -> None:
    content = "Магазин;Дата;Выручка\nr001;05.01.2026;12 345,60\nR002;2026-01-05;0\n".encode()
    file = read_till_totals("kassa.csv", content)
    assert [(r.line, r.store, r.day, r.total) for r in file.rows] == [
        (2, "R001", dt.date(2026, 1, 5), Decimal("12345.60")),
        (3, "R002", dt.date(2026, 1, 5), Decimal("0.00")),
    ]
    assert file.headers == {"store": "Магазин", "day": "Дата", "total": "Выручка"}


def test_an_xlsx_with_date_cells() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Store", "Date", "Total"])
    sheet.append(["R001", dt.datetime(2026, 1, 6), 1500.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    (row,) = read_till_totals("tills.xlsx", buffer.getvalue()).rows
    assert (row.store, row.day, row.total) == ("R001", dt.date(2026, 1, 6), Decimal("1500.50"))


def test_every_bad_line_is_named_with_the_files_own_header() -> None:
    content = (
        "Магазин,Дата,Выручка\n"
        "R001,2026-01-05,100.00\n"
        ",2026-01-05,5\n"  # no store
        "R001,5 January,5\n"  # not a date
        "R002,2026-01-05,-3\n"  # negative
        "R002,2026-01-06,1.234\n"  # fractions of a cent
        "R001,2026-01-05,7\n"  # the same store and day again
    ).encode()
    with pytest.raises(TillTotalsError) as refused:
        read_till_totals("kassa.csv", content)
    assert [str(p) for p in refused.value.problems] == [
        "line 3, Магазин: the store code is empty",
        "line 4, Дата: '5 January' is not a date (YYYY-MM-DD or DD.MM.YYYY)",
        "line 5, Выручка: '-3': a till total is a sum of sales, 0 or more",
        "line 6, Выручка: '1.234' has more than 2 decimal places",
        "line 7, Дата: R001 2026-01-05 is also on line 2",
    ]
    assert "kassa.csv: 5 problem(s); nothing imported" in str(refused.value)


def test_a_file_without_a_needed_column_or_of_another_kind_is_refused() -> None:
    with pytest.raises(TillTotalsError, match="no column for total"):
        read_till_totals("t.csv", b"store,date,amount\nR001,2026-01-05,1\n")
    with pytest.raises(TillTotalsError, match="send the till totals as .csv or .xlsx"):
        read_till_totals("t.pdf", b"%PDF")
    with pytest.raises(TillTotalsError, match="not a readable XLSX workbook"):
        read_till_totals("t.xlsx", b"not a zip")
    with pytest.raises(TillTotalsError, match="larger than 10 MB"):
        read_till_totals("t.csv", b"x" * (10 * 1024 * 1024 + 1))


def test_an_unknown_store_stores_nothing_and_a_store_day_imported_again_is_replaced(engine: Engine) -> None:
    stores(engine)
    good = b"store,date,total\nR001,2026-01-05,100.00\nR001,2026-01-06,200.00\n"
    with engine.begin() as conn:
        first = import_till_totals(conn, "jan.csv", good, NOW)
    assert (first.rows, first.replaced, first.stores) == (2, 0, 1)
    before = stored(engine)
    with pytest.raises(TillTotalsError) as refused, engine.begin() as conn:
        import_till_totals(conn, "bad.csv", b"Store,Date,Total\nR001,2026-01-05,1\nR999,2026-01-05,1\n", NOW)
    assert [str(p) for p in refused.value.problems] == ["line 3, Store: no store R999 in the register"]
    assert stored(engine) == before  # all or nothing: R001's line of the refused file is not stored
    with engine.begin() as conn:
        again = import_till_totals(conn, "fix.csv", b"store,date,total\nR001,2026-01-06,250.00\n", NOW)
    assert again.replaced == 1
    assert sorted(stored(engine).values()) == [Decimal("100.00"), Decimal("250.00")]
    with engine.connect() as conn:
        coverage = till_coverage(conn)
    assert (coverage.rows, coverage.stores, coverage.first_day, coverage.last_day) == (
        2,
        1,
        dt.date(2026, 1, 5),
        dt.date(2026, 1, 6),
    )
