"""The DEMO chain's analytics data (workbench/demo/analytics.yaml): till totals, one per open
store and day of the last weeks, derived from the card sales the ledger holds and written as a
CSV file that goes through the client import (analytics.tills), so the demo's card share is read
like a real one; and the v2 plan's KPI guardrail."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from analytics.tills.store import TillImport, import_till_totals
from loyalty_core.ledger.enums import TransactionKind
from loyalty_core.ledger.models import Transaction
from loyalty_core.stores.models import Store
from rollout.models import RolloutPlan
from workbench.programme_analytics import plans

HERE = Path(__file__).parent
CENT = Decimal("0.01")


def spec() -> dict[str, Any]:
    return dict(yaml.safe_load((HERE / "analytics.yaml").read_text("utf-8")))


def till_csv(session: Session, now: dt.datetime) -> bytes:
    """The till totals file: store, date, total for every open store and day of the window on
    which members bought (the share is drawn per store and day, seeded)."""
    data = spec()["till_totals"]
    rng = random.Random(int(data["seed"]))
    first = now.date() - dt.timedelta(days=int(data["days"]))
    card: dict[tuple[str, dt.date], Decimal] = defaultdict(Decimal)
    rows = session.execute(
        select(Store.code, Transaction.created_at, Transaction.check_total)
        .join(Store, Store.id == Transaction.store_id)
        .where(
            Transaction.kind.in_([TransactionKind.purchase.value, TransactionKind.return_.value]),
            Transaction.created_at >= dt.datetime.combine(first, dt.time(), dt.UTC),
        )
    )
    for code, created_at, total in rows:
        card[(code, created_at.astimezone(dt.UTC).date())] += Decimal(total)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["store", "date", "total"])
    stores = session.execute(
        select(Store.code, Store.direction).where(Store.status == "open").order_by(Store.code)
    )
    for code, direction in stores:
        for offset in range(int(data["days"])):
            day = first + dt.timedelta(days=offset)
            share = float(data["card_share"][direction]) + rng.uniform(-1, 1) * float(
                data["card_share_spread"]
            )
            sold = card.get((code, day), Decimal(0))
            if sold > 0:
                total = (sold / Decimal(repr(share))).quantize(CENT, rounding=ROUND_HALF_UP)
                writer.writerow([code, day.isoformat(), str(total)])
    return out.getvalue().encode("utf-8")


def load_till_totals(session: Session, now: dt.datetime) -> TillImport:
    session.flush()
    return import_till_totals(session.connection(), "tills.csv", till_csv(session, now), now)


def set_guardrail(session: Session, plan: RolloutPlan, actor: str) -> None:
    """The plan's KPI guardrail as the demo's rollout manager set it."""
    data = spec()["guardrail"]
    plans.set_guardrail(
        session,
        plan,
        threshold=str(data["threshold_pct"]),
        limits={k: str(v) for k, v in (data.get("limits") or {}).items()},
        confidence=str(data["confidence_pct"]),
        block_inconclusive=bool(data["block_inconclusive"]),
        actor=actor,
    )
