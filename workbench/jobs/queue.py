"""The huey queue of an app: SQLite storage in the instance folder by default, Redis when
REDIS_URL is set; one task, `workbench.run_job(job_id)`, that runs a job row in the app, and one
periodic task, `workbench.record_due_switches`, each minute (the rollout's switch bookkeeping),
and `workbench.refresh_rollups` every 15 minutes (the analytics dashboard's KPI rollups).

Config keys (read from the environment by workbench.settings): REDIS_URL, JOBS_SQLITE_FILE
(default `<instance>/jobs.db`), JOBS_IMMEDIATE (tests: a job runs inside the call that starts
it, with no consumer).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper

from workbench.extensions import db
from workbench.jobs import service

QUEUE_NAME = "workbench"
JOBS_FILE = "jobs.db"


@dataclass(frozen=True)
class JobQueue:
    huey: Huey
    run_job: TaskWrapper
    # SQLite has one writer, and a transaction that read before another's commit cannot write
    # after it ("database is locked" at once, no waiting): on SQLite the worker's threads take
    # turns, one job at a time. PostgreSQL runs `--workers` jobs at once.
    one_at_a_time: threading.Lock | None = None

    def enqueue(self, job_id: int) -> None:
        self.run_job(job_id)


def make_huey(config: Mapping[str, Any], instance_path: str) -> Huey:
    """RedisHuey on REDIS_URL, else SqliteHuey on JOBS_SQLITE_FILE or `<instance>/jobs.db`."""
    immediate = bool(config.get("JOBS_IMMEDIATE"))
    redis_url = config.get("REDIS_URL")
    if redis_url:
        return RedisHuey(QUEUE_NAME, url=redis_url, immediate=immediate)
    filename = config.get("JOBS_SQLITE_FILE") or os.path.join(instance_path, JOBS_FILE)
    return SqliteHuey(QUEUE_NAME, filename=filename, immediate=immediate)


def init_jobs(app: Flask) -> None:
    """Give `app` its queue (app.extensions["jobs"]); the consumer builds the same app, so the
    task is registered under the same name in the servers and in the worker."""
    huey = make_huey(app.config, app.instance_path)
    sqlite = str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
    one_at_a_time = threading.Lock() if sqlite else None

    @huey.task(name="workbench.run_job")
    def run_job(job_id: int) -> None:
        # A fresh app context: its own session, whether in the consumer or (immediate) in a request.
        with app.app_context(), one_at_a_time or contextlib.nullcontext():
            try:
                service.execute(db.session(), job_id)
            finally:
                db.session.remove()

    @huey.periodic_task(crontab(minute="*"), name="workbench.record_due_switches")
    def record_due_switches() -> None:
        # Each minute: scheduled store switches whose moment came go to the audit log once and
        # to the stores' list. The POS needs none of it (it resolves the version by date itself),
        # so a late or missed run changes no receipt, only how soon the log shows the switch.
        from workbench.rollout import service as rollout

        with app.app_context(), one_at_a_time or contextlib.nullcontext():
            try:
                rollout.record_due_switches(db.session(), now=rollout.utcnow())
                db.session.commit()
            finally:
                db.session.remove()

    @huey.periodic_task(crontab(minute="*/15"), name="workbench.refresh_rollups")
    def refresh_rollups() -> None:
        # Every 15 minutes: the KPI rollups the dashboard reads are recomputed from the ledger in
        # one transaction (the dashboard says when); nothing is added to the till's commit path.
        from analytics.rollups.refresh import refresh_rollups as refresh

        with app.app_context(), one_at_a_time or contextlib.nullcontext():
            try:
                refresh(db.session.connection())
                db.session.commit()
            finally:
                db.session.remove()

    app.extensions["jobs"] = JobQueue(huey, run_job, one_at_a_time)


def queue_of(app: Flask | None = None) -> JobQueue:
    queue: JobQueue = (app or current_app).extensions["jobs"]  # type: ignore[attr-defined]
    return queue


def start(kind: str, *, actor: str, title: str, **fields: Any) -> int:
    """Submit a job, commit it and hand it to the queue (the unit of work of a page that starts
    one); its id. The worker reads the committed row, so the commit comes first."""
    job_id = service.submit(db.session(), kind, actor=actor, title=title, **fields).id
    db.session.commit()
    queue_of().enqueue(job_id)
    return job_id
