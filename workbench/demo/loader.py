"""Loads the demo client into an empty database through the core's own services.

Everything goes through the same functions the POS API uses (enrol, purchase, return), so the
demo history obeys every rule and invariant of the points math.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loyalty_core.config import service as config_service
from loyalty_core.engine import BasketLine
from loyalty_core.errors import BusinessRuleViolation
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import Member, Transaction
from loyalty_core.stores import service as store_service
from loyalty_core.stores.models import Store
from rollout import register
from workbench.demo import rollout_demo, till_demo

HERE = Path(__file__).parent


@dataclass(frozen=True)
class DemoName:
    """A first name and its gender: a Russian surname takes the gender's form."""

    first: str
    gender: str


def _demo_names() -> tuple[list[DemoName], list[dict[str, str]]]:
    data = yaml.safe_load((HERE / "people.yaml").read_text("utf-8"))
    firsts = [DemoName(entry["name"], entry["gender"]) for entry in data["first_names"]]
    return firsts, data["surnames"]


FIRST_NAMES, SURNAMES = _demo_names()


def member_name(first: DemoName, surname: dict[str, str]) -> str:
    """ "Мария Кузнецова", "Иван Кузнецов": the surname agrees with the first name's gender."""
    return f"{first.first} {surname[first.gender]}"


# (sku, category, unit price) — a small grocery assortment.
CATALOGUE = [
    ("MILK-1L", "fresh", "89.90"),
    ("KEFIR-1L", "fresh", "94.50"),
    ("CHEESE-RUS", "fresh", "459.00"),
    ("APPLES-1KG", "fresh", "129.00"),
    ("CHICKEN-1KG", "fresh", "329.00"),
    ("BREAD-WHITE", "bakery", "54.00"),
    ("CROISSANT", "bakery", "79.00"),
    ("BUCKWHEAT", "grocery", "119.00"),
    ("PASTA", "grocery", "89.00"),
    ("OIL-SUN", "grocery", "159.00"),
    ("TEA-100", "grocery", "289.00"),
    ("COFFEE-250", "grocery", "549.00"),
    ("DETERGENT", "household", "699.00"),
    ("PAPER-8", "household", "329.00"),
    ("WINE-RED", "alcohol", "899.00"),
    ("CIGARETTES", "tobacco", "219.00"),
    ("GIFT-1000", "gift_cards", "1000.00"),
]


@dataclass
class DemoSummary:
    stores: int = 0
    members: int = 0
    purchases: int = 0
    returns: int = 0
    sample_store: str = "R001"
    sample_key: str = ""
    versions: list[str] = field(default_factory=list)
    plan_id: int | None = None


def is_empty(session: Session) -> bool:
    """True when no member exists yet (the demo loads only into an empty database)."""
    return (session.scalar(select(func.count()).select_from(Member)) or 0) == 0


