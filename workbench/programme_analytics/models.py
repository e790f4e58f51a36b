"""The KPI guardrail of a rollout plan: the thresholds the gate holds the pilot to. Kept by the
workbench beside the plan (rollout and analytics may not know each other)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from loyalty_core.db import UTCDateTime, utcnow
from workbench.extensions import db


class PlanGuardrail(db.Model):  # type: ignore[name-defined,misc]
    """ "No pilot KPI worse than −threshold % at confidence %": one row per plan that holds its
    gate to the guardrail (a plan without a row has no KPI guardrail)."""

    __tablename__ = "plan_kpi_guardrails"

    plan_id: Mapped[int] = mapped_column(ForeignKey("rollout_plans.id"), primary_key=True)
    threshold_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))  # X in "no worse than −X%"
    # A KPI's own threshold (percent) where it differs: {"average_check": "3"}.
    limits: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    confidence_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(90))
    block_inconclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def thresholds(self, metrics: tuple[str, ...]) -> dict[str, float]:
        """Each pilot KPI's X as a fraction (0.05 for 5%)."""
        return {m: float(Decimal(self.limits.get(m, self.threshold_pct))) / 100 for m in metrics}
