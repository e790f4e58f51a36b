"""jobs.output, output_name, output_type: the document an export job built, for its download

Revision ID: e5b8c2d7f1a9
Revises: b5d8e2f41c07
Created: 2026-12-04 21:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5b8c2d7f1a9"
down_revision = "b5d8e2f41c07"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing jobs built no document: no output, empty name and type.
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("output", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("output_name", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("output_type", sa.String(length=120), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("output_type")
        batch_op.drop_column("output_name")
        batch_op.drop_column("output")
