"""Languages: who picks the language of a page, the switch in the header, the compiled
catalogues, and dates, numbers, money and plurals in each language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.workbench.conftest import PASSWORD, csrf_signed_in
from workbench.auth.models import User
from workbench.extensions import db
from workbench.i18n.catalogues import compile_catalogues
from workbench.i18n.cli import document_language
from workbench.templating import localtime, long_date, money, number, points, short_date

RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _sign_in(client: FlaskClient, role: str, headers: dict[str, str]) -> None:
    response = client.post("/login", data={"username": role, "password": PASSWORD}, headers=headers)
    assert response.status_code == 302


# --- who picks the language ---------------------------------------------------------------------


def test_the_browser_language_is_the_default(client: FlaskClient) -> None:
    assert "Выйти" in _home(client, "consultant", RU)
    client.post("/logout")
    assert "Sign out" in _home(client, "consultant", EN)


def _home(client: FlaskClient, role: str, headers: dict[str, str]) -> str:
    _sign_in(client, role, headers)
    page = client.get("/", headers=headers).get_data(as_text=True)
    return page


def test_an_anonymous_visitor_switches_the_sign_in_page(client: FlaskClient) -> None:
    assert '<html lang="en">' in client.get("/login", headers=EN).get_data(as_text=True)
    response = client.post("/language", data={"lang": "ru", "next": "/login"}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login", headers=EN).get_data(as_text=True)
    assert '<html lang="ru">' in page and "Войти" in page


def test_a_signed_in_users_choice_is_saved_and_beats_the_browser(app: Flask, client: FlaskClient) -> None:
    _sign_in(client, "approver", EN)
    assert (
        client.post("/language", data={"lang": "ru", "next": "/projects/"}).headers["Location"]
        == "/projects/"
    )
    with app.app_context():
        assert db.session.scalars(db.select(User).filter_by(username="approver")).one().language == "ru"
    # Another browser, in English, signs in as the same person: the saved choice wins.
    other = app.test_client()
    _sign_in(other, "approver", EN)
    assert '<html lang="ru">' in other.get("/", headers=EN).get_data(as_text=True)


def test_the_switch_is_in_the_header_and_needs_the_csrf_token(csrf_app: Flask) -> None:
    client, token = csrf_signed_in(csrf_app, "consultant")
    page = client.get("/projects/", headers=EN).get_data(as_text=True)
    assert 'action="/language"' in page and 'name="lang" value="ru"' in page
    assert client.post("/language", data={"lang": "ru"}).status_code == 400  # no token: refused
    assert client.post("/language", data={"lang": "ru", "csrf_token": token}).status_code == 302
    assert '<html lang="ru">' in client.get("/projects/", headers=EN).get_data(as_text=True)


def test_the_switch_refuses_unknown_languages_and_foreign_redirects(client: FlaskClient) -> None:
    assert client.post("/language", data={"lang": "de"}).status_code == 400
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


# --- compiled catalogues ------------------------------------------------------------------------


def test_the_app_compiles_the_catalogues_into_its_instance_folder(app: Flask) -> None:
    mo = Path(app.instance_path) / "translations" / "ru" / "LC_MESSAGES" / "messages.mo"
    assert mo.stat().st_size > 1000


def test_a_changed_catalogue_is_compiled_again(tmp_path: Path) -> None:
    source = tmp_path / "src" / "ru" / "LC_MESSAGES"
    source.mkdir(parents=True)
    po = source / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: ru\\n"\n\nmsgid "Stores"\nmsgstr "Магазины"\n', encoding="utf-8"
    )
    target = compile_catalogues(tmp_path / "out", source=tmp_path / "src")
    mo = target / "ru" / "LC_MESSAGES" / "messages.mo"
    first = mo.read_bytes()
    compile_catalogues(tmp_path / "out", source=tmp_path / "src")
    assert mo.read_bytes() == first  # unchanged text: nothing to do
    po.write_text(po.read_text(encoding="utf-8").replace("Магазины", "Торговые точки"), encoding="utf-8")
    compile_catalogues(tmp_path / "out", source=tmp_path / "src")
    assert "Торговые точки".encode() in mo.read_bytes()


# --- dates, numbers, money, plurals --------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "russian", "english"),
    [
        (1, "1 балл", "1 point"),
        (2, "2 балла", "2 points"),
        (5, "5 баллов", "5 points"),
        (11, "11 баллов", "11 points"),
        (21, "21 балл", "21 points"),
        (104, "104 балла", "104 points"),
    ],
)
def test_points_take_the_plural_of_their_number(app: Flask, count: int, russian: str, english: str) -> None:
    with app.test_request_context(headers=RU):
        assert points(count) == russian
    with app.test_request_context(headers=EN):
        assert points(count) == english


def test_money_numbers_and_dates_follow_the_language(app: Flask) -> None:
    nbsp = "\u00a0"  # CLDR's Russian group separator and currency gap: never broken over lines
    with app.test_request_context(headers=RU):
        assert money("1234.50") == f"1{nbsp}234,50{nbsp}₽"
        assert number(1234.5) == f"1{nbsp}234,5"
        assert long_date(dt.date(2026, 12, 4)).startswith("4 декабря 2026")
        assert short_date(dt.date(2026, 12, 4)) == "04.12.2026"
        assert localtime(dt.datetime(2026, 12, 4, 13, 40, tzinfo=dt.UTC)) == "04.12.2026, 16:40"
    with app.test_request_context(headers=EN):
        assert number(1234.5) == "1,234.5"
        assert long_date(dt.date(2026, 12, 4)) == "December 4, 2026"
        assert short_date(dt.date(2026, 12, 4)) == "2026-12-04"
        assert localtime(dt.datetime(2026, 12, 4, 13, 40, tzinfo=dt.UTC)) == "2026-12-04 16:40"


def test_a_document_is_built_in_the_language_asked_for(app: Flask) -> None:
    from flask_babel import gettext

    with app.test_request_context(headers=EN):
        with document_language("ru") as language:
            assert language == "ru" and gettext("Stores") == "Магазины"
        assert gettext("Stores") == "Stores"


# --- documents exported from the CLI in a chosen language ----------------------------------------


def _recording_renderer(seen: list[tuple[str, str]]) -> object:
    from flask_babel import get_locale, gettext

    def render(report: object) -> bytes:
        seen.append((str(get_locale()), gettext("Gap map")))
        return b"document"

    return render


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (["--lang", "ru"], ("ru", "Карта разрывов")),
        (["--lang", "en"], ("en", "Gap map")),
        ([], ("en", "Gap map")),  # no --lang: the app's default language (the tests pin English)
    ],
)
def test_gap_export_builds_the_document_in_the_language_of_lang(
    app: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: list[str],
    expected: tuple[str, str],
) -> None:
    from tests.workbench.gap_support import make_gap_project
    from workbench.gapmap import cli as gap_cli

    with app.app_context():
        make_gap_project(db.session())
        db.session.commit()
    seen: list[tuple[str, str]] = []
    monkeypatch.setitem(gap_cli.RENDERERS, "docx", _recording_renderer(seen))
    output = tmp_path / "gap.docx"
    result = app.test_cli_runner().invoke(
        args=["gap", "export", "--project", "ACME", "--format", "docx", *lang, "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert seen == [expected] and output.read_bytes() == b"document"
    assert "wrote" in result.output  # the command itself still talks in the app's language


def test_the_description_export_takes_lang_and_refuses_other_languages(app: Flask, tmp_path: Path) -> None:
    from tests.workbench.gap_support import make_gap_project

    with app.app_context():
        make_gap_project(db.session())
        db.session.commit()
    runner = app.test_cli_runner()
    output = tmp_path / "as-is.docx"
    done = runner.invoke(
        args=["document", "description", "ACME", "--variant", "as-is", "--lang", "ru", "-o", str(output)]
    )
    assert done.exit_code == 0, done.output
    assert output.read_bytes()[:2] == b"PK"  # a DOCX (a zip)
    refused = runner.invoke(
        args=["document", "description", "ACME", "--variant", "as-is", "--lang", "de", "-o", str(output)]
    )
    assert refused.exit_code == 2 and "'de' is not one of 'ru', 'en'" in refused.output


# --- a page in Russian ---------------------------------------------------------------------------


def test_a_members_page_shows_points_money_and_times_the_russian_way(app: Flask, client: FlaskClient) -> None:
    import re

    from sqlalchemy import select

    from loyalty_core.ledger import service as ledger
    from loyalty_core.ledger.models import Member
    from workbench.demo.loader import load_demo

    with app.app_context():
        load_demo(db.session(), members=5, days=30)
        db.session.commit()
        member = db.session.scalars(select(Member).where(Member.phone == "+79161234567")).one()
        balance = ledger.balance_of(db.session(), member)
    _sign_in(client, "rollout_manager", RU)
    page = client.get(f"/programme/members/{member.id}", headers=RU).get_data(as_text=True)
    figures = re.search(r'<p class="figures">(.*?)</p>', page, re.S)
    assert figures is not None
    text = re.sub(r"[ \n]+", " ", figures.group(1)).strip()  # keeps the no-break spaces of the numbers
    # "Баланс <strong>1 234 балла</strong> · потрачено 12 345,60 ₽ за 365 дней"
    assert re.search(
        r"Баланс <strong>[\d\u00a0]+ (балл|балла|баллов)</strong> · потрачено [\d\u00a0]+,\d\d\u00a0₽ за 365 "
        r"дней",
        text,
    ), text
    assert f"<strong>{balance} " in text.replace("\u00a0", "")
    # When it happened, when it was recorded (empty unless a till sent it late), and its kind.
    assert re.search(
        r"<td>\d\d\.\d\d\.\d{4}, \d\d:\d\d</td>\s*<td>[^<]*</td><td>(покупка|возврат|сгорание)</td>", page
    )


def test_error_pages_speak_the_readers_language(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    missing = client.get("/no/such/page", headers=RU).get_data(as_text=True)
    assert "<h1>404 Страница не найдена</h1>" in missing and "Такой страницы нет" in missing
    expired = client.post("/language", data={"lang": "en"}, headers=RU)  # no CSRF token: a 400
    assert expired.status_code == 400
    assert "Неверный запрос" in expired.get_data(as_text=True) and "токена формы (CSRF)" in expired.get_data(
        as_text=True
    )


def test_a_refusal_of_the_gap_map_reads_in_the_readers_language(app: Flask) -> None:
    from gap_analysis.errors import GapAnalysisError
    from gap_analysis.fields import checked_text
    from workbench.i18n.errors import error_message

    with pytest.raises(GapAnalysisError) as refused:
        checked_text("x" * 301, "title", 300)
    assert str(refused.value) == "title: at most 300 characters"  # the domain itself stays English
    with app.test_request_context(headers=RU):
        assert error_message(refused.value) == "title: не более 300 символов"
        assert error_message(ValueError("as it is")) == "as it is"
    with app.test_request_context(headers=EN):
        assert error_message(refused.value) == "title: at most 300 characters"


def test_the_default_language_comes_from_the_environment(tmp_path: Path) -> None:
    from workbench.settings import Settings, SettingsError

    assert Settings.from_environment(tmp_path, {}).flask_config()["BABEL_DEFAULT_LOCALE"] == "ru"
    english = Settings.from_environment(tmp_path, {"DEFAULT_LANGUAGE": "EN"})
    assert english.flask_config()["BABEL_DEFAULT_LOCALE"] == "en"
    with pytest.raises(SettingsError, match="DEFAULT_LANGUAGE='de': use one of ru, en"):
        Settings.from_environment(tmp_path, {"DEFAULT_LANGUAGE": "de"})


def test_a_runs_counts_read_in_the_page_language(app: Flask) -> None:
    from types import SimpleNamespace

    from workbench.acceptance.enums import summary_line
    from workbench.templating import run_summary

    run = SimpleNamespace(passed=3, failed=1, skipped=0, undefined=2, errors=0)
    with app.test_request_context(headers=EN):
        assert run_summary(run) == summary_line(3, 1, 0, 2, 0) == "3 passed, 1 failed, 2 undefined"
    with app.test_request_context(headers=RU):
        assert run_summary(run) == "пройдено: 3, не пройдено: 1, не определено: 2"
