"""The rollout's tables: plans of waves for a configuration version, gate decisions, pilot
feedback and the readiness checklist. They sit in the core's metadata (one Alembic history);
people are named by username (the users table belongs to the workbench)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from loyalty_core.db import Base, UTCDateTime, utcnow
from rollout.enums import FeedbackStatus, WaveStatus

WAVE_STORES_FILLFACTOR = 50


class RolloutPlan(Base):
    __tablename__ = "rollout_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_key: Mapped[str] = mapped_column(String(32), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("config_versions.id"))
    halted: Mapped[bool] = mapped_column(Boolean, default=False)
    halt_reason: Mapped[str] = mapped_column(Text, default="")
    # Gate thresholds of the pilot (DESIGN.md stage 5 leaves the figures to the project).
    min_pilot_days: Mapped[int] = mapped_column(Integer, default=14)
    min_pilot_transactions: Mapped[int] = mapped_column(Integer, default=100)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")

    waves: Mapped[list[RolloutWave]] = relationship(
        back_populates="plan", order_by="RolloutWave.number", cascade="all, delete-orphan"
    )


class RolloutWave(Base):
    __tablename__ = "rollout_waves"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_rollout_waves_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rollout_plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1 is the pilot
    # Local wall-clock moment of the switch, the same for every store in its own zone
    # ("2027-01-15 03:00"); None: switch when advanced.
    switch_local: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=False), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=WaveStatus.planned.value)
    # A pilot over the limit needs an approver's override (who and why).
    override_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    advanced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    advanced_by: Mapped[str | None] = mapped_column(String(80), nullable=True)

    plan: Mapped[RolloutPlan] = relationship(back_populates="waves")
    stores: Mapped[list[WaveStore]] = relationship(back_populates="wave", cascade="all, delete-orphan")


class WaveStore(Base):
    """A store in a wave. The unique (plan, store) is what keeps a store in one wave of a plan."""

    __tablename__ = "rollout_wave_stores"
    __table_args__ = (UniqueConstraint("plan_id", "store_id", name="uq_rollout_wave_stores_store"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rollout_plans.id"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("rollout_waves.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    # Pilot stores may name control stores (same direction, not in the pilot): codes, comma-separated.
    control_codes: Mapped[str] = mapped_column(String(400), default="")
    # Written on advance: the version the store ran before, and when (UTC) it switches.
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("config_versions.id"), nullable=True)
    switch_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    rolled_back_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    switch_recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    wave: Mapped[RolloutWave] = relationship(back_populates="stores")


# Room in each page: advancing, rolling back and recording a wave's switches update thousands of
# rows at once in columns no index holds, which PostgreSQL can then rewrite in place (HOT) instead
# of adding an entry to each of the table's four indexes. (The migration sets it on PostgreSQL.)
event.listen(
    WaveStore.__table__,
    "after_create",
    DDL(f"ALTER TABLE rollout_wave_stores SET (fillfactor = {WAVE_STORES_FILLFACTOR})").execute_if(
        dialect="postgresql"
    ),
)


class GateDecision(Base):
    """A gate evaluated before advancing to a wave, with the evidence as it was then."""

    __tablename__ = "rollout_gate_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rollout_plans.id"), index=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("rollout_waves.id"))
    passed: Mapped[bool] = mapped_column(Boolean)
    decision: Mapped[str] = mapped_column(String(16))  # advance | override
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    decided_by: Mapped[str] = mapped_column(String(80))
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedbackItem(Base):
    __tablename__ = "rollout_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rollout_plans.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), nullable=True)
    reporter: Mapped[str] = mapped_column(String(120))
    severity: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    # A requirement, modification or scenario it concerns ("REQ-3", "MOD-1", "scenario: ...").
    link: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=FeedbackStatus.open.value)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChecklistItem(Base):
    __tablename__ = "rollout_checklist"
    __table_args__ = (UniqueConstraint("wave_id", "store_id", "kind", name="uq_rollout_checklist_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("rollout_waves.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    kind: Mapped[str] = mapped_column(String(40))
    owner: Mapped[str] = mapped_column(String(120), default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
