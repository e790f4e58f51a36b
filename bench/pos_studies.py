"""Side studies of the POS commit on PostgreSQL, behind the figures of issue 13's third pass.

    .venv/bin/python bench/pos_studies.py STUDY [--seconds 8] [--rounds 3]

Each study seeds the fresh data set of bench/pos_throughput.py (`bench_pos`, 2,000 members),
serves the POS as `workbench pos serve` does (granian, 2 workers, the till lane) and drives it
with 4 wrk clients. Studies:
- `wal`: where the WAL of --seconds of commits goes, read back with pg_walinspect: records and
  bytes per commit by record type and by relation;
- `hot-fks`: the three foreign keys every commit checks on the same rows (the store twice, the
  configuration version once) dropped and restored in turn, --rounds times each: commits/s and
  PostgreSQL's CPU per commit with and without them;
- `first-run`: seeded --rounds times without pgbench's tables, two runs after each seeding: is
  the first run slower?
- `after-burst`: one connection's commits, 10 ms apart, before and after a saturated run of
  --seconds (p50/p90/p99 of 200 commits a step), with the kernel's dirty memory beside them;
- `access-log`: granian with and without its access log (written to a file), in turn.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pos_paced import purchase_body  # noqa: E402  (bench/, beside this script)
from pos_throughput import (  # noqa: E402
    APP_NAME,
    TICKS,
    BackendCpu,
    ensure_database,
    free_port,
    make_engine,
    run_wrk,
    seed,
    start_server,
    tree_ticks,
)
from sqlalchemy import text  # noqa: E402

from workbench.serving import pos_argv  # noqa: E402

DATABASE = "bench_pos"
CLIENTS = 4
HOT_FOREIGN_KEYS = {
    "fk_transactions_store_id_stores": ("transactions", "store_id", "stores"),
    "fk_transactions_config_version_id_config_versions": (
        "transactions",
        "config_version_id",
        "config_versions",
    ),
    "fk_idempotency_records_store_id_stores": ("idempotency_records", "store_id", "stores"),
}


@dataclass(frozen=True)
class Seeded:
    url: str
    key: str
    members: list[str]


def fresh(url: str) -> Seeded:
    key, members = seed(url, 2000, 0)
    return Seeded(url, key, members)


@dataclass(frozen=True)
class Served:
    port: int
    pid: int


@contextmanager
def served(data: Seeded, edit: Callable[[list[str]], list[str]] = lambda argv: argv) -> Iterator[Served]:
    """The POS on a free port, as `workbench pos serve` runs it (`edit` may change its argv)."""
    port = free_port()
    server = start_server(data.url, port, edit(pos_argv("granian", "127.0.0.1", port, 2)))
    try:
        run_wrk(port, data.key, data.members, CLIENTS, 2)  # warm-up: each worker reads the configuration
        yield Served(port, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def measured_run(data: Seeded, server: Served, seconds: int) -> tuple[float, float, float]:
    """(commits/s, PostgreSQL's and the server's CPU ms per commit) of one saturated run."""
    before = tree_ticks(server.pid)
    with BackendCpu(DATABASE, APP_NAME) as cpu:
        rate, *_ = run_wrk(server.port, data.key, data.members, CLIENTS, seconds)
    commits = max(1.0, rate * seconds)
    app_seconds = (tree_ticks(server.pid) - before) / TICKS
    return rate, cpu.seconds() * 1000 / commits, app_seconds * 1000 / commits


def wal(url: str, args: argparse.Namespace) -> None:
    data = fresh(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_walinspect"))
    with served(data) as server, engine.connect() as conn:
        start = conn.execute(text("SELECT pg_current_wal_lsn()")).scalar()
        rate, *_ = run_wrk(server.port, data.key, data.members, CLIENTS, args.seconds)
        end = conn.execute(text("SELECT pg_current_wal_lsn()")).scalar()
        commits = rate * args.seconds
        print(f"{commits:,.0f} commits; per commit:")
        by_type = conn.execute(
            text(
                'SELECT "resource_manager/record_type", count, combined_size, fpi_size '
                "FROM pg_get_wal_stats(:start, :end, true) WHERE count > 0 ORDER BY combined_size DESC"
            ),
            {"start": start, "end": end},
        ).all()
        by_relation = conn.execute(
            text(
                "WITH w AS (SELECT record_length, fpi_length, "
                r"(regexp_match(block_ref, 'rel \d+/\d+/(\d+)'))[1]::oid AS node "
                "FROM pg_get_wal_records_info(:start, :end)) "
                "SELECT coalesce(c.relname, 'no relation'), count(*), sum(record_length), sum(fpi_length) "
                "FROM w LEFT JOIN pg_class c ON c.relfilenode = w.node GROUP BY 1 ORDER BY 3 DESC"
            ),
            {"start": start, "end": end},
        ).all()
    engine.dispose()
    for name, rows in (("record type", by_type), ("relation", by_relation)):
        print(f"  by {name}:")
        for label, count, size, fpi in rows[:30]:
            print(
                f"    {label:40s} {count / commits:6.2f} records {size / commits:7.0f} B "
                f"(full pages {fpi / commits:.0f} B)"
            )


def in_turn(rounds: int, what: str, figure: str, run: Callable[[bool], tuple[float, float]]) -> None:
    """`run(True)` and `run(False)` in turn, `rounds` times each; each returns (commits/s, the
    `figure` in ms per commit). Prints every run, then the medians of each side."""
    figures: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for on in [True, False] * rounds:
        rate, value = run(on)
        figures[on].append((rate, value))
        print(f"{'with' if on else 'without'} {what}: {rate:,.0f} commits/s, {figure} {value:.3f} ms/commit")
    for on, runs in figures.items():
        print(
            f"medians {'with' if on else 'without'} {what}: {statistics.median(r for r, _ in runs):,.0f} "
            f"commits/s, {figure} {statistics.median(v for _, v in runs):.3f} ms/commit"
        )


def hot_fks(url: str, args: argparse.Namespace) -> None:
    data = fresh(url)
    engine = make_engine(url)

    def run(with_keys: bool) -> tuple[float, float]:
        with served(data) as server:
            rate, pg_ms, _ = measured_run(data, server, args.seconds)
        with engine.begin() as conn:  # the next run goes the other way
            for name, (table, column, target) in HOT_FOREIGN_KEYS.items():
                conn.execute(
                    text(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
                    if with_keys
                    else text(
                        f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) "
                        f"REFERENCES {target} (id) NOT VALID"
                    )
                )
        return rate, pg_ms

    in_turn(args.rounds, "the keys", "PostgreSQL", run)
    engine.dispose()


def first_run(url: str, args: argparse.Namespace) -> None:
    for seeding in range(args.rounds):
        data = fresh(url)
        for run in (1, 2):
            with served(data) as server:
                rate, pg_ms, _ = measured_run(data, server, args.seconds)
            print(
                f"seeding {seeding + 1}, run {run}: {rate:,.0f} commits/s, PostgreSQL {pg_ms:.3f} ms/commit"
            )


def dirty_memory() -> str:
    fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    return f"dirty {int(fields['Dirty'].split()[0]) // 1024} MB"


def one_connection(data: Seeded, port: int, rng: random.Random, commits: int = 200) -> str:
    """p50/p90/p99 of `commits` commits on one kept-alive connection, 10 ms apart."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies = []
    for _ in range(commits):
        headers = {
            "Authorization": f"Bearer {data.key}",
            "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/json",
        }
        started = time.perf_counter()
        conn.request("POST", "/api/v1/purchases", json.dumps(purchase_body(rng, data.members)), headers)
        conn.getresponse().read()
        latencies.append(1000 * (time.perf_counter() - started))
        time.sleep(0.01)
    conn.close()
    cuts = statistics.quantiles(latencies, n=100)
    return f"p50 {cuts[49]:.2f}, p90 {cuts[89]:.2f}, p99 {cuts[98]:.2f} ms; {dirty_memory()}"


