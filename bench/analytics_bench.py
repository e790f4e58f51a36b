"""Programme analytics at scale on PostgreSQL: 1M transactions, 100,000 members, 40 stores.

    export BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_analytics
    .venv/bin/python bench/analytics_bench.py

The database's tables are dropped and re-created (give it a scratch database). Prints, as
medians over --runs: the dashboard's queries (monthly KPIs + cohort table) computed live from the
ledger and read from the rollups; refreshing the rollups; the forecast fit (25,000 members, and
the whole ledger); and the CSV export of every transaction with the child process's peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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
from analytics.forecast.members import fit_summary, ledger_purchases
from analytics.forecast.summary import summarise
from analytics.kpi.cohorts import cohort_table
from analytics.kpi.facts import Dimension
from analytics.kpi.report import kpi_report
from analytics.periods import Period
from analytics.rollups.refresh import refresh_rollups, rollup_cohorts
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
    """INSERT INTO transactions (id, kind, member_id, store_id, created_at, recorded_at, spend_at,
                                 check_total, redeemed_points, redeemed_value, earned_points, points_delta,
                                 spend_delta, tier, details)
       SELECT md5('t' || i)::uuid, 'purchase', md5('m' || (1 + (i * 7919) % :members))::uuid,
              1 + ((i * 7919) % :members + i % 3) % 40, at, at, at,
              round((200 + (i * 31337) % 500000 / 100.0)::numeric, 2), 0, 0, (i * 31337) % 5000 / 100,
              (i * 31337) % 5000 / 100, round((200 + (i * 31337) % 500000 / 100.0)::numeric, 2),
              (ARRAY['base','silver','gold'])[1 + i % 3], '{}'
       FROM (SELECT i, timestamptz '2025-12-01 00:00+00'
                       + ((i * 104729) % (365 * 24 * 60)) * interval '1 minute' AS at
             FROM generate_series(1::bigint, :transactions) i) g""",
    """INSERT INTO ledger_entries (account_id, transaction_id, kind, points, created_at)
       SELECT a.id, t.id, 'earn', t.earned_points, t.created_at
       FROM transactions t JOIN accounts a ON a.member_id = t.member_id WHERE t.earned_points > 0""",
    # Till totals of every store-day with sales: card sales are about 62% of a till's day.
    """INSERT INTO till_totals (store_id, day, total, source, imported_at)
       SELECT store_id, (created_at AT TIME ZONE 'UTC')::date, round(sum(check_total) / 0.62, 2),
              'bench', now()
       FROM transactions GROUP BY 1, 2""",
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


def dashboard(engine: Engine, rollups: bool = False) -> None:
    """What the dashboard page reads: monthly KPIs and the cohort table."""
    with engine.connect() as conn:
        report = kpi_report(conn, FIRST, LAST, Period.month, use_rollups=rollups)
        assert (report.as_of is not None) == rollups
        if rollups:
            assert rollup_cohorts(conn, FIRST, LAST, Period.month) is not None
        else:
            cohort_table(conn, FIRST, LAST, Period.month)


def refresh(engine: Engine, units: tuple[Period, ...], dimensions: tuple[Dimension | None, ...]) -> None:
    with engine.begin() as conn:
        refresh_rollups(conn, units, dimensions, now=dt.datetime(2026, 11, 30, 23, tzinfo=dt.UTC))


def forecast(engine: Engine, members: int) -> tuple[float, float, int]:
    """Seconds to read the purchases and to fit, on the first `members` members' purchases."""
    started = time.perf_counter()
    with engine.connect() as conn:
        rows = list(ledger_purchases(conn))
    wanted = set(sorted({member for member, _day, _amount in rows})[:members])
    summary = summarise((r for r in rows if r[0] in wanted), LAST)
    read = time.perf_counter() - started
    started = time.perf_counter()
    fit_summary(summary)
    return read, time.perf_counter() - started, len(summary)