def load_demo(
    session: Session,
    *,
    members: int = 300,
    days: int = 120,
    seed: int = 7,
    now: dt.datetime | None = None,
    actor: str = "demo",
) -> DemoSummary:
    """Create v1 (approved, live everywhere), v2 (TO-BE, piloted in 5 stores for six weeks), v3
    (the draft of release 2, which the stage 3 demo package submits for sign-off), the
    60-store register, members and history, and the rollout plan of v2 (see rollout_demo)."""
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.UTC)
    summary = DemoSummary()

    v1 = config_service.create_version(
        session,
        "v1",
        (HERE / "v1.yaml").read_text("utf-8"),
        created_by=actor,
        notes="Программа AS-IS, действует",
    )
    config_service.approve(session, v1, approved_by=actor)
    v2 = config_service.create_version(
        session,
        "v2",
        (HERE / "v2.yaml").read_text("utf-8"),
        created_by=actor,
        notes="Черновик TO-BE",
        based_on=v1,
    )
    v3 = config_service.create_version(
        session,
        "v3",
        (HERE / "v3.yaml").read_text("utf-8"),
        created_by=actor,
        notes="TO-BE, релиз 2",
        based_on=v2,
    )
    summary.versions = [v1.label, v2.label, v3.label]

    start = now - dt.timedelta(days=days)
    # The chain's register (60 stores, 4 regions, 3 time zones) is a data file, imported the way
    # a client's register is; every open store has run v1 since the history began.
    register.import_register(session, "stores.csv", (HERE / "stores.csv").read_bytes())
    stores = [s for s in store_service.list_stores(session) if s.status == "open"]
    summary.sample_key = store_service.rotate_key(session, store_service.get_store(session, "R001"))
    for store in stores:
        store_service.assign_version(session, store, v1, at=start)
    summary.stores = len(store_service.list_stores(session))
    session.flush()
    pilot = rollout_demo.start_pilot(session, v1, v2, {s.code: s for s in stores}, now, actor)

    people = []
    for n in range(members):
        enrolled = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60 // 3))
        birthday = (
            dt.date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < 0.7
            else None
        )
        person = ledger.enroll(
            session,
            phone=f"+7916{rng.randint(0, 9_999_999):07d}" if n else "+79161234567",
            email=f"member{n}@example.ru" if rng.random() < 0.5 else None,
            name=member_name(rng.choice(FIRST_NAMES), rng.choice(SURNAMES)),
            birthday=birthday,
            store=rng.choice(stores),
            at=enrolled,
        )
        people.append((person, enrolled, rng.choice(stores)))
    summary.members = len(people)

    # Visits in time order across the chain: each member shops 1-12 times, mostly at a home store.
    visits = []
    for person, enrolled, home in people:
        for _ in range(rng.randint(1, 12)):
            when = enrolled + dt.timedelta(
                minutes=rng.randrange(max(1, int((now - enrolled).total_seconds() // 60)))
            )
            store = home if rng.random() < 0.8 else rng.choice(stores)
            visits.append((when, person, store))
    visits.sort(key=lambda v: v[0])
    purchases: list[tuple[Transaction, dt.datetime, Store]] = []
    for when, person, store in visits:
        ctx = ledger.run_context(store, pilot.version_at(store, when))
        wholesale, worth = store.direction == "wholesale", pilot.basket_worth(store, when)
        lines = []
        for sku, category, price in rng.sample(CATALOGUE, rng.randint(1, 6)):
            qty = rng.randint(5, 40) if wholesale else rng.randint(1, 4)
            amount = (Decimal(price) * qty * worth).quantize(rollout_demo.CENT)
            lines.append(BasketLine(sku, category, Decimal(qty), amount))
        quote = ledger.quote(session, ctx, person, lines, 0, when)
        redeem = quote.max_redeemable if quote.max_redeemable and rng.random() < 0.25 else 0
        try:
            txn, _ = ledger.commit_purchase(
                session, ctx, person, lines, redeem, when, receipt_no=f"{store.code}-{len(purchases) + 1:06d}"
            )
        except BusinessRuleViolation:
            continue
        purchases.append((txn, when, store))
    summary.purchases = len(purchases)

    for txn, when, store in rng.sample(purchases, k=min(len(purchases) // 25, len(purchases))):
        back = when + dt.timedelta(days=rng.randint(1, 10))
        if back > now:
            continue
        line = rng.choice(txn.lines)
        quantity = Decimal(1) if line.quantity >= 1 else line.quantity
        ledger.commit_return(session, store, txn.id, {line.line_no: quantity}, back)
        summary.returns += 1
    more_purchases, more_returns = rollout_demo.pilot_purchases(
        session, pilot, stores, [p for p, _, _ in people], CATALOGUE, rng, now
    )
    summary.purchases += more_purchases
    summary.returns += more_returns
    rollout_demo.finish(session, pilot, now, actor)
    till_demo.load_till_totals(session, now)  # the stores' till totals: the card share's denominator
    till_demo.set_guardrail(session, pilot.plan, actor)  # the gate reads the pilot's KPIs
    summary.plan_id = pilot.plan.id
    session.flush()
    return summary
