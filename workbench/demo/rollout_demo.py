"""The DEMO chain's rollout (workbench/demo/rollout.yaml): v2 piloted in R001-R003 and W001-W002
for six weeks with control stores, their purchases and returns through the real ledger, a wave 2
waiting behind a closed gate, pilot feedback and a half-done readiness checklist."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from loyalty_core.engine import BasketLine
from loyalty_core.errors import BusinessRuleViolation
from loyalty_core.ledger import service as ledger
from loyalty_core.ledger.models import Member, Transaction
from loyalty_core.stores.models import Store
from rollout import readiness
from rollout.models import RolloutPlan
from workbench.rollout import service

HERE = Path(__file__).parent
CENT = Decimal("0.01")


def spec() -> dict[str, Any]:
    return dict(yaml.safe_load((HERE / "rollout.yaml").read_text("utf-8")))


@dataclass
class Pilot:
    plan: RolloutPlan
    switch_at: dict[int, dt.datetime]  # pilot store id -> the UTC moment it switched to v2
    versions: dict[str, ConfigVersion]
    control_ids: set[int] = field(default_factory=set)
    lift: Decimal = Decimal(0)  # rollout.yaml's pilot_basket_lift

    def switched(self, store: Store, when: dt.datetime) -> bool:
        """True when `store` is a pilot store and ran v2 at `when`."""
        moment = self.switch_at.get(store.id)
        return moment is not None and when >= moment

    def basket_worth(self, store: Store, when: dt.datetime) -> Decimal:
        """What a basket bought at `when` is worth against the same basket before the pilot: 1
        plus `pilot_basket_lift` in a pilot store once it switched (v2's lift), else 1."""
        return 1 + self.lift if self.switched(store, when) else Decimal(1)

    def version_at(self, store: Store, when: dt.datetime) -> ConfigVersion:
        """What the store ran at `when` (what the POS resolved then): the demo's history is
        written in time order, so each purchase records the version a till would have used."""
        return self.versions["v2"] if self.switched(store, when) else self.versions["v1"]


def start_pilot(
    session: Session,
    v1: ConfigVersion,
    v2: ConfigVersion,
    stores: dict[str, Store],
    now: dt.datetime,
    actor: str,
) -> Pilot:
    """Plan and advance the pilot as the rollout manager did `pilot_weeks` ago (the pilot stores
    switched at 03:00 local on that day)."""
    data = spec()
    if not v2.is_approved:
        from loyalty_core.config import service as config_service

        config_service.approve(session, v2, approved_by="approver")
    pilot_day = (now - dt.timedelta(weeks=int(data["pilot_weeks"]))).date()
    planned_at = dt.datetime.combine(pilot_day - dt.timedelta(days=1), dt.time(6, 0), dt.UTC)
    at_local = dt.datetime.combine(pilot_day, dt.time.fromisoformat(data["pilot_local_time"]))
    plan = service.create_plan(
        session,
        data["project"],
        data["version"],
        list(data["pilot"]),
        actor=actor,
        now=planned_at,
        at_local=at_local,
    )
    plan.min_pilot_days, plan.min_pilot_transactions = data["min_pilot_days"], data["min_pilot_transactions"]
    controls: set[int] = set()
    for pilot_code, control_codes in data["pilot"].items():
        service.set_controls(session, plan, pilot_code, control_codes, actor=actor)
        controls |= {stores[c].id for c in control_codes}
    service.advance(session, plan, actor=actor, now=planned_at)
    switch_at = {ws.store_id: ws.switch_at for ws in plan.waves[0].stores if ws.switch_at is not None}
    return Pilot(plan, switch_at, {"v1": v1, "v2": v2}, controls, Decimal(str(data["pilot_basket_lift"])))


Basket = list[tuple[str, str, Decimal, int]]  # sku, category, unit price, quantity
Visit = tuple[dt.datetime, Store, Member, Basket]


def _basket(catalogue: list[tuple[str, str, str]], wholesale: bool, rng: random.Random) -> Basket:
    basket = []
    for sku, category, price in rng.sample(catalogue, rng.randint(1, 5)):
        basket.append((sku, category, Decimal(price), rng.randint(5, 30) if wholesale else rng.randint(1, 3)))
    return basket


def _visits(
    groups: list[list[Store]],
    people: list[Member],
    catalogue: list[tuple[str, str, str]],
    rng: random.Random,
    start: dt.datetime,
    now: dt.datetime,
) -> list[Visit]:
    """`purchases_per_store_day` visits a day in each store of each group (a pilot store and its
    control stores), in time order. A group's stores are given the same baskets: the demo's
    stand-in for well-matched control stores, whose shoppers buy alike, so that the pilot's
    measured change is v2's and not the luck of which baskets fell in which store. Each store's
    visits come from its own `regulars_per_store` members, as a shop has its regulars: drawn from
    every member, a store's shoppers almost never came back the next week, and on some load
    dates a control store had no retained member in the whole baseline, which the evaluation
    cannot compare."""
    data = spec()
    per_day = int(data["purchases_per_store_day"])
    size = min(len(people), int(data["regulars_per_store"]))
    regulars = {store.id: rng.sample(people, size) for group in groups for store in group}
    visits: list[Visit] = []
    day = start
    while day < now:
        for group in groups:
            for _ in range(per_day):
                basket = _basket(catalogue, group[0].direction == "wholesale", rng)
                for store in group:
                    when = day + dt.timedelta(minutes=rng.randrange(8 * 60, 21 * 60))
                    if when < now:
                        visits.append((when, store, rng.choice(regulars[store.id]), basket))
        day += dt.timedelta(days=1)
    visits.sort(key=lambda v: v[0])
    return visits


def pilot_purchases(
    session: Session,
    pilot: Pilot,
    stores: list[Store],
    people: list[Member],
    catalogue: list[tuple[str, str, str]],
    rng: random.Random,
    now: dt.datetime,
) -> tuple[int, int]:
    """Purchases every day of the pilot and of the baseline weeks before it in pilot and control
    stores (deterministic: seeded), the pilot stores' baskets worth `pilot_basket_lift` more once
    switched, and about 1 in 25 of them returned within 10 days; all through the ledger.
    (purchases, returns)."""
    data = spec()
    by_code = {s.code: s for s in stores}
    groups = [[by_code[p]] + [by_code[c] for c in controls] for p, controls in data["pilot"].items()]
    first = min(pilot.switch_at.values())
    # Whole weeks from a Monday (UTC), as the evaluation reads them.
    start = dt.datetime.combine(first.date() - dt.timedelta(days=first.weekday()), dt.time(), dt.UTC)
    start -= dt.timedelta(weeks=int(data["baseline_weeks"]))
    done: list[tuple[Transaction, dt.datetime, Store]] = []
    for when, store, person, basket in _visits(groups, people, catalogue, rng, start, now):
        ctx = ledger.run_context(store, pilot.version_at(store, when))
        worth = pilot.basket_worth(store, when)
        lines = [
            BasketLine(sku, category, Decimal(qty), (price * qty * worth).quantize(CENT))
            for sku, category, price, qty in basket
        ]
        try:
            txn, _ = ledger.commit_purchase(
                session, ctx, person, lines, 0, when, receipt_no=f"{store.code}-P{len(done) + 1:06d}"
            )
        except BusinessRuleViolation:
            continue
        done.append((txn, when, store))
    returns = 0
    for txn, when, store in done[::25]:
        back = when + dt.timedelta(days=rng.randint(1, 10))
        if back < now:
            line = rng.choice(txn.lines)
            ledger.commit_return(
                session,
                store,
                txn.id,
                {line.line_no: Decimal(1) if line.quantity >= 1 else line.quantity},
                back,
            )
            returns += 1
    return len(done), returns


def finish(session: Session, pilot: Pilot, now: dt.datetime, actor: str) -> None:
    """Wave 2 scheduled behind its gate, the feedback log, the half-done checklist of wave 2."""
    data = spec()
    wave_spec = data["wave2"]
    at_local = dt.datetime.combine(
        (now + dt.timedelta(days=wave_spec["in_days"])).date(), dt.time.fromisoformat(wave_spec["local_time"])
    )
    wave = service.add_wave(
        session,
        pilot.plan,
        actor=actor,
        now=now,
        region=wave_spec["region"],
        direction=wave_spec.get("direction"),
        at_local=at_local,
    )
    for item in data["feedback"]:
        entry = service.add_feedback(
            session,
            pilot.plan,
            actor=actor,
            now=now,
            store_code=item["store"],
            reporter=item["reporter"],
            severity=item["severity"],
            category=item["category"],
            text=item["text"],
            link=item.get("link", ""),
        )
        if item["status"] != "open":
            service.set_feedback_status(session, pilot.plan, entry.id, item["status"], actor=actor, now=now)
    due = (now + dt.timedelta(days=wave_spec["due_in_days"])).date()
    items = readiness.checklist(session, wave)
    done_codes = sorted({code for _, code in items})[: wave_spec["checklist_done_stores"]]
    for item, code in items:
        readiness.update_item(
            session,
            wave,
            item.id,
            actor=actor,
            now=now,
            owner=wave_spec["owner"],
            due_on=due,
            done=code in done_codes or None,
        )
    service.record_due_switches(session, now=now)
