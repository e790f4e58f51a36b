"""phone look-up windows (rate limit per store key)

One row per store: the start of the current minute window and its count of phone look-ups.
A new table; no existing data is touched.

Revision ID: d2a6f1e9c8b4
Revises: c4d9e8f7a6b5
Created: 2026-12-04 17:50:00
"""

import sqlalchemy as sa
from alembic import op

import loyalty_core.db

revision = "d2a6f1e9c8b4"
down_revision = "c4d9e8f7a6b5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phone_lookup_windows",
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("window_start", loyalty_core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_phone_lookup_windows_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("store_id", name=op.f("pk_phone_lookup_windows")),
    )


def downgrade() -> None:
    op.drop_table("phone_lookup_windows")
