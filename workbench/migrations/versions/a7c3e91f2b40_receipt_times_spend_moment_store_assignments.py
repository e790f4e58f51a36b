"""receipt times, spend moment, store assignments

Transactions get `recorded_at` (when the core wrote them; `created_at` stays when they happened)
and `spend_at` (the moment their spend counts on in the tier window: a return's is its
purchase's). `store_version_assignments` records from when each store ran which version. Existing rows
are kept and filled in: recorded_at = created_at; spend_at = the purchase's created_at for a
return, else created_at; each store running a version gets one assignment from its creation.

Revision ID: a7c3e91f2b40
Revises: d2a6f1e9c8b4
Created: 2026-12-04 17:10:00
"""

import sqlalchemy as sa
from alembic import op

import loyalty_core.db

revision = "a7c3e91f2b40"
down_revision = "d2a6f1e9c8b4"
branch_labels = None
depends_on = None

PLACEHOLDER = sa.text("'1970-01-01 00:00:00'")


def upgrade() -> None:
    op.create_table(
        "store_version_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("effective_at", loyalty_core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", loyalty_core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", loyalty_core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_store_version_assignments_store_id_stores")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["config_versions.id"],
            name=op.f("fk_store_version_assignments_version_id_config_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_store_version_assignments")),
    )
    with op.batch_alter_table("store_version_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_store_version_assignments_in_force", ["store_id", "effective_at"], unique=False
        )
    # Every store running a version runs it from its creation (the rollout's plans add dated
    # switches on top; the POS resolves the version in force at a moment from these rows).
    op.execute(
        "INSERT INTO store_version_assignments (store_id, version_id, effective_at, source, created_at) "
        "SELECT id, active_version_id, created_at, 'migration', created_at FROM stores "
        "WHERE active_version_id IS NOT NULL"
    )

    # Added in place, never by copying the table: on SQLite a batch copy drops `transactions`,
    # which existing lines, entries, buckets and returns refer to. A NOT NULL column needs a
    # default to be added to filled rows; every row is overwritten at once, and where the
    # database allows it (not SQLite) the placeholder default is removed again.
    for name in ("recorded_at", "spend_at"):
        op.add_column(
            "transactions",
            sa.Column(
                name, loyalty_core.db.UTCDateTime(timezone=True), nullable=False, server_default=PLACEHOLDER
            ),
        )
    op.execute("UPDATE transactions SET recorded_at = created_at, spend_at = created_at")
    op.execute(
        "UPDATE transactions SET spend_at = "
        "(SELECT p.created_at FROM transactions p WHERE p.id = transactions.original_id) "
        "WHERE original_id IS NOT NULL"
    )
    if op.get_bind().dialect.name != "sqlite":
        for name in ("recorded_at", "spend_at"):
            op.alter_column("transactions", name, server_default=None)


def downgrade() -> None:
    # In place too (SQLite 3.35+ drops a column without copying the table).
    op.execute("ALTER TABLE transactions DROP COLUMN spend_at")
    op.execute("ALTER TABLE transactions DROP COLUMN recorded_at")
    with op.batch_alter_table("store_version_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_store_version_assignments_in_force")

    op.drop_table("store_version_assignments")
