"""Serving the product as three separate parts, each in its own process group:

- the workbench's pages: gunicorn on workbench.wsgi (no POS API in it);
- the POS API: granian (or gunicorn, --pos-server) on loyalty_core.api.wsgi, its own workers on
  its own port, so no till waits behind an office upload or a slow page;
- the job worker: huey's consumer (`workbench jobs worker`), which runs uploads and acceptance
  runs at a lower CPU priority.

`workbench serve` starts the three and stops them together (Ctrl-C or SIGTERM stops all; one
that dies stops the others, with its name and exit code, so a half-running product is never
left behind). `workbench pos serve` serves the POS API alone, scaled on its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import SQLAlchemyError

STOP_GRACE_SECONDS = 30


# Translated when printed (the command itself is not).
FIRST_ADMIN_HINT = _l(
    "Create the first admin with: %(command)s", command="workbench user create NAME --role admin"
)


@dataclass(frozen=True)
class Part:
    name: str
    argv: list[str]
    stop_signal: signal.Signals = signal.SIGTERM  # gunicorn, granian: graceful on TERM; huey: on INT


def _fail(message: str) -> NoReturn:
    click.echo(gettext("error: %(message)s", message=message), err=True)
    sys.exit(1)


def gunicorn_path() -> str:
    found = shutil.which(
        "gunicorn", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if found is None:
        _fail(gettext("gunicorn is not installed in this environment (pip install .)"))
    return found


def _without_control_socket() -> list[str]:
    """Recent gunicorn opens a control socket at one path per user: the two servers (and any other
    gunicorn of the user) would take it from each other, so ours open none."""
    from gunicorn.config import KNOWN_SETTINGS

    return ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []


def gunicorn_argv(app: str, host: str, port: int, workers: int, threads: int = 1) -> list[str]:
    argv = [
        gunicorn_path(),
        "-w",
        str(workers),
        "-b",
        f"{host}:{port}",
        "--access-logfile",
        "-",
        *_without_control_socket(),
        app,
    ]
    if app.startswith("loyalty_core."):
        # The POS API's gunicorn settings: gunicorn's own refusals (414, 431, 400) as problem+json.
        argv[1:1] = ["-c", "python:loyalty_core.api.gunicorn_conf"]
    if threads > 1:
        argv[1:1] = ["--worker-class", "gthread", "--threads", str(threads)]
    return argv


POS_SERVERS = ("granian", "gunicorn")
WORKER_KILL_SECONDS = 5


def granian_argv(app: str, host: str, port: int, workers: int, threads: int = 1) -> list[str]:
    """granian's WSGI server: HTTP parsing in Rust and kept-alive connections; one Python thread
    per worker (`threads`: more, for the bench's comparisons), as gunicorn's sync workers; a
    worker that dies is started again, as gunicorn does.
    A worker still loading the app when the stop signal comes never hears it (it still runs the
    main process's handler, inherited by fork), so workers are killed WORKER_KILL_SECONDS after a
    stop: a receipt takes milliseconds, a stop must not hang."""
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
        "--workers", str(workers), "--blocking-threads", str(threads), "--runtime-threads", "1", "--no-ws",
        "--respawn-failed-workers", "--workers-kill-timeout", str(WORKER_KILL_SECONDS), "--access-log", app,
    ]  # fmt: skip


def pos_argv(server: str, host: str, port: int, workers: int, threads: int = 1) -> list[str]:
    """The POS API's server: granian by default (more commits per core, README "Serving the
    POS"), gunicorn when asked for. bench/pos_throughput.py serves through this too."""
    if server == "gunicorn":
        return gunicorn_argv("loyalty_core.api.wsgi:app", host, port, workers, threads)
    return granian_argv("loyalty_core.api.wsgi:app", host, port, workers, threads)


def worker_argv(workers: int) -> list[str]:
    return [sys.executable, "-m", "workbench", "jobs", "worker", "--workers", str(workers)]


def part_environment() -> dict[str, str]:
    """The environment of every part: the database the workbench resolved (so the POS, which
    does not read the workbench's settings, serves the same one)."""
    return {**os.environ, "DATABASE_URL": current_app.config["SQLALCHEMY_DATABASE_URI"]}


def supervise(parts: Sequence[Part], env: Mapping[str, str]) -> int:
    """Run every part in its own process group until one exits or we are told to stop; then stop
    them all (graceful signal, then SIGKILL after STOP_GRACE_SECONDS). The exit code: 0 when
    stopped by a signal, else the code of the part that ended first (1 if it ended with 0 or by
    a signal)."""
    stopping: list[int] = []
    previous = {
        s: signal.signal(s, lambda signum, _frame: stopping.append(signum))
        for s in (signal.SIGINT, signal.SIGTERM)
    }
    running: list[tuple[Part, subprocess.Popen[bytes]]] = []
    code = 0
    try:
        for part in parts:
            running.append((part, subprocess.Popen(part.argv, env=dict(env), process_group=0)))
        while not stopping:
            ended = next(((part, process) for part, process in running if process.poll() is not None), None)
            if ended is not None:
                part, process = ended
                click.echo(
                    gettext(
                        "error: %(part)s exited with code %(code)s; stopping the others",
                        part=part.name,
                        code=process.returncode,
                    ),
                    err=True,
                )
                code = process.returncode if process.returncode > 0 else 1
                break
            time.sleep(0.2)
    finally:
        _stop(running)
        for s, handler in previous.items():
            signal.signal(s, handler)
    return code


def _stop(running: Sequence[tuple[Part, subprocess.Popen[bytes]]]) -> None:
    for part, process in running:
        if process.poll() is None:
            _signal_group(process, part.stop_signal)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for _part, process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # the group has exited already
        os.killpg(process.pid, signum)  # the part's whole group: gunicorn's workers, behave's process


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, help="the workbench's pages")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers of the workbench")
@click.option("--threads", default=1, show_default=True, help="gthread threads per workbench worker")
@click.option("--pos-port", default=5001, show_default=True, help="the POS API")
@click.option("--pos-workers", default=2, show_default=True, help="worker processes of the POS API")
@click.option("--pos-server", type=click.Choice(POS_SERVERS), default="granian", show_default=True)
@click.option("--job-workers", default=2, show_default=True, help="threads of the job worker")
@with_appcontext
def serve(
    host: str,
    port: int,
    workers: int,
    threads: int,
    pos_port: int,
    pos_workers: int,
    pos_server: str,
    job_workers: int,
) -> None:
    """Serve the workbench, the POS API (its own workers and port) and the job worker."""
    if port == pos_port:
        _fail(
            gettext(
                "--port and --pos-port are both %(port)s: the workbench and the POS API need a port each",
                port=port,
            )
        )
    parts = [
        Part("workbench", gunicorn_argv("workbench.wsgi:app", host, port, workers, threads)),
        Part("POS API", pos_argv(pos_server, host, pos_port, pos_workers)),
        Part("job worker", worker_argv(job_workers), signal.SIGINT),
    ]
    click.echo(
        ngettext(
            "workbench: %(workbench)s   POS API: %(api)s   job worker: %(num)d thread(s)",
            "workbench: %(workbench)s   POS API: %(api)s   job worker: %(num)d thread(s)",
            job_workers,
            workbench=f"http://{host}:{port}/",
            api=f"http://{host}:{pos_port}/api/v1/openapi.json",
        )
    )
    _hint_first_admin()
    sys.exit(supervise(parts, part_environment()))


def _hint_first_admin() -> None:
    """On an instance without an active admin, say how to create one (no password is made up)."""
    from workbench.auth.service import has_active_admin
    from workbench.extensions import db

    try:
        if not has_active_admin(db.session()):
            click.echo(gettext("no admin yet. %(hint)s", hint=FIRST_ADMIN_HINT))
    except SQLAlchemyError:  # not migrated yet: a hint only, gunicorn's start reports the rest
        db.session.rollback()


pos_group = click.Group("pos", help="The POS API on its own.")


@pos_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True)
@click.option("--workers", default=2, show_default=True, help="worker processes (about 1 per core)")
@click.option("--server", type=click.Choice(POS_SERVERS), default="granian", show_default=True)
@with_appcontext
def pos_serve(host: str, port: int, workers: int, server: str) -> None:
    """Serve the POS API alone (granian, or gunicorn), on the workbench's database (DATABASE_URL)."""
    argv = pos_argv(server, host, port, workers)
    click.echo(
        ngettext(
            "POS API: %(api)s (%(num)d workers)",
            "POS API: %(api)s (%(num)d workers)",
            workers,
            api=f"http://{host}:{port}/api/v1/openapi.json",
        )
    )
    os.execve(argv[0], argv, part_environment())
