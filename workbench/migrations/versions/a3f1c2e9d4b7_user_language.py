"""users.language: the language each user picked in the header

Revision ID: a3f1c2e9d4b7
Revises: 0549bee778bc
Created: 2026-12-04 16:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3f1c2e9d4b7'
down_revision = '0549bee778bc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: existing users keep following their browser's Accept-Language until they choose.
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('language')
