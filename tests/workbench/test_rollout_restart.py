"""The job runner: a scheduled switch survives a restart of the server and of the worker between
scheduling and the switch time (issue 11, "Must hold"), with real processes on the SQLite
storage of a temporary instance folder: the workbench served over HTTP (the POS API mounted) and
huey's consumer (`workbench jobs worker`), both on a clock the test moves by rewriting a file
(tests/workbench/clocked_process.py). The only waits are for a process to answer or for the
consumer to take a task."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from loyalty_core.ledger import service as ledger
from loyalty_core.stores import service as store_service
from loyalty_core.stores.models import Store
from rollout.models import WaveStore
from tests.workbench.conftest import PASSWORD, make_app
from tests.workbench.rollout_support import seed_chain, seed_project
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.jobs.queue import queue_of

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.UTC
# The day before the switch; 03:00 local is 22:00 UTC (Yekaterinburg) and 00:00 UTC (Moscow).
BEFORE = dt.datetime(2027, 1, 14, 12, 0, tzinfo=UTC)
AFTER = dt.datetime(2027, 1, 15, 0, 0, 30, tzinfo=UTC)
BASKET = {"lines": [{"sku": "MILK", "category": "dairy", "quantity": "1", "amount": "1000.00"}]}


def free_port() -> int:
    """A free local port: from TEST_PORTS ("5120-5139") when set (shared machines), else any."""
    low, _, high = os.environ.get("TEST_PORTS", "").partition("-")
    candidates = range(int(low), int(high) + 1) if low and high else [0]
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise RuntimeError(f"no free port in TEST_PORTS={os.environ['TEST_PORTS']}")


class Processes:
    """The server and the worker of one instance folder, started and stopped as an operator does."""

    def __init__(self, instance: Path, clock_file: Path, port: int) -> None:
        self.instance, self.clock_file, self.port = instance, clock_file, port
        self.env = {**os.environ, "SECRET_KEY": "restart-test", "DEFAULT_LANGUAGE": "en"}
        for name in ("DATABASE_URL", "REDIS_URL", "JOBS_SQLITE_FILE"):  # the instance folder's own
            self.env.pop(name, None)
        self.worker_log = instance.parent / "worker.log"
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None

    def _spawn(self, *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
        output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
        command = [sys.executable, "-m", "tests.workbench.clocked_process", *args]
        return subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)

    def start(self) -> None:
        base = (str(self.instance), str(self.clock_file))
        self.server = self._spawn("server", *base, str(self.port))
        self.worker = self._spawn("worker", *base, log=self.worker_log)
        self.wait_for_server()

    def stop(self) -> None:
        for process, stop_signal in ((self.worker, signal.SIGINT), (self.server, signal.SIGTERM)):
            if process is not None and process.poll() is None:
                process.send_signal(stop_signal)  # the worker: huey's graceful stop
                process.wait(timeout=60)
        self.server = self.worker = None

    def wait_for_server(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login", timeout=5):
                    return
            except OSError:
                assert self.server is not None and self.server.poll() is None, "the server exited"
                assert time.monotonic() < deadline, f"the server did not answer within {seconds} s"
                time.sleep(0.2)

    def executed(self) -> int:
        """How many runs of the periodic switch task the worker has finished (from its log)."""
        if not self.worker_log.exists():
            return 0
        lines = self.worker_log.read_text(errors="replace").splitlines()
        return sum(1 for line in lines if "workbench.record_due_switches" in line and "executed in" in line)

    def quote_version(self, key: str, member: str) -> str:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1/purchases/quote",
            data=json.dumps({**BASKET, "member_id": member, "redeem_points": 0}).encode(),
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.loads(response.read())["config_version"])


class Browser:
    """A signed-in rollout manager on the served workbench (cookies, CSRF token)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.token = self._token(self.get("/login"))
        self.post("/login", {"username": "rollout_manager", "password": PASSWORD})

    @staticmethod
    def _token(page: str) -> str:
        return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return str(response.read().decode())

    def post(self, path: str, fields: dict[str, str]) -> str:
        data = urllib.parse.urlencode({**fields, "csrf_token": self.token}).encode()
        with self.opener.open(self.base + path, data=data, timeout=30) as response:
            return str(response.read().decode())


