"""Programme analytics at scale on PostgreSQL: 1M transactions, 100,000 members, 40 stores.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_analytics .venv/bin/python bench/analytics_bench.py

The database's tables are dropped and re-created (give it a scratch database). Prints, as
medians over --runs: the dashboard's queries (monthly KPIs + cohort table) computed live from the
ledger and read from the rollups; refreshing the rollups; the forecast fit (25,000 members, and
the whole ledger); and the CSV export of every transaction with the child process's peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

import workbench.models  # noqa: F401  (every table, so drop_all sees the workbench's too)
from analytics.kpi.cohorts import cohort_table
from analytics.kpi.report import kpi_report
from analytics.periods import Period
from loyalty_core.db import make_engine, metadata

ROOT = Path(__file__).resolve().parents[1]
FIRST, LAST = dt.date(2025, 12, 1), dt.date(2026, 11, 30)

POPULATE = [
    # 40 stores: 30 retail, 10 wholesale, in 5 cities.
    """INSERT INTO stores (code, name, city, direction, api_key_hash, api_key_prefix, created_at)
       SELECT CASE WHEN i <= 30 THEN 'R' ELSE 'W' END || lpad(i::text, 3, '0'), 'Store ' || i,
              (ARRAY['Moscow','Kazan','Tver','Perm','Omsk'])[1 + i % 5],
              CASE WHEN i <= 30 THEN 'retail' ELSE 'wholesale' END, md5(i::text), '', now()
       FROM generate_series(1, 40) i""",
    """INSERT INTO members (id, phone, name, enrolled_at, enrolled_store_id)
       SELECT md5('m' || i)::uuid, '+7900' || lpad(i::text, 7, '0'), 'Member ' || i,
              timestamptz '2025-12-01 00:00+00' + (i % 330) * interval '1 day', 1 + i % 40
       FROM generate_series(1::bigint, :members) i""",
    """INSERT INTO accounts (member_id, balance, updated_at) SELECT id, 0, now() FROM members""",
    # Purchases: member i % members, a store near the member's own, spread over the year.
    """INSERT INTO transactions (id, kind, member_id, store_id, created_at, check_total, redeemed_points,
                                 redeemed_value, earned_points, points_delta, spend_delta, tier, details)
       SELECT md5('t' || i)::uuid, 'purchase', md5('m' || (1 + (i * 7919) % :members))::uuid,
              1 + ((i * 7919) % :members + i % 3) % 40,
              timestamptz '2025-12-01 00:00+00' + ((i * 104729) % (365 * 24 * 60)) * interval '1 minute',
              round((200 + (i * 31337) % 500000 / 100.0)::numeric, 2), 0, 0, (i * 31337) % 5000 / 100,
              (i * 31337) % 5000 / 100, round((200 + (i * 31337) % 500000 / 100.0)::numeric, 2),
              (ARRAY['base','silver','gold'])[1 + i % 3], '{}'
       FROM generate_series(1::bigint, :transactions) i""",
    """INSERT INTO ledger_entries (account_id, transaction_id, kind, points, created_at)
       SELECT a.id, t.id, 'earn', t.earned_points, t.created_at
       FROM transactions t JOIN accounts a ON a.member_id = t.member_id WHERE t.earned_points > 0""",
    "ANALYZE",
]


def populate(engine: Engine, members: int, transactions: int) -> None:
    with engine.begin() as conn:
        metadata.drop_all(conn)
        metadata.create_all(conn)
        for statement in POPULATE:
            conn.execute(text(statement), {"members": members, "transactions": transactions})


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def dashboard(engine: Engine) -> None:
    with engine.connect() as conn:
        kpi_report(conn, FIRST, LAST, Period.month)
        cohort_table(conn, FIRST, LAST, Period.month)


def export_peak(url: str) -> tuple[float, int, float]:
    """Seconds, rows and peak RSS (MiB) of `workbench export transactions` in a child process."""
    out = Path(tempfile.mkdtemp()) / "transactions.csv"
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/workbench"), "export", "transactions", "-o", str(out)], check=True, env=env,
                   capture_output=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = sum(1 for _ in out.open()) - 1
    return seconds, rows, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-populate", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        sys.exit("set BENCH_DATABASE_URL to a scratch PostgreSQL database (its tables are dropped)")
    engine = make_engine(url)
    if not args.skip_populate:
        started = time.perf_counter()
        populate(engine, args.members, args.transactions)
        print(f"populated {args.transactions:,} transactions, {args.members:,} members in {time.perf_counter() - started:.1f} s")
    print(f"dashboard live (monthly KPIs + cohort table): {median_seconds(lambda: dashboard(engine), args.runs):.2f} s")
    with engine.connect() as conn:
        for unit in (Period.week, Period.day):
            print(f"KPIs live by {unit.value} and store: "
                  f"{median_seconds(lambda: kpi_report(conn, FIRST, LAST, unit), 1):.2f} s")
    seconds, rows, peak = export_peak(url)
    print(f"CSV export: {rows:,} transactions in {seconds:.1f} s, peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
