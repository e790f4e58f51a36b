"""The POS commit's cost in process, without an HTTP server: where the app's CPU goes.

    .venv/bin/python bench/pos_inprocess.py [--commits 3000] [--repeats 3] [--profile 25]

It seeds the bench database as bench/pos_throughput.py does (`loyalty_bench`, fresh), builds
the POS app (`loyalty_core.api.create_app`), and calls it as a WSGI callable, one request after
another from one thread, with the same receipts as the HTTP bench. Per commit it prints:
- the app's CPU (this process's user + system CPU over the run);
- the database's CPU (the backends of this app, read from /proc, as the HTTP bench does);
- the wall time.
No HTTP parsing and no network sit in these figures: the gap to the HTTP bench's "app CPU per
commit" is the server's. `--profile N` runs the commits once more under cProfile and prints the
N functions with the most time spent in themselves, and the N with the most cumulative time.
`--path quote` measures the quote instead of the commit.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pos_paced import purchase_body  # noqa: E402  (bench/, beside this script)
from pos_throughput import APP_NAME, BackendCpu, ensure_database, seed  # noqa: E402

from loyalty_core.api import create_app  # noqa: E402
from loyalty_core.engine import compiled_engine  # noqa: E402

PATHS = {"purchase": ("/api/v1/purchases", 201), "quote": ("/api/v1/purchases/quote", 200)}
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def environ(path: str, key: str, body: bytes) -> dict[str, Any]:
    """A WSGI environ of a till's POST, as a server would hand it over."""
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {key}",
        "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4()),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app: WsgiApp, env: dict[str, Any]) -> int:
    status: list[str] = []

    def start_response(line: str, _headers: list[tuple[str, str]], _exc: Any = None) -> None:
        status.append(line)

    chunks = app(env, start_response)
    b"".join(chunks)
    close = getattr(chunks, "close", None)
    if close is not None:
        close()
    return int(status[0].split(" ", 1)[0])


def requests(path: str, key: str, members: list[str], count: int, seed_no: int) -> list[dict[str, Any]]:
    rng = random.Random(seed_no)
    return [environ(path, key, json.dumps(purchase_body(rng, members)).encode()) for _ in range(count)]


def run(app: WsgiApp, envs: list[dict[str, Any]], expected: int) -> None:
    for env in envs:
        status = call(app, env)
        if status != expected:
            raise SystemExit(f"a request answered {status}, not {expected}")


def measure(app: WsgiApp, database: str, envs: list[dict[str, Any]], expected: int) -> dict[str, float]:
    with BackendCpu(database, APP_NAME) as backends:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        run(app, envs, expected)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    n = len(envs)
    return {"app_ms": cpu / n * 1e3, "db_ms": backends.seconds() / n * 1e3, "wall_ms": wall / n * 1e3}


def profile(app: WsgiApp, envs: list[dict[str, Any]], expected: int, top: int) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU, not the wait for PostgreSQL
    profiler.runcall(run, app, envs, expected)
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--path", choices=("purchase", "quote"), default="purchase")
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--no-lane", action="store_true", help="every request through Flask (api.lane off)")
    args = parser.parse_args()
    url = ensure_database(args.database_url, "loyalty_bench")
    database = url.rsplit("/", 1)[1].split("?", 1)[0]
    key, members = seed(url, args.members, 0)
    app = create_app(f"{url}?application_name={APP_NAME}")
    app.extensions["till_lane"].on = not args.no_lane
    path, expected = PATHS[args.path]
    print(
        f"engine: {'compiled' if compiled_engine() else 'pure Python'}; {args.path}, one thread, "
        f"{'Flask alone' if args.no_lane else 'till lane'}"
    )
    run(app, requests(path, key, members, 300, 0), expected)  # warm: caches, prepared statements
    results = []
    for repeat in range(args.repeats):
        figures = measure(app, database, requests(path, key, members, args.commits, repeat + 1), expected)
        results.append(figures)
        print(
            f"  run {repeat + 1}: app {figures['app_ms']:.3f} ms, "
            f"database {figures['db_ms']:.3f} ms, wall {figures['wall_ms']:.3f} ms"
        )
    for name in ("app_ms", "db_ms", "wall_ms"):
        print(f"median {name[:-3]}: {statistics.median(r[name] for r in results):.3f} ms per request")
    if args.profile:
        profile(app, requests(path, key, members, args.commits, 99), expected, args.profile)


if __name__ == "__main__":
    main()
