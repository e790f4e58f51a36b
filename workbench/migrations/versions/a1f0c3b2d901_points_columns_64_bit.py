"""points columns 64-bit

A commit of 99 999 999 999.99 asked for about 6.25 billion points, past the 32-bit INTEGER
columns, and failed with a 500 while its quote answered. The points columns become BIGINT on
PostgreSQL (an in-place type change that keeps every value). SQLite's INTEGER already stores
64 bits, so nothing changes there (the models declare INTEGER for SQLite too).

Revision ID: a1f0c3b2d901
Revises: 7e5315c3ac25
Created: 2026-12-04 17:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a1f0c3b2d901"
down_revision = "7e5315c3ac25"
branch_labels = None
depends_on = None

POINTS_COLUMNS = {
    "accounts": ("balance",),
    "transactions": ("redeemed_points", "earned_points", "points_delta"),
    "transaction_lines": ("redeemed_points", "points", "reversed_points", "refunded_points"),
    "ledger_entries": ("points",),
    "earn_buckets": ("points", "remaining"),
}


def _retype(new_type: sa.types.TypeEngine, old_type: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in POINTS_COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=new_type, existing_type=old_type)


def upgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    # Fails (and changes nothing) if a value no longer fits 32 bits: nothing is cut silently.
    _retype(sa.Integer(), sa.BigInteger())
