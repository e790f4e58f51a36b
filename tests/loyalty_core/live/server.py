"""The POS API served for real by gunicorn (or granian) on a free local port, for tests that need a server.

`seed_database` builds the tables and one store running PROGRAMME (its key is returned);
`serve` starts `gunicorn -c python:loyalty_core.api.gunicorn_conf 'loyalty_core.api:create_app()'`
(or granian on loyalty_core.api.wsgi:app, server="granian") and waits until it answers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from loyalty_core.db import make_engine, make_session_factory, metadata
from loyalty_core.stores import service as store_service
from tests.loyalty_core.conftest import PROGRAMME, setup_programme

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed_database(url: str, programme: str = PROGRAMME, *, recreate: bool = True) -> str:
    """Tables, an approved version and store R001 running it; R001's key."""
    import loyalty_core.models  # noqa: F401

    with contextlib.suppress(ImportError):
        import workbench.models  # noqa: F401  (drop_all must know the workbench's tables too)
    engine = make_engine(url)
    if recreate:
        metadata.drop_all(engine)
    metadata.create_all(engine)
    session = make_session_factory(engine)()
    version = setup_programme(session, programme)
    store, key = store_service.add_store(session, "R001", "retail", name="Live store")
    store_service.assign_version(session, store, version)
    session.commit()
    session.close()
    engine.dispose()
    return key


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]


def _gunicorn_args(port: int, workers: int) -> list[str]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return [
        gunicorn, "-c", "python:loyalty_core.api.gunicorn_conf", "-w", str(workers),
        "-b", f"127.0.0.1:{port}", "--graceful-timeout", "5", "loyalty_core.api:create_app()",
    ]  # fmt: skip


def _granian_args(port: int, workers: int) -> list[str]:
    """As `workbench pos serve` runs it (workbench.serving.granian_argv); workers respawn sooner."""
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--blocking-threads", "1", "--runtime-threads",
        "1", "--no-ws", "--respawn-failed-workers", "--respawn-interval", "0.5",
        "--workers-kill-timeout", "5", "loyalty_core.api.wsgi:app",
    ]  # fmt: skip


@contextmanager
def serve(
    database_url: str,
    *,
    workers: int = 1,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    server: str = "gunicorn",
) -> Iterator[Server]:
    port = free_port()
    args = _granian_args(port, workers) if server == "granian" else _gunicorn_args(port, workers)
    environment = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    # The log file is closed after the server has stopped writing to it.
    with contextlib.ExitStack() as files:
        output = files.enter_context(open(log, "wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(args, cwd=ROOT, env=environment, stdout=output, stderr=output)
        server = Server(f"http://127.0.0.1:{port}", process)
        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, f"{server} exited at start"
                try:
                    urllib.request.urlopen(f"{server.url}/healthz", timeout=2).read()
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"{server} did not answer within 60 s"
                    time.sleep(0.2)
            yield server
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
