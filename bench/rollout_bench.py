"""The rollout at chain size: a 10,000-store register, switching and rolling back all of it, the pages.

    .venv/bin/python bench/rollout_bench.py [--stores 10000] [--database-url postgresql://...] [--runs 5]

On a fresh database (a temporary SQLite file by default; with --database-url the core's and the
workbench's tables there are dropped and recreated, so give it a database of its own):
1. imports a generated register of --stores stores (CSV, 4 regions, 3 time zones) through
   `rollout.register.import_register` and commits: the import's wall time (target < 10 s);
2. assigns v1 everywhere, creates a plan of v2 with a 5-store pilot and a second wave holding every
   other store (9,995 of 10,000), and advances it (override: the gate is closed) with the switch
   effective now:
   the time from the start of `advance` to the first POS request (the real /api/v1 app, in
   process) that runs v2, in a store of the wave chosen at random (target < 1 s);
3. rolls the whole plan back and times the same way until a POS request runs v1 again;
   then schedules all stores onto v2 two seconds ahead (as a wave at "03:00" does) and times,
   from that moment, the first POS request that runs v2;
4. times the rollout pages as a signed-in rollout manager (Flask test client: routing, queries,
   rendering; no network), median of --runs after one warm-up (target < 300 ms each); the plan
   page once before wave 2 advances too (its gate evaluated over the 9,995 stores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import select  # noqa: E402

from loyalty_core.api import init_api  # noqa: E402
from loyalty_core.config import service as config_service  # noqa: E402
from loyalty_core.db import metadata  # noqa: E402
from loyalty_core.ledger import service as ledger  # noqa: E402
from loyalty_core.stores import service as store_service  # noqa: E402
from loyalty_core.stores.models import Store  # noqa: E402
from rollout import register  # noqa: E402
from rollout import service as rollout  # noqa: E402
from workbench import create_app  # noqa: E402
from workbench.auth import service as auth  # noqa: E402
from workbench.extensions import db  # noqa: E402
from workbench.projects import members  # noqa: E402
from workbench.projects.enums import ProjectRole  # noqa: E402
from workbench.projects.service import create_project  # noqa: E402

V1 = (
    "program: Bench v1\nearn: {base_rate: 1}\nredemption: {point_value: '1.00', max_share: 30, min_points: "
    "0}\n"
)
V2 = (
    "program: Bench v2\nearn: {base_rate: 5}\nredemption: {point_value: '1.00', max_share: 30, min_points: "
    "0}\n"
)
REGIONS = [
    ("Москва", "Europe/Moscow"),
    ("Северо-Запад", "Europe/Moscow"),
    ("Поволжье", "Europe/Samara"),
    ("Урал", "Asia/Yekaterinburg"),
]


def register_csv(n: int) -> bytes:
    lines = ["code,name,direction,region,city,timezone,format,opened on,status"]
    for i in range(1, n + 1):
        region, tz = REGIONS[i % 4]
        direction, prefix = ("wholesale", "W") if i % 3 == 0 else ("retail", "R")
        lines.append(
            f"{prefix}{i:05d},Store {i},{direction},{region},City {i % 97},{tz},convenience,2020-01-01,open"
        )
    return ("\n".join(lines) + "\n").encode()


def timed(label: str, target_ms: float, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    ms = (time.perf_counter() - start) * 1000
    print(f"{label:<58} {ms:9.1f} ms   (target < {target_ms:.0f} ms) {'OK' if ms < target_ms else 'OVER'}")
    return result


def first_request_on(pos: Flask, key: str, member: str, label: str, started: float) -> float:
    """Seconds from `started` to the first quote that runs `label` (polls back to back)."""
    client = pos.test_client()
    body = {
        "member_id": member,
        "redeem_points": 0,
        "lines": [{"sku": "A", "category": "grocery", "quantity": "1", "amount": "100.00"}],
    }
    for _ in range(10_000):
        response = client.post(
            "/api/v1/purchases/quote", json=body, headers={"Authorization": f"Bearer {key}"}
        )
        if response.get_json().get("config_version") == label:
            return time.perf_counter() - started
    raise SystemExit(f"the POS never ran {label}")


def v2_of(session):  # type: ignore[no-untyped-def]
    return config_service.get_version(session, "v2")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stores", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/rollout-bench.db"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "BABEL_DEFAULT_LOCALE": "en",
        },
        instance_path=tempfile.mkdtemp(),
    )
    with app.app_context():
        metadata.drop_all(db.engine)
        metadata.create_all(db.engine)
        session = db.session()
        manager = auth.create_user(session, "rollout", "bench-password-1", "rollout_manager", actor="bench")
        project = create_project(session, "BENCH", "Bench chain", actor="bench")
        members.add_member(session, project, manager, ProjectRole.member, actor="bench")
        v1 = config_service.create_version(session, "v1", V1, created_by="bench")
        v2 = config_service.create_version(session, "v2", V2, created_by="bench")
        config_service.approve(session, v1, approved_by="bench")
        config_service.approve(session, v2, approved_by="bench")
        session.commit()
        content = register_csv(args.stores)
        print(f"rollout bench: {args.stores} stores on {db.engine.dialect.name}")

        def do_import() -> register.ImportResult:
            result = register.import_register(session, "register.csv", content)
            session.commit()
            return result

        result = timed(f"register import ({args.stores} stores, CSV)", 10_000, do_import)
        assert result.created == args.stores
        timed(f"register re-import (upsert, {args.stores} updates)", 10_000, do_import)
        now = dt.datetime.now(dt.UTC)
        store_service.schedule_versions(
            session,
            v1,
            {sid: now - dt.timedelta(days=1) for sid in session.scalars(select(Store.id))},
            source="bench",
        )
        session.commit()
        codes = list(session.scalars(select(Store.code).order_by(Store.code)))
        pilot = [c for c in codes if c.startswith("R")][:3] + [c for c in codes if c.startswith("W")][:2]
        plan = rollout.create_plan(session, "BENCH", v2, pilot, actor="bench", now=now)
        rollout.advance(session, plan, actor="bench", now=now)
        rest = [c for c in codes if c not in pilot]
        wave = rollout.add_wave(session, plan, now=now, codes=rest)
        session.commit()
        probe = random.Random(5).choice([c for c in codes if c not in pilot and c.startswith("R")])
        key = store_service.rotate_key(session, store_service.get_store(session, probe))
        member = str(ledger.enroll(session, phone="+79160000001").id)
        session.commit()
        pos = Flask("bench-pos")
        init_api(pos, db.engine)
        wave_size = len(wave.stores)
        plan_id = plan.id

    client = app.test_client()
    client.post("/login", data={"username": "rollout", "password": "bench-password-1"})
    # Before advancing: the plan page evaluates the gate before the 9,995-store wave 2.
    time_page(
        client, f"/rollout/plans/{plan_id}", args.runs, f"/rollout/plans/{plan_id} (gate before wave 2)"
    )

    with app.app_context():
        session = db.session()
        started = time.perf_counter()
        plan = rollout.get_plan(session, plan_id)
        rollout.advance(session, plan, actor="bench", now=dt.datetime.now(dt.UTC), override_reason="bench")
        session.commit()
        committed = time.perf_counter() - started
        seen = first_request_on(pos, key, member, "v2", started)
        print(
            f"switch of wave 2 ({wave_size} stores): advance committed in {committed * 1000:.0f} ms, "
            f"first POS request on v2 after {seen * 1000:.0f} ms (target < 1000 ms) "
            f"{'OK' if seen < 1 else 'OVER'}"
        )

        started = time.perf_counter()
        plan = rollout.get_plan(session, plan_id)
        back = rollout.rollback(session, plan, reason="bench", now=dt.datetime.now(dt.UTC))
        session.commit()
        committed = time.perf_counter() - started
        seen = first_request_on(pos, key, member, "v1", started)
        print(
            f"rollback of the plan ({back.switched_back_count} stores): committed in "
            f"{committed * 1000:.0f} ms, first POS request on v1 after {seen * 1000:.0f} ms "
            f"(target < 1000 ms) {'OK' if seen < 1 else 'OVER'}"
        )

    with app.app_context():
        # The usual case: a wave scheduled ahead (03:00 local). The switches are data written at
        # advance; when the moment comes nothing has to run: the next request resolves v2.
        session = db.session()
        ids = list(session.scalars(select(Store.id)))
        moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
        store_service.schedule_versions(
            session, v2_of(session), dict.fromkeys(ids, moment), source="bench scheduled"
        )
        session.commit()
        while dt.datetime.now(dt.UTC) < moment:
            time.sleep(0.001)
        seen = first_request_on(pos, key, member, "v2", time.perf_counter())
        print(
            f"scheduled switch of {len(ids)} stores: first POS request after the moment on v2 within "
            f"{seen * 1000:.0f} ms of it (target < 1000 ms) {'OK' if seen < 1 else 'OVER'}"
        )

    for path in (
        "/rollout/",
        "/rollout/stores",
        "/rollout/stores?direction=retail&region=Урал&version=v1",
        f"/rollout/plans/{plan_id}",
        f"/rollout/plans/{plan_id}?page=30",
        f"/rollout/plans/{plan_id}/feedback",
        f"/rollout/plans/{plan_id}/waves/2/checklist",
    ):
        time_page(client, path, args.runs)


def time_page(client, path: str, runs: int, label: str = "") -> None:  # type: ignore[no-untyped-def]
    assert client.get(path).status_code == 200, path  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    ms = statistics.median(times)
    print(f"page {label or path:<56} {ms:7.1f} ms   (target < 300 ms) {'OK' if ms < 300 else 'OVER'}")


if __name__ == "__main__":
    main()
