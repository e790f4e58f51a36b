"""`workbench jobs worker`: huey's consumer for this app's queue, and `workbench jobs list`."""

from __future__ import annotations

import logging
import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext, ngettext

from workbench.extensions import db
from workbench.jobs import service
from workbench.jobs.queue import queue_of

jobs_group = click.Group("jobs", help="The job runner (uploads, acceptance runs).")


@jobs_group.command("worker")
@click.option("--workers", default=2, show_default=True, help="jobs run at once (threads)")
@click.option(
    "--nice",
    default=10,
    show_default=True,
    help="lower the worker's CPU priority by this much, so the servers (the tills) come first",
)
@with_appcontext
def worker(workers: int, nice: int) -> None:
    """Run the jobs of the queue (SQLite file in the instance folder, or REDIS_URL) until stopped."""
    queue = queue_of(current_app)
    if queue.huey.immediate:
        click.echo(
            gettext("error: JOBS_IMMEDIATE is set: jobs run where they start, there is nothing to consume"),
            err=True,
        )
        sys.exit(1)
    if nice > 0:
        os.nice(nice)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    interrupted = service.interrupt_running(db.session())
    db.session.commit()
    db.session.remove()
    if interrupted:
        click.echo(
            gettext("%(count)s job(s) left running by a stopped worker marked as failed", count=interrupted),
            err=True,
        )
    click.echo(
        ngettext(
            "job worker: %(num)d thread(s) on %(queue)s",
            "job worker: %(num)d thread(s) on %(queue)s",
            workers,
            queue=type(queue.huey).__name__,
        ),
        err=True,
    )
    queue.huey.create_consumer(workers=workers, worker_type="thread").run()


@jobs_group.command("list")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def list_jobs(limit: int) -> None:
    """The newest jobs: id, state, progress, kind, who, title."""
    for job in service.recent_jobs(db.session(), limit=limit):
        click.echo(f"{job.id}\t{job.state}\t{job.progress}%\t{job.kind}\t{job.created_by}\t{job.title}")
