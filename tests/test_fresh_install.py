"""A fresh venv with only `pip install .` (no extras) runs the product: `workbench --help`,
`workbench db upgrade`, `workbench demo`, `workbench serve` (a page signed in, the POS API on its
own port) and an acceptance run. Catches a runtime import of a test-only package, a file the
package does not ship, a command that needs the source tree.

It installs from PyPI through pip's cache (about a minute once the cache is warm).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from tests.workbench.test_serve import free_port, stop, wait_for

ROOT = Path(__file__).resolve().parents[1]


def _copy_sources(target: Path) -> Path:
    """The files a clone has (tracked, and new ones not ignored), without .venv, instance/, caches."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "DATABASE_URL"}
    }
    # English: the test reads the CLI's lines (the product's default language is Russian).
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}",
        SECRET_KEY="fresh-install-test",
        DEFAULT_LANGUAGE="en",
    )
    return env


def test_a_fresh_venv_without_extras_starts_the_cli_and_serves(tmp_path: Path) -> None:
    sources = _copy_sources(tmp_path / "src")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", str(sources)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    shutil.rmtree(sources)  # nothing may be read from the source tree from here on
    workbench = str(venv / "bin" / "workbench")
    env, cwd = _clean_env(tmp_path), tmp_path / "run"
    cwd.mkdir()

    def run(*args: str) -> str:
        done = subprocess.run(
            [workbench, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, (
            f"workbench {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
        return done.stdout

    assert "serve" in run("--help")
    run("db", "upgrade")
    assert "demo project DEMO loaded" in run("demo", "--members", "20")
    # An acceptance run: behave, the step library and the demo's scenarios all ship.
    assert (
        "31 passed, 1 failed"
        in subprocess.run(
            [workbench, "accept", "run", "--project", "DEMO", "--config", "v2", "--quiet"],
            env=env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
    )

    port, pos_port = free_port(), free_port()
    server = subprocess.Popen(
        [
            workbench,
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--pos-port",
            str(pos_port),
            "--pos-workers",
            "1",
            "--job-workers",
            "1",
        ],
        env=env,
        cwd=cwd,
    )
    try:
        login = wait_for(f"http://127.0.0.1:{port}/login", server).decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login)
        assert token, login[:2000]
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        browser.open(f"http://127.0.0.1:{port}/login", timeout=10).read()
        page = browser.open(f"http://127.0.0.1:{port}/login", timeout=10).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token
        form = urllib.parse.urlencode(
            {"username": "consultant", "password": "consultant-demo", "csrf_token": token.group(1)}
        ).encode()
        browser.open(f"http://127.0.0.1:{port}/login", data=form, timeout=10).read()
        project = (
            browser.open(f"http://127.0.0.1:{port}/projects/DEMO/acceptance", timeout=30).read().decode()
        )
        assert "Run the scenarios" in project and "ru_wholesale.feature" in project
        assert b'"openapi"' in wait_for(f"http://127.0.0.1:{pos_port}/api/v1/openapi.json", server)
    finally:
        stop(server)
