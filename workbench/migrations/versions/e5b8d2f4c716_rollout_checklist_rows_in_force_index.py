"""rollout: checklist rows written when stores join a wave; the POS's in-force index; room for
in-place updates of a wave's stores

Revision ID: e5b8d2f4c716
Revises: e5b8c2d7f1a9
Created: 2026-12-04 21:40:00

- The checklist page no longer creates its rows on first read: waves created before this
  revision get their four open items per store now (items that exist are kept).
- `ix_store_version_assignments_in_force` becomes (store_id, effective_at, id) over the rows not
  called off, carrying version_id on PostgreSQL: the POS's "newest assignment in force" is then
  one backwards index entry per store.
- PostgreSQL: `rollout_wave_stores` keeps half of each page free, so the bulk updates of a
  switch or rollback rewrite rows in place (HOT) instead of touching every index.
"""

import sqlalchemy as sa
from alembic import op

revision = "e5b8d2f4c716"
down_revision = "e5b8c2d7f1a9"
branch_labels = None
depends_on = None

# rollout.enums.ChecklistItemKind as of this revision.
CHECKLIST_KINDS = (
    "staff_trained",
    "instructions_delivered",
    "support_contact_set",
    "pos_integration_checked",
)
INDEX = "ix_store_version_assignments_in_force"


def upgrade() -> None:
    for kind in CHECKLIST_KINDS:
        op.execute(
            sa.text(
                "INSERT INTO rollout_checklist (wave_id, store_id, kind, owner) "
                "SELECT ws.wave_id, ws.store_id, :kind, '' FROM rollout_wave_stores ws "
                "WHERE NOT EXISTS (SELECT 1 FROM rollout_checklist c "
                "WHERE c.wave_id = ws.wave_id AND c.store_id = ws.store_id AND c.kind = :kind)"
            ).bindparams(kind=kind)
        )
    op.drop_index(INDEX, table_name="store_version_assignments")
    op.create_index(
        INDEX,
        "store_version_assignments",
        ["store_id", "effective_at", "id"],
        postgresql_include=["version_id"],
        postgresql_where=sa.text("cancelled_at IS NULL"),
        sqlite_where=sa.text("cancelled_at IS NULL"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rollout_wave_stores SET (fillfactor = 50)")


def downgrade() -> None:
    # The checklist rows stay: the code before this revision wrote the same rows on first read.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rollout_wave_stores RESET (fillfactor)")
    op.drop_index(INDEX, table_name="store_version_assignments")
    op.create_index(INDEX, "store_version_assignments", ["store_id", "effective_at"])
