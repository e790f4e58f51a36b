"""Each role's main pages in a Russian browser (Accept-Language: ru) read in Russian: no English
word is left outside proper names and code (the tokens allowed below).

Same set-up as the other browser tests (tests/workbench/browser_support.py): Debian's Chromium
through Playwright, a live workbench with CSRF checks on, here with the demo client loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import event

from tests.workbench.browser_support import serving, signed_in_page
from tests.workbench.conftest import _role_users_join, make_app
from workbench.auth.models import User
from workbench.demo.loader import load_demo
from workbench.demo.project import load_demo_project
from workbench.extensions import db
from workbench.projects.models import Project

# Each role's main pages: where that person starts and spends the day.
MAIN_PAGES = {
    "consultant": [
        "/",
        "/projects/",
        "/projects/DEMO",
        "/projects/DEMO/requirements",
        "/projects/DEMO/gap-map",
    ],
    "approver": ["/", "/programme/versions", "/programme/versions/v2"],
    "rollout_manager": ["/", "/programme/stores", "/programme/members"],
    "admin": ["/", "/users"],
}
RUSSIAN_NAMES = {
    "consultant": "Анна Орлова",
    "approver": "Игорь Белов",
    "rollout_manager": "Олег Смирнов",
    "admin": "Дарья Ким",
}

# Proper names and code a Russian page shows as they are.
ALLOWED_TOKENS = {
    # the language switch names English in English
    "English",
    # formats, standards, products, systems of the demo client
    "AS-IS",
    "TO-BE",
    "BPMN",
    "DOCX",
    "XLSX",
    "CSV",
    "YAML",
    "JSON",
    "XML",
    "bpmn",
    "xml",
    "MoSCoW",
    "Gherkin",
    "POS",
    "API",
    "CRM",
    "ERP",
    "SMS",
    "sha256",
    "ID",
    # project keys and the key example, logins (usernames) and the demo's actor
    "DEMO",
    "FRESH",
    "consultant",
    "approver",
    "rollout_manager",
    "admin",
    "demo",
}
ALLOWED_PATTERNS = [
    re.compile(r"(REQ|MOD)-\d+"),  # requirement and modification references
    re.compile(r"[RW]\d{3}"),  # store codes
    re.compile(r"v\d+"),  # configuration version labels
    re.compile(r"x\d+"),  # multipliers in requirement titles ("x2")
    re.compile(r"[A-Za-z0-9_.+-]+@[A-Za-z0-9_.-]+"),  # e-mail addresses
]
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_.@+-]*")


def english_tokens(text: str) -> set[str]:
    """The Latin-script tokens of `text` that are neither allowed names nor code."""
    tokens = {token.rstrip(".-") for token in _TOKEN.findall(text)}
    return {
        t for t in tokens if t not in ALLOWED_TOKENS and not any(p.fullmatch(t) for p in ALLOWED_PATTERNS)
    }


@pytest.fixture(scope="module")
def live_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The workbench with the demo client and project, and users with Russian names."""
    app: Flask = make_app(tmp_path_factory.mktemp("ru"), WTF_CSRF_ENABLED=True)
    with app.app_context():
        load_demo(db.session(), members=15, days=30)
        # Module scope: the per-test listener that seats the role users in new projects is not
        # active here, so the demo project is loaded under it explicitly.
        event.listen(Project, "after_insert", _role_users_join)
        try:
            load_demo_project(db.session(), actor="demo")
        finally:
            event.remove(Project, "after_insert", _role_users_join)
        for user in db.session.scalars(db.select(User)):
            user.display_name = RUSSIAN_NAMES[user.username]
        db.session.commit()
    with serving(app) as base:
        yield base


def test_the_token_check_tells_english_from_names_and_code() -> None:
    assert english_tokens("REQ-12 · R001 · v2 · Карта разрывов · DEMO · rollout_manager") == set()
    assert english_tokens("Проекты · Sign out · Gap map") == {"Sign", "out", "Gap", "map"}


@pytest.mark.parametrize("role", sorted(MAIN_PAGES))
def test_each_roles_main_pages_read_in_russian(live_demo: str, role: str) -> None:
    with signed_in_page(live_demo, role=role, locale="ru-RU") as page:
        for path in MAIN_PAGES[role]:
            response = page.goto(f"{live_demo}{path}")
            assert response is not None and response.status == 200, path
            assert page.locator("html").get_attribute("lang") == "ru"
            # What a reader sees: the text of the page, form controls' labels and options included;
            # code elements hold configuration keys and are left out.
            text = page.evaluate(
                "() => { document.querySelectorAll('code, pre, script, style').forEach(e => e.remove());"
                " return document.body.innerText; }"
            )
            assert "Выйти" in text, path
            assert english_tokens(text) == set(), f"{role} {path}: English on a Russian page"


def test_a_russian_reader_switches_to_english_and_back(live_demo: str) -> None:
    with signed_in_page(live_demo, role="consultant", locale="ru-RU") as page:
        page.goto(f"{live_demo}/projects/")
        page.click("header form.lang button[value=en]")
        page.wait_for_selector("text=Sign out")
        assert page.url == f"{live_demo}/projects/"
        page.click("header form.lang button[value=ru]")
        page.wait_for_selector("text=Выйти")