def _wait_until(processes: Processes, done: Callable[[], bool], what: str, seconds: float = 60) -> None:
    """Until `done()` (the worker polls its queue; its own scheduler may add runs each minute)."""
    deadline = time.monotonic() + seconds
    while not done():
        assert processes.worker is not None and processes.worker.poll() is None, (
            processes.worker_log.read_text()
        )
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.2)


def _switched(app: Flask) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action == "rollout.switched")
        return list(db.session.scalars(query))


def _enqueue_switch_task(app: Flask) -> None:
    """What the consumer's scheduler does each minute, done now: queue the periodic task."""
    huey = queue_of(app).huey
    (task,) = [t for t in huey.read_periodic(BEFORE) if t.name == "workbench.record_due_switches"]
    huey.enqueue(task)


@pytest.fixture
def instance_app(tmp_path: Path) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'workbench.db'}",
        JOBS_IMMEDIATE=False,
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_scheduled_switch_survives_a_restart_of_the_server_and_the_worker(
    instance_app: Flask, tmp_path: Path
) -> None:
    app = instance_app
    assert queue_of(app).huey.storage.filename == str(tmp_path / "instance" / "jobs.db")
    seed_chain(app)
    seed_project(app)
    with app.app_context():
        session = db.session()
        keys = {
            code: store_service.rotate_key(session, store_service.get_store(session, code))
            for code in ("R001", "R002", "R003")
        }
        member = str(ledger.enroll(session, phone="+79160000001").id)
        session.commit()
    clock = tmp_path / "clock"
    clock.write_text(BEFORE.isoformat())
    processes = Processes(tmp_path / "instance", clock, free_port())
    try:
        processes.start()
        manager = Browser(processes.port)
        created = manager.post(
            "/rollout/plans",
            {"project": "DEMO", "version": "v2", "pilot": "R001,R003", "at": "2027-01-15 03:00"},
        )
        assert "plan 1 created with a pilot of 2 store(s)" in created
        assert "wave 1 advanced: 2 store(s) scheduled" in manager.post("/rollout/plans/1/advance", {})
        assert processes.quote_version(keys["R001"], member) == "v1"

        processes.stop()  # between scheduling and the switch time, both go away ...
        processes.start()  # ... and come back, still before the switch
        runs = processes.executed()
        _enqueue_switch_task(app)
        _wait_until(processes, lambda: processes.executed() > runs, "the worker ran no switch task")
        assert _switched(app) == []  # a run before the moment records nothing
        assert processes.quote_version(keys["R003"], member) == "v1"

        clock.write_text(AFTER.isoformat())  # past 03:00 in Yekaterinburg and in Moscow
        versions = {code: processes.quote_version(key, member) for code, key in keys.items()}
        assert versions == {"R001": "v2", "R002": "v1", "R003": "v2"}  # from the first request on
        _enqueue_switch_task(app)
        _wait_until(processes, lambda: len(_switched(app)) >= 2, "the worker recorded no switch")
    finally:
        processes.stop()

    switched = _switched(app)
    with app.app_context():
        assert sorted((e.target_id, e.actor, e.details["plan"]) for e in switched) == [
            ("R001", "system", 1),
            ("R003", "system", 1),
        ]
        recorded = db.session.execute(
            select(Store.code, WaveStore.switch_recorded_at, WaveStore.switch_at)
            .join(WaveStore, WaveStore.store_id == Store.id)
            .order_by(Store.code)
        ).all()
        assert [(code, at) for code, at, _ in recorded] == [("R001", AFTER), ("R003", AFTER)]
        assert [switch_at for *_, switch_at in recorded] == [
            dt.datetime(2027, 1, 15, 0, 0, tzinfo=UTC),
            dt.datetime(2027, 1, 14, 22, 0, tzinfo=UTC),
        ]
        labels = {
            s.code: s.active_version.label for s in db.session.scalars(select(Store)) if s.active_version
        }
        assert labels["R001"] == labels["R003"] == "v2" and labels["R002"] == "v1"
