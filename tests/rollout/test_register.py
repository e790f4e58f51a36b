"""The store register import: an upsert by code from CSV or XLSX, with every bad line named by the
file's own headers (Russian or English) and nothing stored when any line is bad."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from loyalty_core.stores import service as store_service
from rollout import register
from rollout.errors import RolloutError

EN = """code,name,direction,region,city,timezone,format,opened on,status
A001,First,retail,Moscow,Moscow,Europe/Moscow,convenience,2020-01-01,open
A002,Second,wholesale,Ural,Yekaterinburg,Asia/Yekaterinburg,cash & carry,01.02.2021,closed
"""
RU = """Код;Название;Направление;Регион;Город;Часовой пояс;Формат;Дата открытия;Статус
A001;Первый;розница;Москва;Москва;Europe/Moscow;у дома;2020-01-01;открыт
A003;Третий;опт;Урал;Екатеринбург;Asia/Yekaterinburg;cash & carry;;закрыт
"""


def _session(engine) -> Session:  # type: ignore[no-untyped-def]
    from loyalty_core.db import make_session_factory

    return make_session_factory(engine)()


def test_import_creates_then_updates_by_code(engine) -> None:  # type: ignore[no-untyped-def]
    with _session(engine) as session:
        assert register.import_register(session, "stores.csv", EN.encode()) == register.ImportResult(2, 0)
        session.commit()
        assert register.import_register(session, "реестр.csv", RU.encode("utf-8")) == register.ImportResult(
            1, 1
        )
        session.commit()
        a1, a2, a3 = (store_service.get_store(session, c) for c in ("A001", "A002", "A003"))
        assert (a1.name, a1.region, a1.format, a1.status) == ("Первый", "Москва", "у дома", "open")
        assert (a2.direction, a2.timezone, a2.status, str(a2.opened_on)) == (
            "wholesale",
            "Asia/Yekaterinburg",
            "closed",
            "2021-02-01",
        )
        assert (a3.direction, a3.status) == ("wholesale", "closed")
        # Importing the same file again changes nothing.
        assert register.import_register(session, "реестр.csv", RU.encode("utf-8")) == register.ImportResult(
            0, 2
        )


def test_xlsx_register(engine) -> None:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    for row in EN.strip().splitlines():
        sheet.append(row.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    with _session(engine) as session:
        assert register.import_register(session, "stores.xlsx", buffer.getvalue()).created == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            RU.replace("Europe/Moscow", "Europe/Mosco"),
            "line 2, Часовой пояс: unknown time zone 'Europe/Mosco'",
        ),
        (RU.replace(";опт;", ";оптом;"), "line 3, Направление: unknown direction 'оптом'"),
        (EN.replace(",retail,", ",shop,"), "line 2, direction: unknown direction 'shop'"),
        (EN.replace("01.02.2021", "2021-31-01"), "line 3, opened on: '2021-31-01' is not a date"),
        (EN.replace("A002", "A001"), "line 3, code: A001 is also on line 2"),
        (EN.replace(",Ural,", ",,"), "line 3, region: is empty"),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_stored(engine, text: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    with _session(engine) as session:
        with pytest.raises(RolloutError) as refused:
            register.import_register(session, "stores.csv", text.encode())
        assert [p for p in refused.value.problems if p.startswith(problem)], refused.value.problems
        session.rollback()
        assert store_service.list_stores(session) == []


def test_a_missing_column_is_named(engine) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(",".join(line.split(",")[:5]) for line in EN.splitlines())
    with _session(engine) as session, pytest.raises(RolloutError, match="no column for: timezone"):
        register.import_register(session, "stores.csv", text.encode())


def test_other_file_types_are_refused() -> None:
    with pytest.raises(RolloutError, match=r"\.csv or \.xlsx"):
        register.read_rows("stores.pdf", b"%PDF")