def after_burst(url: str, args: argparse.Namespace) -> None:
    data = fresh(url)
    rng = random.Random(1)
    with served(data) as server:
        print(f"before: {one_connection(data, server.port, rng)}", flush=True)
        for burst in range(args.rounds):
            rate, *_ = run_wrk(server.port, data.key, data.members, CLIENTS, args.seconds)
            print(f"saturated run {burst + 1}: {rate:,.0f} commits/s; {dirty_memory()}", flush=True)
            for step in range(4):
                print(f"  after it, {step + 1}: {one_connection(data, server.port, rng)}", flush=True)


def without_access_log(argv: list[str]) -> list[str]:
    return [arg for arg in argv if arg != "--access-log"]


def access_log(url: str, args: argparse.Namespace) -> None:
    data = fresh(url)

    def run(logged: bool) -> tuple[float, float]:
        with served(data, (lambda argv: argv) if logged else without_access_log) as server:
            rate, _, app_ms = measured_run(data, server, args.seconds)
        return rate, app_ms

    in_turn(args.rounds, "the access log", "app", run)


STUDIES = {
    "wal": wal,
    "hot-fks": hot_fks,
    "first-run": first_run,
    "after-burst": after_burst,
    "access-log": access_log,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("study", choices=sorted(STUDIES))
    parser.add_argument("--seconds", type=int, default=8, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    STUDIES[args.study](ensure_database(None, DATABASE), args)


if __name__ == "__main__":
    main()
