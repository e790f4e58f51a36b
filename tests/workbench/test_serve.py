"""`workbench serve` runs three parts, each in its own process group: the workbench's gunicorn
(pages, no POS API), the POS API's own server (granian by default) on its own port, and the job
worker; stopping it stops them all. `workbench pos serve` serves the POS API alone."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from workbench.serving import WORKER_KILL_SECONDS

WORKBENCH = str(Path(sys.executable).with_name("workbench"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def served_env(tmp_path: Path) -> dict[str, str]:
    # English: the tests read the CLI's lines (the product's default language is Russian).
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "SECRET_KEY": "serve-test",
        "DEFAULT_LANGUAGE": "en",
    }


def migrate(env: dict[str, str], cwd: Path) -> None:
    subprocess.run(
        [WORKBENCH, "db", "upgrade"], env=env, cwd=cwd, check=True, capture_output=True, timeout=120
    )


def wait_for(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return bytes(response.read())
        except OSError:
            assert server.poll() is None, f"the server exited with {server.returncode} before {url} answered"
            assert time.monotonic() < deadline, f"{url} did not answer within {seconds} s"
            time.sleep(0.3)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def descendants(pid: int) -> dict[int, tuple[int, str]]:
    """pid -> (process group, command line) of every process below `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found: dict[int, tuple[int, str]] = {}
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                try:
                    cmdline = (
                        (Path("/proc") / str(child) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                    )
                except OSError:
                    continue
                found[child] = (os.getpgid(child), cmdline)
                frontier.append(child)
    return found


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)


def test_serve_runs_the_workbench_the_pos_api_and_the_job_worker_apart(tmp_path: Path) -> None:
    env = served_env(tmp_path)
    migrate(env, tmp_path)
    port, pos_port = free_port(), free_port()
    server = subprocess.Popen(
        [
            WORKBENCH,
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
        cwd=tmp_path,
    )
    try:
        assert b'name="username"' in wait_for(f"http://127.0.0.1:{port}/login", server)
        assert b'"openapi"' in wait_for(f"http://127.0.0.1:{pos_port}/api/v1/openapi.json", server)
        assert json.loads(wait_for(f"http://127.0.0.1:{pos_port}/healthz", server))["status"] == "ok"
        # The tills' API is not served by the workbench's workers.
        assert status_of(f"http://127.0.0.1:{port}/api/v1/openapi.json") == 404

        parts = descendants(server.pid)
        groups = {
            name: {group for group, cmd in parts.values() if marker in cmd}
            for name, marker in (
                ("workbench", "workbench.wsgi:app"),
                ("pos", "loyalty_core.api.wsgi:app"),
                ("worker", "jobs worker"),
            )
        }
        assert all(len(found) == 1 for found in groups.values()), parts
        assert len({next(iter(found)) for found in groups.values()} | {os.getpgid(server.pid)}) == 4, parts
    finally:
        stop(server)
    assert server.returncode == 0
    time.sleep(0.5)
    assert not [
        pid
        for pid in parts
        if Path(f"/proc/{pid}").exists() and "(Z)" not in Path(f"/proc/{pid}/stat").read_text()[:60]
    ], "a part outlived `workbench serve`"


def test_serve_stops_everything_when_a_part_dies_and_names_it(tmp_path: Path) -> None:
    env = served_env(tmp_path)
    migrate(env, tmp_path)
    port, pos_port = free_port(), free_port()
    server = subprocess.Popen(
        [
            WORKBENCH,
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
        cwd=tmp_path,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(f"http://127.0.0.1:{pos_port}/healthz", server)
        wait_for(f"http://127.0.0.1:{port}/login", server)
        pos_master = next(
            pid
            for pid, (_, cmd) in descendants(server.pid).items()
            if "loyalty_core.api.wsgi:app" in cmd and os.getpgid(pid) == pid
        )
        os.killpg(pos_master, signal.SIGKILL)
        server.wait(timeout=60)
    finally:
        stop(server)
    assert server.returncode != 0
    assert server.stderr is not None and b"POS API exited with code" in server.stderr.read()
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)


def test_pos_serve_serves_the_api_alone_with_its_own_workers(tmp_path: Path) -> None:
    env = served_env(tmp_path)
    migrate(env, tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [WORKBENCH, "pos", "serve", "--port", str(port), "--workers", "3"], env=env, cwd=tmp_path
    )
    try:
        assert b'"openapi"' in wait_for(f"http://127.0.0.1:{port}/api/v1/openapi.json", server)
        workers = [
            pid for pid, (_, cmd) in descendants(server.pid).items() if "loyalty_core.api.wsgi:app" in cmd
        ]
        assert len(workers) == 3  # granian (exec'd in place of the command) and its 3 workers
        assert status_of(f"http://127.0.0.1:{port}/login") == 404  # no workbench page here
        # Stopped while a worker may still load the app: granian loses that worker's signal, so
        # it is killed after WORKER_KILL_SECONDS rather than keeping the server up forever.
        started = time.monotonic()
        stop(server)
        assert time.monotonic() - started < WORKER_KILL_SECONDS + 20
    finally:
        stop(server)