def _peak_of(args: list[str], url: str) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of `workbench ARGS`, measured by a small Python parent: the
    peak of a child forked from this (large) process would include this process's pages."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT / ".venv/bin/workbench"), *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    seconds, peak = out.stdout.split()
    return float(seconds), float(peak)


def export_peak(url: str) -> tuple[float, int, float, float]:
    """`workbench export transactions`: seconds, rows, peak MiB, and the peak of the command
    doing nothing (Flask, numpy, scipy, matplotlib imported) for comparison."""
    out = Path(tempfile.mkdtemp()) / "transactions.csv"
    _, baseline = _peak_of(["export", "--help"], url)
    seconds, peak = _peak_of(["export", "transactions", "-o", str(out)], url)
    with out.open() as handle:
        rows = sum(1 for _ in handle) - 1
    return seconds, rows, peak, baseline


def till_figures(engine: Engine, runs: int) -> tuple[float, float, int]:
    """The card share's own cost: its facts for a year of months (the join of every transaction
    to its store-day's till total), and re-importing every till total as a client's CSV."""
    from analytics.kpi.facts import FactTable, Window, _till_totals
    from analytics.tills.store import import_till_totals

    window = Window.of(Period.month, FIRST, LAST)

    def facts() -> None:
        with engine.connect() as conn:
            _till_totals(conn, FactTable(window, None))

    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT s.code, t.day, t.total FROM till_totals t JOIN stores s ON s.id = t.store_id")
        ).all()
    content = ("store,date,total\n" + "".join(f"{c},{d.isoformat()},{t}\n" for c, d, t in rows)).encode()

    def reimport() -> None:
        with engine.begin() as conn:
            import_till_totals(conn, "tills.csv", content, dt.datetime.now(dt.UTC))

    return median_seconds(facts, runs), median_seconds(reimport, runs), len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-populate", action="store_true")
    parser.add_argument("--only-export", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        sys.exit("set BENCH_DATABASE_URL to a scratch PostgreSQL database (its tables are dropped)")
    engine = make_engine(url)
    if not args.skip_populate:
        started = time.perf_counter()
        populate(engine, args.members, args.transactions)
        print(
            f"populated {args.transactions:,} transactions, {args.members:,} members in "
            f"{time.perf_counter() - started:.1f} s"
        )
    if args.only_export:
        seconds, rows, peak, baseline = export_peak(url)
        print(
            f"CSV export: {rows:,} transactions in {seconds:.1f} s, peak memory {peak:.0f} MiB "
            f"(the command doing nothing: {baseline:.0f} MiB)"
        )
        return
    print(
        "dashboard live (monthly KPIs + cohort table): "
        f"{median_seconds(lambda: dashboard(engine), args.runs):.2f} s"
    )
    everything = (None, *Dimension)
    print(
        f"rollup refresh, month x programme+4 dimensions: "
        f"{median_seconds(lambda: refresh(engine, (Period.month,), everything), 1):.1f} s"
    )
    print(
        f"rollup refresh, week and day x programme: "
        f"{median_seconds(lambda: refresh(engine, (Period.week, Period.day), (None,)), 1):.1f} s"
    )
    print(
        "dashboard from rollups: "
        f"{median_seconds(lambda: dashboard(engine, rollups=True), args.runs) * 1000:.0f} ms"
    )
    facts_seconds, import_seconds, lines = till_figures(engine, args.runs)
    print(
        f"card share facts (month x programme, each transaction joined to its till total): "
        f"{facts_seconds:.1f} s; till totals import of {lines:,} lines, all replacing: {import_seconds:.2f} s"
    )
    read, fit, fitted = forecast(engine, 25_000)
    print(
        f"forecast: {fitted:,} members, reading purchases {read:.1f} s, BG/NBD + Gamma-Gamma fit {fit:.2f} s"
    )
    seconds, rows, peak, baseline = export_peak(url)
    print(
        f"CSV export: {rows:,} transactions in {seconds:.1f} s, peak memory {peak:.0f} MiB "
        f"(the command doing nothing: {baseline:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
