"""process_step_links: the consultant's links between TO-BE and AS-IS steps

Revision ID: e5c1a7b3d9f2
Revises: a3f1c2e9d4b7
Created: 2026-12-04 21:20:00
"""

import sqlalchemy as sa
from alembic import op

from loyalty_core.db import UTCDateTime

revision = "e5c1a7b3d9f2"
down_revision = "a3f1c2e9d4b7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: no existing row is touched.
    op.create_table(
        "process_step_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("process_models.id"), nullable=False),
        sa.Column("before_record_id", sa.Integer(), sa.ForeignKey("process_models.id"), nullable=False),
        sa.Column("before_steps", sa.JSON(), nullable=False),
        sa.Column("after_steps", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
    )
    op.create_index("ix_process_step_links_record_id", "process_step_links", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_process_step_links_record_id", table_name="process_step_links")
    op.drop_table("process_step_links")
