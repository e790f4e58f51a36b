"""A generated ledger of weekly shopping in retail stores, some of them piloting from a date on
with a known lift in the average check."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from loyalty_core.ledger.models import Member, Transaction
from loyalty_core.stores.models import Store

FIRST_WEEK = dt.date(2026, 1, 5)  # a Monday
PILOT_START = dt.date(2026, 3, 2)  # after 8 weeks
PILOT_END = dt.date(2026, 3, 29)  # 4 pilot weeks
PILOTS = ["R001", "R002", "R003"]
CONTROLS = ["R004", "R005", "R006", "R007", "R008"]


def generate_pilot_ledger(
    engine: Engine, lift: float = 0.10, members_per_store: int = 12, seed: int = 1
) -> None:
    rng = random.Random(seed)
    with engine.begin() as conn:
        stores = {}
        for code in PILOTS + CONTROLS:
            stores[code] = conn.execute(
                insert(Store)
                .values(code=code, direction="retail", city="Moscow", api_key_hash=f"k-{code}")
                .returning(Store.id)
            ).scalar_one()
        members, txns = [], []
        weeks = (PILOT_END - FIRST_WEEK).days // 7 + 1
        for code, store_id in stores.items():
            size = rng.uniform(0.8, 1.2)
            for m in range(members_per_store):
                member_id = uuid.uuid4()
                members.append(
                    {
                        "id": member_id,
                        "phone": f"+7901{len(members):07d}",
                        "name": f"{code}-{m}",
                        "enrolled_at": dt.datetime(2025, 12, 1, tzinfo=dt.UTC),
                        "enrolled_store_id": store_id,
                    }
                )
                for week in range(weeks):
                    monday = FIRST_WEEK + dt.timedelta(weeks=week)
                    lifted = 1 + lift if code in PILOTS and monday >= PILOT_START else 1
                    for _ in range(rng.choice([0, 1, 1, 2])):
                        day = monday + dt.timedelta(days=rng.randrange(7))
                        amount = Decimal(str(round(1000 * size * lifted * rng.uniform(0.9, 1.1), 2)))
                        txns.append(
                            {
                                "id": uuid.uuid4(),
                                "kind": "purchase",
                                "member_id": member_id,
                                "store_id": store_id,
                                "created_at": dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
                                "check_total": amount,
                                "tier": "base",
                                "details": {},
                            }
                        )
        conn.execute(insert(Member), members)
        conn.execute(insert(Transaction), txns)
