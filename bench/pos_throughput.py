"""POS commit throughput through the real HTTP server on PostgreSQL, beside pgbench.

    .venv/bin/python bench/pos_throughput.py [--seconds 20] [--clients 4] [--workers 2]

What it does, in one run on one database (default: `loyalty_bench` on 127.0.0.1:5432, created
if missing; or --database-url):
1. recreates the core's tables and seeds a programme, one store and --members members, each
   with one earlier purchase so some commits can redeem;
2. serves the POS API alone with the command `workbench pos serve` runs
   (workbench.serving.pos_argv: granian, WORKERS workers, its access log to
   bench/results/server.log; or `--server gunicorn`) and drives it from --clients clients
   (wrk's connections), each committing receipts back to back (3-6 lines, a fresh
   Idempotency-Key each, one in five redeeming points) for --seconds; prints commits/s and the
   p50/p99 latency seen by the clients;
3. runs `pgbench -b tpcb-like` with the same number of clients for the same time on the same
   database and prints its TPS and the ratio commits/s / pgbench TPS.
4. (--history) does the same on a second database whose members each carry about 100 earlier
   purchases (seeded in SQL), so costs that grow with a member's history show;
5. measures PostgreSQL's CPU: the user+system CPU of the backends serving the POS (by their
   application_name) over the commit run, and of pgbench's backends over its run, read from
   /proc every 0.1 s; per commit, per tpcb transaction and their ratio. The app's CPU per
   commit is that of the server's processes. pg_stat_statements needs a preload and a restart of
   the shared server, so the backends' own CPU is what is measured. Beside it, the WAL written
   per commit, and how many checkpoints began during the commits (the seeding's is taken
   before the first run);
6. where the database has the POS's PL/pgSQL commit (`pos_commit_purchase`, PostgreSQL fast
   path), runs "the SQL floor": pgbench with a custom script of the commit's own two
   statements (the read and the function call), same clients, same time.
7. (--paced 0.8, the default) right after the saturated run, the latency at that share of its
   rate: wrk's connections pause a random (exponential) time before each request, calibrated on
   two 3-second runs; without wrk, the open-loop sender of bench/pos_paced.py;
8. (--server gunicorn) the same app under gunicorn's sync workers instead of granian.
Each figure is the median of --runs runs; `uptime` is printed with each run, because the
machine is shared and only the ratios measured in the same run compare.
Targets (issue 13, 4 clients): commits/s >= 0.3x pgbench tpcb and >= 0.7x the SQL floor;
PostgreSQL CPU per commit <= 0.8 ms, not growing with history; app CPU per commit <= 0.6 ms;
p99 < 15 ms at 80% of the saturated rate on a quiet machine.
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
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pos_paced import purchase_body, run_paced  # noqa: E402  (bench/, beside this script)

from loyalty_core import models  # noqa: E402,F401
from loyalty_core.config import service as config_service  # noqa: E402
from loyalty_core.db import make_engine, make_session_factory, metadata  # noqa: E402
from loyalty_core.engine import BasketLine  # noqa: E402
from loyalty_core.ledger import service as ledger  # noqa: E402
from loyalty_core.stores import service as store_service  # noqa: E402
from workbench.serving import pos_argv  # noqa: E402

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


APP_NAME = "pos_bench"
SERVER_LOG = ROOT / "bench" / "results" / "server.log"
TICKS = os.sysconf("SC_CLK_TCK")


def ensure_database(url: str | None, name: str) -> str:
    """The bench's own database `name` (created with createdb if missing), or --database-url."""
    if url:
        return url
    listed = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SELECT datname FROM pg_database"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    if name not in listed:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def seed(url: str, members: int, history: int) -> tuple[str, list[str]]:
    """A programme, a store, `members` members with one purchase each, plus `history` more each."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("DROP TABLE IF EXISTS pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers")
        )
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
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
    if history:
        with engine.begin() as conn:
            seed_history(conn, store.id, version.id, history)
    # VACUUM too: the seeding's updates leave dead rows (a member's monthly spend rows spread
    # over dozens of pages), which a database that has run for a while would not have.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return key, ids


# `history` earlier purchases per member, spread over the last 400 days (so some have left the
# 365-day window), each of 3 lines, 50 points earned into a bucket that has not expired yet: the
# ledger's invariants hold (balance = sum of entries = sum of buckets' remaining).
HISTORY_SQL = [
    """CREATE TEMP TABLE hist AS
       SELECT a.member_id, a.id AS account_id, g AS n,
              (now() - make_interval(days => 4 + (g * 396) / :history, secs => random() * 3600)) AS at,
              gen_random_uuid() AS id
       FROM accounts a, generate_series(1, :history) g""",
    """INSERT INTO transactions (id, kind, member_id, store_id, config_version_id, receipt_no, created_at,
         recorded_at, check_total, redeemed_points, redeemed_value, earned_points, points_delta,
         spend_delta, spend_at, tier, details)
       SELECT id, 'purchase', member_id, :store, :version, NULL, at, at, 1000.00, 0, 0, 50, 50,
              1000.00, at, 'base', '{}'::json FROM hist""",
    """INSERT INTO transaction_lines (transaction_id, line_no, sku, category, quantity, amount,
         redeemed_points, redeemed_value, points, returned_quantity, reversed_points, refunded_points,
         returned_amount, returned_paid)
       SELECT h.id, l, 'SKU' || l, 'bakery', 1, CASE l WHEN 1 THEN 400.00 ELSE 300.00 END, 0, 0,
              CASE l WHEN 1 THEN 20 ELSE 15 END, 0, 0, 0, 0, 0
       FROM hist h, generate_series(1, 3) l""",
    """INSERT INTO ledger_entries (account_id, transaction_id, kind, points, created_at)
       SELECT account_id, id, 'earn', 50, at FROM hist""",
    """INSERT INTO earn_buckets (account_id, transaction_id, earned_at, expires_at, points, remaining)
       SELECT account_id, id, at, now() + interval '400 days', 50, 50 FROM hist""",
    """UPDATE accounts a SET balance = a.balance + 50 * :history,
         next_expiry_at = LEAST(a.next_expiry_at, now() + interval '400 days')""",
    "DROP TABLE hist",
]


def seed_history(conn: Any, store_id: int, version_id: int, history: int) -> None:
    for sql in HISTORY_SQL:
        conn.execute(text(sql), {"history": history, "store": store_id, "version": version_id})


class BackendCpu:
    """CPU (user + system) of the PostgreSQL backends of one application on one database.

    A thread lists the backends every 0.1 s (pg_stat_activity) and reads each one's CPU from
    /proc; a backend's share is its last reading minus its reading when the phase began (0 for
    one that started during the phase). Backends that exit lose at most their last 0.1 s.
    """

    def __init__(self, database: str, application: str) -> None:
        self.database, self.application = database, application
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.conn = psycopg.connect(
            f"host=127.0.0.1 user=postgres dbname={database} application_name=cpu_sampler", autocommit=True
        )

    def _pids(self) -> list[int]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name LIKE %s",
            (self.database, self.application + "%"),
        ).fetchall()
        return [int(row[0]) for row in rows]

    def _sample(self, initial: bool) -> None:
        for pid in self._pids():
            ticks = process_ticks(pid)
            if ticks is None:
                continue
            if pid not in self.first:
                self.first[pid] = ticks if initial else 0
            self.last[pid] = ticks

    def _run(self) -> None:
        while not self.stop.is_set():
            self._sample(False)
            self.stop.wait(0.1)

    def __enter__(self) -> BackendCpu:
        self._sample(True)
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._sample(False)
        self.stop.set()
        self.thread.join()
        self.conn.close()

    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last) / TICKS


def process_ticks(pid: int) -> int | None:
    """utime + stime of a process in clock ticks (None once it has exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def tree_ticks(pid: int) -> int:
    """utime + stime of a process and its children (gunicorn's master and workers)."""
    total = process_ticks(pid) or 0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(tree_ticks(int(child)) for child in children)


def load() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, argv: list[str], lane: bool = True) -> subprocess.Popen[bytes]:
    """Serves `argv` (`server_argv`) on the bench's database; its output, granian's or gunicorn's
    access log included, goes to bench/results/server.log (the last server's)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"{url}?application_name={APP_NAME}",
        "PYTHONPATH": str(ROOT),
        "POS_TILL_LANE": "1" if lane else "0",
    }
    SERVER_LOG.parent.mkdir(exist_ok=True)
    with SERVER_LOG.open("wb") as log:  # the child keeps its own copy of the descriptor
        server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
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
    raise SystemExit(f"the server did not start within 30 s (see {SERVER_LOG})")


def server_argv(args: argparse.Namespace, port: int) -> list[str]:
    """The POS's server exactly as `workbench pos serve` runs it (workbench.serving.pos_argv)."""
    return pos_argv(args.server, "127.0.0.1", port, args.workers, args.threads)


