"""What the browser tests share: Debian's Chromium driven by Playwright (nothing downloads a
browser), a workbench served from a thread, and a page signed in as a role.

Without Chromium the tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.workbench.conftest import PASSWORD

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def require(condition: bool, why: str) -> None:
    """Skip the test when `condition` fails (fail it under CI=true, where it must run)."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {why}: the browser test must run in CI")
    pytest.skip(why)


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """`app` served on a free local port from a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def signed_in_page(
    base: str, *, role: str = "consultant", timeout_ms: int = 15_000, locale: str = "en-US"
) -> Iterator[Any]:
    """A Chromium page (downloads accepted) signed in at `base` as the user of `role`; the
    browser is closed afterwards, whatever happened. `locale` is the browser's language, sent
    as Accept-Language: English by default, as the tests' assertions are written; the Russian
    browser test passes "ru-RU"."""
    require(
        CHROMIUM.exists(),
        f"Chromium is not at {CHROMIUM}: install it with `sudo apt-get install -y chromium` "
        "(or `make install-test` as root), or set CHROMIUM to its path",
    )
    try:
        import playwright.sync_api as sync_api
    except ImportError:
        require(
            False,
            "Playwright (Python) is not installed: run `make install-test` "
            "(or `.venv/bin/pip install playwright`)",
        )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(accept_downloads=True, locale=locale).new_page()
            page.set_default_timeout(timeout_ms)
            page.goto(f"{base}/login")
            page.fill("input[name=username]", role)
            page.fill("input[name=password]", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/")
            yield page
        finally:
            browser.close()


def download_through_job(page: Any, link: str) -> Any:
    """Click the export `link` (a selector): it opens the export's job page, which offers the
    document once the job has built it (the test servers run jobs at once); its Download."""
    page.click(link)
    page.wait_for_selector("#job-download")
    with page.expect_download() as download:
        page.click("#job-download")
    return download.value
