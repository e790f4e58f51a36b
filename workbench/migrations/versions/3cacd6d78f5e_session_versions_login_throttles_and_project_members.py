"""session versions, login throttles and project members

Revision ID: 3cacd6d78f5e
Revises: a7c3e91f2b40
Created: 2026-12-04 17:00:00

Existing projects keep today's access: every existing user becomes a member of every existing
project (consultants as leads), so nobody loses a project on upgrade. An admin then takes
people off the projects that are not theirs (Projects > a project > Members).
"""

import sqlalchemy as sa
from alembic import op

import loyalty_core.db

revision = "3cacd6d78f5e"
down_revision = "a7c3e91f2b40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))

    op.create_table(
        "login_throttles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", loyalty_core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", loyalty_core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint("scope", "key", name="uq_login_throttles_scope_key"),
    )
    op.create_table(
        "project_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("added_at", loyalty_core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_members_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_project_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_members")),
        sa.UniqueConstraint("project_id", "user_id", name="uq_project_members_project_user"),
    )
    with op.batch_alter_table("project_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_members_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_project_members_user_id"), ["user_id"], unique=False)

    # Keep today's access for the data already there (see the module docstring).
    op.execute(
        "INSERT INTO project_members (project_id, user_id, role, added_at, added_by) "
        "SELECT p.id, u.id, CASE WHEN u.role = 'consultant' THEN 'lead' ELSE 'member' END, "
        "CURRENT_TIMESTAMP, 'migration' FROM projects p CROSS JOIN users u WHERE u.role <> 'admin'"
    )


def downgrade() -> None:
    with op.batch_alter_table("project_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_project_members_project_id"))

    op.drop_table("project_members")
    op.drop_table("login_throttles")
    # In place: a batch copy of `users` breaks SQLite's foreign keys (and drops triggers).
    op.execute("ALTER TABLE users DROP COLUMN session_version")