def client(args: tuple[int, str, list[str], float, int]) -> tuple[list[float], dict[int, int]]:
    port, key, members, seconds, seed_no = args
    rng = random.Random(seed_no)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        payload = json.dumps(purchase_body(rng, members))
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
  headers["Idempotency-Key"] = "%(run)s-" .. tid .. "-" .. counter
  return wrk.format("POST", "/api/v1/purchases", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d seconds=%%f non2xx=%%d errors=%%d p50=%%f p99=%%f\\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


# Pacing for wrk: before each request a connection waits a random, exponentially distributed
# pause, so the connections together send at about the asked rate, as tills arriving at random.
WRK_PACING = """
function delay()
  -- wrk sleeps whole milliseconds: rounding up with the fraction's probability keeps the
  -- mean pause what was asked (a plain floor took half a millisecond off each pause)
  return math.floor(-math.log(1 - math.random()) * %(mean_ms)f + math.random())
end
"""


def run_wrk(
    port: int, key: str, members: list[str], clients: int, seconds: int, pause_ms: float = 0.0
) -> tuple[float, float, float, str]:
    """Drive the server with wrk (C, light on the shared CPU): (commits/s, p50 ms, p99 ms, notes).

    With `pause_ms`, each connection pauses that long on average before each request."""
    script = ROOT / "bench" / "results" / "pos_commit.lua"
    script.parent.mkdir(exist_ok=True)
    members_lua = ",".join(f'"{m}"' for m in members)
    lua = WRK_SCRIPT % {"members": members_lua, "key": key, "run": uuid.uuid4().hex[:12]}
    script.write_text(lua + (WRK_PACING % {"mean_ms": pause_ms} if pause_ms else ""))
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


PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]


