"""users.language: the language each user picked in the header

Revision ID: a3f1c2e9d4b7
Revises: fa6bad95a153
Created: 2026-12-04 16:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a3f1c2e9d4b7"
down_revision = "fa6bad95a153"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: existing users keep following their browser's Accept-Language until they choose.
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    # In place: a batch copy of `users` breaks SQLite's foreign keys (project members refer to it).
    op.execute("ALTER TABLE users DROP COLUMN language")
