"""POS commit throughput through the real HTTP server on PostgreSQL, beside pgbench.

    .venv/bin/python bench/pos_throughput.py [--seconds 20] [--clients 4] [--workers 2]

What it does, in one run on one database (default: `loyalty_bench` on 127.0.0.1:5432, created
if missing; or --database-url):
1. recreates the core's tables and seeds a programme, one store and --members members, each
   with one earlier purchase so some commits can redeem;
2. serves the POS API alone (`gunicorn -w WORKERS 'loyalty_core.api:create_app()'`) and drives
   it from --clients processes, each committing receipts back to back (3-6 lines, a fresh
   Idempotency-Key each, one in five redeeming points) for --seconds; prints commits/s and the
   p50/p99 latency seen by the clients;
3. runs `pgbench -b tpcb-like` with the same number of clients for the same time on the same
   database and prints its TPS and the ratio commits/s / pgbench TPS.
Targets (foundation issue): p99 under 25 ms, at least 30% of pgbench's TPS. The machine has
2 cores shared by server, clients and PostgreSQL: quote the medians of several runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loyalty_core import models  # noqa: E402,F401
from loyalty_core.config import service as config_service  # noqa: E402
from loyalty_core.db import make_engine, make_session_factory, metadata  # noqa: E402
from loyalty_core.engine import BasketLine  # noqa: E402
from loyalty_core.ledger import service as ledger  # noqa: E402
from loyalty_core.stores import service as store_service  # noqa: E402

PROGRAMME = """
program: Bench
earn:
  base_rate: 5
  category_rates: {dairy: 7, produce: 6}
  excluded_categories: [tobacco]
tiers:
  - {code: base, threshold: "0"}
  - {code: silver, threshold: "5000", multiplier: 1.25}
redemption: {point_value: "1.00", max_share: 30, min_points: 10}
expiry_days: 365
promotions:
  - {code: DAIRY2X, kind: multiplier, multiplier: 2, priority: 10, conditions: {categories: [dairy]}}
  - {code: BIG, kind: extra_points, points: 50, priority: 1, conditions: {min_check: "2000.00"}}
"""
CATEGORIES = ["dairy", "produce", "bakery", "meat", "drinks", "household"]


def ensure_database(url: str | None) -> str:
    if url:
        return url
    admin = create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = 'loyalty_bench'")):
            conn.execute(text("CREATE DATABASE loyalty_bench"))
    admin.dispose()
    return "postgresql://postgres@127.0.0.1:5432/loyalty_bench"


def seed(url: str, members: int) -> tuple[str, list[str]]:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers")
        )
        metadata.drop_all(conn)
        metadata.create_all(conn)
    session = make_session_factory(engine)()
    version = config_service.create_version(session, "v1", PROGRAMME, created_by="bench")
    config_service.approve(session, version, approved_by="bench")
    store, key = store_service.add_store(session, "B001", "retail")
    store_service.assign_version(session, store, version)
    session.commit()
    ctx = ledger.run_context(store)
    at = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    ids = []
    for n in range(members):
        member = ledger.enroll(session, phone=f"+7916{n:07d}", at=at)
        ledger.commit_purchase(
            session, ctx, member, [BasketLine("S", "bakery", Decimal(1), Decimal("4000.00"))], 0, at
        )
        ids.append(str(member.id))
        if n % 200 == 199:
            session.commit()
    session.commit()
    session.close()
    engine.dispose()
    return key, ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    threading = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            *threading,
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "loyalty_core.api:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 30 s")


def client(args: tuple[int, str, list[str], float, int]) -> tuple[list[float], dict[int, int]]:
    port, key, members, seconds, seed_no = args
    rng = random.Random(seed_no)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        lines = [
            {
                "sku": f"SKU{rng.randrange(5000)}",
                "category": rng.choice(CATEGORIES),
                "quantity": str(rng.randint(1, 3)),
                "amount": f"{rng.randint(50, 900)}.{rng.randint(0, 99):02d}",
            }
            for _ in range(rng.randint(3, 6))
        ]
        body = {
            "member_id": rng.choice(members),
            "lines": lines,
            "redeem_points": 10 if rng.random() < 0.2 else 0,
        }
        payload = json.dumps(body)
        headers = {
            "Authorization": f"Bearer {key}",
            "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/json",
        }
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/api/v1/purchases", payload, headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        latencies.append(time.perf_counter() - start)
        statuses[response.status] = statuses.get(response.status, 0) + 1
    return latencies, statuses


WRK_SCRIPT = """
local members = {%(members)s}
local categories = {"dairy", "produce", "bakery", "meat", "drinks", "household"}
local key = "%(key)s"
local counter = 0
local ids = 0

function setup(thread)
  ids = ids + 1
  thread:set("tid", tostring(ids))
end