def init_pgbench(dbname: str) -> None:
    subprocess.run(["pgbench", *PG, "-i", "-q", "-s", "10", dbname], check=True, capture_output=True)


def checkpoint(dbname: str) -> None:
    """The seeding and pgbench's tables wrote a few hundred MB of WAL: the checkpoint they call
    for is taken before the first run, not inside it."""
    subprocess.run(["psql", *PG, "-qc", "CHECKPOINT", dbname], check=True, capture_output=True)


def server_counters() -> tuple[int, int]:
    """(checkpoints started, WAL position in bytes): a checkpoint inside a run, and the full
    page images written after one, show in these."""
    out = subprocess.run(
        [
            "psql",
            *PG,
            "-AtF",
            " ",
            "-c",
            "SELECT checkpoints_timed + checkpoints_req, pg_current_wal_lsn() - '0/0' FROM pg_stat_bgwriter",
            "postgres",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return int(out[0]), int(out[1])


def run_pgbench(dbname: str, clients: int, seconds: int, script: list[str]) -> tuple[float, float]:
    """pgbench with `script` (e.g. ["-b", "tpcb-like"]): (TPS, backend CPU seconds per transaction)."""
    env = {**os.environ, "PGAPPNAME": "pgbench_bench"}
    command = ["pgbench", *PG, *script, "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds)]
    with BackendCpu(dbname, "pgbench_bench") as cpu:
        out = subprocess.run([*command, dbname], check=True, capture_output=True, text=True, env=env).stdout
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out) or re.search(
        r"tps = ([\d.]+)", out
    )
    done = re.search(r"number of transactions actually processed: (\d+)", out)
    if not match or not done:
        raise SystemExit(f"could not read pgbench's TPS from:\n{out}")
    return float(match.group(1)), cpu.seconds() / max(1, int(done.group(1)))


def floor_script(url: str, members: list[str]) -> Path | None:
    """A pgbench script of the fast path's own two statements, or None (no fast path here).

    The read is the API's statement (ledger.fastpath.READ_BY_MEMBER) with pgbench variables
    for its parameters, for a random member of the seeded ones; its results feed the commit
    (\\gset), a 4-line purchase earning 50 points with a response and details of the size the
    API writes. Both run prepared (-M prepared), as psycopg runs the API's.
    """
    from loyalty_core.ledger import fastpath

    engine = make_engine(url)
    with engine.begin() as conn:
        if not conn.scalar(text("SELECT to_regproc('pos_commit_purchase') IS NOT NULL")):
            return None
        conn.execute(text("DROP TABLE IF EXISTS bench_members"))
        conn.execute(text("CREATE TABLE bench_members (n INTEGER PRIMARY KEY, id UUID NOT NULL)"))
        conn.execute(
            text("INSERT INTO bench_members SELECT row_number() OVER (ORDER BY id), id FROM members")
        )
        store_id, key_hash, version = conn.execute(
            text("SELECT id, api_key_hash, active_version_id FROM stores WHERE code = 'B001'")
        ).one()
    engine.dispose()
    values = {
        "at": "now()",
        "since": "(now() - interval '366 days')",
        "key": "('floor-' || :client_id || '-' || :k)",
        "store": str(store_id),
        "hash": f"'{key_hash}'",
        "member": "(SELECT id FROM bench_members WHERE n = :m)",
    }
    read = re.sub(r"%\((\w+)\)s", lambda m: values[m.group(1)], fastpath.READ_BY_MEMBER)
    read = read.replace("SELECT s.code,", "SELECT s.code AS code,", 1)
    read = re.sub(r"\s+", " ", read)
    read = read.replace(
        "a.id, a.member_id, a.balance, a.next_expiry_at, m.birthday, CASE",
        "a.id AS acc, a.member_id AS mem, a.balance AS bal, a.next_expiry_at AS nexp, "
        "m.birthday AS bday, CASE",
    ).replace(" END FROM stores", " END AS spend FROM stores")
    response = json.dumps(
        {"lines": [{"line": n, "sku": f"SKU{n}", "points": 12} for n in range(4)], "pad": "x" * 1200}
    )
    details = json.dumps(
        {"promotions": [], "not_applied": [{"code": "BIG", "reason": "x" * 60}], "pad": "y" * 400}
    )
    commit = (
        f"SELECT pos_commit_purchase({store_id}, 'floor-' || :client_id || '-' || :k, 'h', "
        f"'{response}'::json, now(), gen_random_uuid(), :mem::uuid, :acc, {version}, NULL::text, now(), "
        "now() - interval '366 days', :bal::bigint, :nexp::timestamptz, :spend::numeric, "
        "1000.00, 0, 0, 50, 1000.00, 'base', "
        f"'{details}'::json, now() + interval '366 days', "
        "ARRAY[1,2,3,4], ARRAY['A','B','C','D'], ARRAY['dairy','bakery','meat','drinks'], "
        "ARRAY[1,2,1,3]::numeric[], ARRAY[250.00,250.00,250.00,250.00]::numeric[], "
        "ARRAY[0,0,0,0]::bigint[], ARRAY[0,0,0,0]::numeric[], ARRAY[14,12,12,12]::bigint[])"
    )
    script = (
        f"\\set m random(1, {len(members)})\n\\set k random(1, 2000000000)\n"
        f"{read.replace('%%', '%')} \\gset\n{commit};\n"
    )
    path = ROOT / "bench" / "results" / "pos_floor.sql"
    path.parent.mkdir(exist_ok=True)
    path.write_text(script)
    return path


def _paced_run(
    args: argparse.Namespace, port: int, key: str, members: list[str], saturated: float
) -> tuple[float, float, float, str]:
    """Latency at `args.paced` of the saturated rate. With wrk: each connection pauses between
    requests so that the whole sends about that rate (a request's time in service, 1/saturated
    per worker, is taken off the pause); else the open-loop Python sender of pos_paced.py, whose
    own CPU then competes with the server's on this machine."""
    target = saturated * args.paced
    if args.client == "wrk":
        cycle_ms = 1000 * args.clients / target  # each connection's pause + answer, on average
        pause_ms = max(0.1, cycle_ms - 1000 * args.workers / saturated)
        for _ in range(2):  # calibrate: a short run tells the answer time at about this load
            achieved, *_ = run_wrk(port, key, members, args.clients, 3, pause_ms)
            pause_ms = max(0.1, pause_ms + cycle_ms - 1000 * args.clients / max(achieved, 1.0))
        return run_wrk(port, key, members, args.clients, args.seconds, pause_ms)
    achieved, p50, p99, statuses = run_paced(port, key, members, target, args.seconds)
    return achieved, p50, p99, f"open loop, statuses {statuses}"


def one_run(args: argparse.Namespace, url: str, key: str, members: list[str]) -> dict[str, float]:
    dbname = url.rsplit("/", 1)[1]
    port = free_port()
    server = start_server(url, port, server_argv(args, port), not args.no_lane)
    try:
        client((port, key, members, 2.0, 999))  # warm-up: each worker parses the configuration
        checkpoints_before, wal_before = server_counters()
        before = tree_ticks(server.pid)
        with BackendCpu(dbname, APP_NAME) as cpu:
            if args.client == "wrk":
                rate, p50, p99, notes = run_wrk(port, key, members, args.clients, args.seconds)
            else:
                rate, p50, p99, notes = run_python_clients(port, key, members, args.clients, args.seconds)
        app_seconds = (tree_ticks(server.pid) - before) / TICKS
        checkpoints_after, wal_after = server_counters()
        if args.paced:
            paced = _paced_run(args, port, key, members, rate)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    commits = rate * args.seconds
    figures = {
        "commits/s": rate,
        "p50 ms": p50,
        "p99 ms": p99,
        "pg ms/commit": cpu.seconds() * 1000 / max(1, commits),
        "app ms/commit": app_seconds * 1000 / max(1, commits),
        "WAL KB/commit": (wal_after - wal_before) / 1024 / max(1, commits),
    }
    print(
        f"  POS: {rate:,.0f} commits/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms ({notes}; "
        f"checkpoints during them: {checkpoints_after - checkpoints_before})",
        flush=True,
    )
    if args.paced:
        paced_rate, paced_p50, paced_p99, paced_notes = paced
        figures |= {
            "paced share": paced_rate / rate,
            "paced p50 ms": paced_p50,
            "paced p99 ms": paced_p99,
        }
        print(
            f"  paced at {paced_rate / rate:.0%} of that ({paced_rate:,.0f} commits/s): "
            f"p50 {paced_p50:.1f} ms, p99 {paced_p99:.1f} ms ({paced_notes})",
            flush=True,
        )
    tps, tpcb_cpu = run_pgbench(dbname, args.clients, args.seconds, ["-b", "tpcb-like"])
    figures |= {"tpcb TPS": tps, "pg ms/tpcb": tpcb_cpu * 1000}
    script = floor_script(url, members)
    if script is not None:
        floor, floor_cpu = run_pgbench(
            dbname, args.clients, args.seconds, ["-n", "-M", "prepared", "-f", str(script)]
        )
        figures |= {"floor TPS": floor, "pg ms/floor": floor_cpu * 1000}
    figures["ratio tpcb"] = rate / tps
    figures["pg cpu ratio"] = figures["pg ms/commit"] / figures["pg ms/tpcb"]
    if "floor TPS" in figures:
        figures["ratio floor"] = rate / figures["floor TPS"]
    print("  " + ", ".join(f"{name} {value:,.3f}" for name, value in figures.items()), flush=True)
    return figures


def dataset(args: argparse.Namespace, name: str, history: int) -> dict[str, float]:
    url = ensure_database(args.database_url, name)
    print(f"[{name}] seeding {args.members} members (+{history} purchases each) on {url} ...", flush=True)
    key, members = seed(url, args.members, history)
    init_pgbench(url.rsplit("/", 1)[1])
    checkpoint(url.rsplit("/", 1)[1])
    runs = []
    for n in range(args.runs):
        print(f"[{name}] run {n + 1}/{args.runs}, load average {load()}", flush=True)
        runs.append(one_run(args, url, key, members))
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="one database for every data set (default: bench_pos*)")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3, help="runs per data set; medians are printed")
    parser.add_argument("--history", type=int, default=99, help="earlier purchases per member (0: skip)")
    parser.add_argument("--no-fresh", action="store_true", help="only the data set with history")
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (wrk when installed: apt-get install wrk)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker (gunicorn: gthread; granian: blocking threads)",
    )
    parser.add_argument(
        "--server", choices=["gunicorn", "granian"], default="granian", help="the POS's HTTP server"
    )
    parser.add_argument(
        "--paced",
        type=float,
        default=0.8,
        help="then send at this share of the saturated rate, open loop, for p50/p99 (0: skip)",
    )
    parser.add_argument("--no-lane", action="store_true", help="every request through Flask (api.lane off)")
    args = parser.parse_args()
    print(
        f"{args.server} {args.workers} workers x {args.threads} threads, "
        f"{'Flask alone' if args.no_lane else 'till lane'}, "
        f"{args.clients} {args.client} clients, "
        f"{args.seconds} s a phase, {args.runs} runs; load average {load()}",
        flush=True,
    )
    results = {}
    if not args.no_fresh:
        results["fresh"] = dataset(args, "bench_pos", 0)
    if args.history:
        results[f"history {args.history + 1}/member"] = dataset(args, "bench_pos_history", args.history)
    print(f"\nmedians of {args.runs} runs (load average now {load()}):")
    for name, figures in results.items():
        print(f"{name}: " + ", ".join(f"{k} {v:,.3f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
