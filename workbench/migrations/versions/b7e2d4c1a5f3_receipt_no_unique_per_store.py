"""receipt_no unique per store

The same receipt sent again with a new Idempotency-Key became a second purchase. A partial
unique index on (store_id, receipt_no) over purchases that carry a receipt number makes the
database refuse that. Existing duplicates are not rewritten or dropped: the upgrade stops,
listing them, so someone decides which purchase stands (e.g. returns the double one) first.

Revision ID: b7e2d4c1a5f3
Revises: a1f0c3b2d901
Created: 2026-12-04 17:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e2d4c1a5f3"
down_revision = "a1f0c3b2d901"
branch_labels = None
depends_on = None

INDEX = "uq_transactions_store_receipt_no"
WHERE = "kind = 'purchase' AND receipt_no IS NOT NULL"
DUPLICATES = sa.text(
    f"SELECT store_id, receipt_no, COUNT(*) AS n FROM transactions WHERE {WHERE} "
    "GROUP BY store_id, receipt_no HAVING COUNT(*) > 1 ORDER BY store_id, receipt_no"
)


def _refuse_duplicates() -> None:
    rows = op.get_bind().execute(DUPLICATES).all()
    if rows:
        listed = "; ".join(
            f"store id {r.store_id}, receipt {r.receipt_no!r}: {r.n} purchases" for r in rows[:20]
        )
        raise RuntimeError(
            f"{len(rows)} receipt number(s) are committed more than once at the same store ({listed}). "
            "Resolve them (return the duplicate purchase, or give it its own receipt_no) and run the upgrade "
            "again; "
            "nothing was changed."
        )


def upgrade() -> None:
    _refuse_duplicates()
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index(
            INDEX,
            ["store_id", "receipt_no"],
            unique=True,
            postgresql_where=sa.text(WHERE),
            sqlite_where=sa.text(WHERE),
        )


def downgrade() -> None:
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
