"""receipt times, spend moment, store assignments

Transactions get `recorded_at` (when the core wrote them; `created_at` stays when they happened)
and `spend_at` (the moment their spend counts on in the tier window: a return's is its
purchase's). `store_assignments` records from when each store ran which version. Existing rows
are kept and filled in: recorded_at = created_at; spend_at = the purchase's created_at for a
return, else created_at; each store running a version gets one assignment from its creation.

Revision ID: a7c3e91f2b40
Revises: 0549bee778bc
Created: 2026-12-04 17:10:00
"""
from alembic import op
import sqlalchemy as sa
import loyalty_core.db


revision = 'a7c3e91f2b40'
down_revision = '0549bee778bc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('store_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('config_version_id', sa.Integer(), nullable=False),
    sa.Column('from_at', loyalty_core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['config_version_id'], ['config_versions.id'], name=op.f('fk_store_assignments_config_version_id_config_versions')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_store_assignments_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_store_assignments'))
    )
    with op.batch_alter_table('store_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_store_assignments_store_from', ['store_id', 'from_at'], unique=False)
    op.execute(
        "INSERT INTO store_assignments (store_id, config_version_id, from_at) "
        "SELECT id, active_version_id, created_at FROM stores WHERE active_version_id IS NOT NULL"
    )

    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_at', loyalty_core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('spend_at', loyalty_core.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE transactions SET recorded_at = created_at, spend_at = created_at")
    op.execute(
        "UPDATE transactions SET spend_at = "
        "(SELECT p.created_at FROM transactions p WHERE p.id = transactions.original_id) "
        "WHERE original_id IS NOT NULL"
    )
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.alter_column('recorded_at', existing_type=loyalty_core.db.UTCDateTime(timezone=True), nullable=False)
        batch_op.alter_column('spend_at', existing_type=loyalty_core.db.UTCDateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_column('spend_at')
        batch_op.drop_column('recorded_at')
    with op.batch_alter_table('store_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_store_assignments_store_from')
    op.drop_table('store_assignments')