function init(args)
  math.randomseed(tonumber(tid) * 7919)
end

function request()
  counter = counter + 1
  local lines = {}
  for i = 1, math.random(3, 6) do
    lines[i] = string.format('{"sku":"SKU%%d","category":"%%s","quantity":"%%d","amount":"%%d.%%02d"}',
      math.random(5000), categories[math.random(#categories)], math.random(1, 3),
      math.random(50, 900), math.random(0, 99))
  end
  local redeem = 0
  if math.random() < 0.2 then redeem = 10 end
  local body = string.format('{"member_id":"%%s","lines":[%%s],"redeem_points":%%d}',
    members[math.random(#members)], table.concat(lines, ","), redeem)
  local headers = {}
  headers["Authorization"] = "Bearer " .. key
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = tid .. "-" .. counter
  return wrk.format("POST", "/api/v1/purchases", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d seconds=%%f non2xx=%%d errors=%%d p50=%%f p99=%%f\\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def run_wrk(
    port: int, key: str, members: list[str], clients: int, seconds: int
) -> tuple[float, float, float, str]:
    """Drive the server with wrk (C, light on the shared CPU): (commits/s, p50 ms, p99 ms, notes)."""
    script = ROOT / "bench" / "results" / "pos_commit.lua"
    script.parent.mkdir(exist_ok=True)
    script.write_text(WRK_SCRIPT % {"members": ",".join(f'"{m}"' for m in members), "key": key})
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(clients, 2)),
            "-c",
            str(clients),
            "-d",
            f"{seconds}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(
        r"RESULT requests=(\d+) seconds=([\d.]+) non2xx=(\d+) errors=(\d+) p50=([\d.]+) p99=([\d.]+)", out
    )
    if not match:
        raise SystemExit(f"could not read wrk's result from:\n{out}")
    requests, secs, non2xx, errors = int(match[1]), float(match[2]), int(match[3]), int(match[4])
    committed = requests - non2xx - errors
    return committed / secs, float(match[5]), float(match[6]), f"{non2xx} non-2xx, {errors} socket errors"


def run_python_clients(
    port: int, key: str, members: list[str], clients: int, seconds: int
) -> tuple[float, float, float, str]:
    with mp.Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(client, [(port, key, members, float(seconds), n) for n in range(clients)])
        elapsed = time.perf_counter() - started
    latencies = sorted(lat for lats, _ in results for lat in lats)
    statuses: dict[int, int] = {}
    for _, st in results:
        for code, count in st.items():
            statuses[code] = statuses.get(code, 0) + count
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    return statuses.get(201, 0) / elapsed, p50, p99, f"statuses {statuses}"


def run_pgbench(url: str, clients: int, seconds: int) -> float:
    dbname = url.rsplit("/", 1)[1]
    base = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
    subprocess.run(["pgbench", *base, "-i", "-q", "-s", "10", dbname], check=True, capture_output=True)
    out = subprocess.run(
        [
            "pgbench",
            *base,
            "-b",
            "tpcb-like",
            "-c",
            str(clients),
            "-j",
            str(min(clients, 2)),
            "-T",
            str(seconds),
            dbname,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out) or re.search(
        r"tps = ([\d.]+)", out
    )
    if not match:
        raise SystemExit(f"could not read pgbench's TPS from:\n{out}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (wrk when installed: apt-get install wrk)",
    )
    parser.add_argument("--threads", type=int, default=1, help="gthread threads per worker (1: sync workers)")
    args = parser.parse_args()

    url = ensure_database(args.database_url)
    print(f"seeding {args.members} members on {url} ...", flush=True)
    key, members = seed(url, args.members)
    port = free_port()
    server = start_server(url, port, args.workers, args.threads)
    try:
        # Warm-up: each worker parses the configuration and fills its pool.
        client((port, key, members, 2.0, 999))
        print(
            f"driving gunicorn ({args.workers} workers x {args.threads} threads) with {args.clients} "
            f"{args.client} "
            f"clients for {args.seconds} s ...",
            flush=True,
        )
        if args.client == "wrk":
            rate, p50, p99, notes = run_wrk(port, key, members, args.clients, args.seconds)
        else:
            rate, p50, p99, notes = run_python_clients(port, key, members, args.clients, args.seconds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"POS commits: {rate:,.0f} commits/s; p50 {p50:.1f} ms, p99 {p99:.1f} ms ({notes})")
    print(f"pgbench -b tpcb-like -c {args.clients} -T {args.seconds} (scale 10) ...", flush=True)
    tps = run_pgbench(url, args.clients, args.seconds)
    print(f"pgbench: {tps:,.0f} TPS")
    print(f"ratio: {rate / tps:.0%} of pgbench's TPS (target >= 30%); p99 {p99:.1f} ms (target < 25 ms)")


if __name__ == "__main__":
    main()
