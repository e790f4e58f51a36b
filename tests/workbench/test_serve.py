"""`workbench serve` runs gunicorn on workbench.wsgi: the sign-in page and the POS API answer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_with_gunicorn_workers(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}", "SECRET_KEY": "serve-test"}
    workbench = str(Path(sys.executable).with_name("workbench"))
    subprocess.run([workbench, "db", "upgrade"], env=env, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [workbench, "serve", "--port", str(port), "--workers", "1"], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.3)
        assert 'name="username"' in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=5) as response:
            assert response.status == 200 and b'"openapi"' in response.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
