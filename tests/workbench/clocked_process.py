"""A workbench process whose clock the test controls, for tests that restart real processes.

    python -m tests.workbench.clocked_process server INSTANCE CLOCK_FILE PORT
    python -m tests.workbench.clocked_process worker INSTANCE CLOCK_FILE

Every "now" that decides a switch (the POS API's clock, the rollout's `utcnow` read by the pages
and by the periodic job) is read from CLOCK_FILE (an ISO moment) at each call, so the test moves
time by rewriting the file, never by sleeping. The rest is the product as deployed: the app built
by `workbench.create_app` on INSTANCE (its SQLite database and huey's SQLite queue both live
there), served by a real HTTP server, or consumed by `workbench jobs worker`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path


def file_clock(path: str) -> Callable[[], dt.datetime]:
    def now() -> dt.datetime:
        return dt.datetime.fromisoformat(Path(path).read_text().strip())

    return now


def _on_clock(clock: Callable[[], dt.datetime]) -> None:
    # Before the app is built: init_api picks the API's clock up when it is mounted.
    import loyalty_core.api
    from workbench.rollout import service

    loyalty_core.api._utc_now = clock  # type: ignore[attr-defined]
    service.utcnow = clock  # type: ignore[assignment]


def main(argv: list[str]) -> None:
    role, instance, clock_file = argv[:3]
    _on_clock(file_clock(clock_file))
    from workbench import create_app

    app = create_app(instance_path=instance)
    if role == "server":
        from werkzeug.serving import make_server

        make_server("127.0.0.1", int(argv[3]), app, threaded=True).serve_forever()
    elif role == "worker":
        from flask.cli import ScriptInfo

        from workbench.cli import main as workbench_cli

        workbench_cli.main(
            ["jobs", "worker", "--workers", "1", "--nice", "0"],
            obj=ScriptInfo(create_app=lambda: app),
            prog_name="workbench",
        )
    else:
        raise SystemExit(f"unknown role {role!r}: server or worker")


if __name__ == "__main__":
    main(sys.argv[1:])
