"""till totals, card share in the rollups, and the plans' KPI guardrails

Revision ID: b5d8e2f41c07
Revises: e5c1a7b3d9f2
Created: 2026-12-04 21:40:00
"""

import sqlalchemy as sa
from alembic import op

import loyalty_core.db

revision = "b5d8e2f41c07"
down_revision = "e5c1a7b3d9f2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "till_totals",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("imported_at", loyalty_core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_till_totals_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "day", name="pk_till_totals"),
    )
    # Existing rollup rows predate till totals: no card sales matched (0), no till total (NULL).
    with op.batch_alter_table("kpi_rollups") as batch:
        batch.add_column(sa.Column("card_covered_cents", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("till_cents", sa.BigInteger(), nullable=True))
    op.create_table(
        "plan_kpi_guardrails",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("threshold_pct", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("limits", sa.JSON(), nullable=False),
        sa.Column("confidence_pct", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("block_inconclusive", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", loyalty_core.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["rollout_plans.id"], name=op.f("fk_plan_kpi_guardrails_plan_id_rollout_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_plan_kpi_guardrails")),
    )


def downgrade() -> None:
    op.drop_table("plan_kpi_guardrails")
    with op.batch_alter_table("kpi_rollups") as batch:
        batch.drop_column("till_cents")
        batch.drop_column("card_covered_cents")
    op.drop_table("till_totals")
