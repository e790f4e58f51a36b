"""POS fast path: monthly spend per member, a spend index, and the PL/pgSQL commit (issue 13)

PostgreSQL: `member_spend_months` (each member's spend per UTC month, filled from the existing
transactions here and kept by a trigger on `transactions` from now on), the function
`pos_spend_365` (the 365-day tier spend reading a bounded number of rows) and
`pos_commit_purchase` (a whole purchase in one call). Both backends: an index on transactions
(member_id, spend_at); the index on transaction_lines (transaction_id) goes, being the first
column of the unique (transaction_id, line_no) index. No existing row changes. The SQL is
written out here as it stood at this revision (tables made by create_all get the same SQL from
loyalty_core.ledger.fastpath_sql).

Revision ID: e5b7c3d1f9a2
Revises: e5b8d2f4c716
Created: 2026-12-04 21:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5b7c3d1f9a2"
down_revision = "e5b8d2f4c716"
branch_labels = None
depends_on = None

SPEND_BACKFILL = """INSERT INTO member_spend_months (member_id, month, spend)
SELECT member_id, date_trunc('month', spend_at AT TIME ZONE 'UTC')::date, sum(spend_delta)
FROM transactions WHERE spend_delta <> 0 GROUP BY 1, 2"""

SPEND_TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION transactions_spend_months() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO member_spend_months (member_id, month, spend)
  VALUES (NEW.member_id, date_trunc('month', NEW.spend_at AT TIME ZONE 'UTC')::date, NEW.spend_delta)
  ON CONFLICT (member_id, month) DO UPDATE SET spend = member_spend_months.spend + EXCLUDED.spend;
  RETURN NULL;
END $fn$"""

SPEND_TRIGGER = (
    "CREATE TRIGGER transactions_spend_months AFTER INSERT ON transactions FOR EACH ROW "
    "WHEN (NEW.spend_delta <> 0) EXECUTE FUNCTION transactions_spend_months()"
)

SPEND_FUNCTION = """CREATE OR REPLACE FUNCTION pos_spend_365(
  p_member UUID, p_at TIMESTAMPTZ, p_since TIMESTAMPTZ
) RETURNS NUMERIC LANGUAGE sql STABLE AS $fn$
  SELECT CASE
    WHEN EXISTS (SELECT 1 FROM transactions WHERE member_id = p_member AND created_at > p_at) THEN
      (SELECT coalesce(sum(spend_delta), 0) FROM transactions
       WHERE member_id = p_member AND spend_at >= p_since AND created_at <= p_at)
    ELSE
      coalesce((SELECT sum(spend) FROM member_spend_months
                WHERE member_id = p_member
                  AND month > date_trunc('month', p_since AT TIME ZONE 'UTC')::date), 0)
      + coalesce((SELECT sum(spend_delta) FROM transactions
                  WHERE member_id = p_member AND spend_at >= p_since
                    AND spend_at < (date_trunc('month', p_since AT TIME ZONE 'UTC')
                                    + interval '1 month') AT TIME ZONE 'UTC'), 0)
  END
$fn$"""

COMMIT_FUNCTION = """CREATE OR REPLACE FUNCTION pos_commit_purchase(
  p_store INTEGER, p_key TEXT, p_hash TEXT, p_response JSON, p_recorded TIMESTAMPTZ,
  p_txn UUID, p_member UUID, p_account INTEGER, p_version INTEGER, p_receipt TEXT,
  p_at TIMESTAMPTZ, p_since TIMESTAMPTZ,
  p_balance BIGINT, p_next_expiry TIMESTAMPTZ, p_spend NUMERIC,
  p_check_total NUMERIC, p_redeemed BIGINT, p_redeemed_value NUMERIC, p_earned BIGINT,
  p_paid NUMERIC, p_tier TEXT, p_details JSON, p_expires TIMESTAMPTZ,
  p_line_no INTEGER[], p_sku TEXT[], p_category TEXT[], p_quantity NUMERIC[], p_amount NUMERIC[],
  p_line_redeemed BIGINT[], p_line_redeemed_value NUMERIC[], p_line_points BIGINT[]
) RETURNS TEXT LANGUAGE plpgsql AS $fn$
DECLARE
  v_balance BIGINT;
  v_next TIMESTAMPTZ;
  v_holder UUID;
  v_left BIGINT := p_redeemed;
  v_debt BIGINT;
  v_bucket RECORD;
BEGIN
  SELECT balance, next_expiry_at INTO v_balance, v_next FROM accounts WHERE id = p_account FOR UPDATE;
  IF v_balance IS DISTINCT FROM p_balance OR v_next IS DISTINCT FROM p_next_expiry
     OR (v_next IS NOT NULL AND v_next <= p_at)
     OR pos_spend_365(p_member, p_at, p_since) <> p_spend THEN
    RETURN 'moved';
  END IF;
  IF p_receipt IS NOT NULL THEN
    SELECT id INTO v_holder FROM transactions
    WHERE store_id = p_store AND receipt_no = p_receipt AND kind = 'purchase';
    IF FOUND THEN
      RETURN 'receipt:' || v_holder;
    END IF;
  END IF;
  INSERT INTO idempotency_records (store_id, key, request_hash, status_code, response, created_at)
  VALUES (p_store, p_key, p_hash, 201, p_response, p_recorded)
  ON CONFLICT (store_id, key) DO NOTHING;
  IF NOT FOUND THEN
    RETURN 'replay';
  END IF;
  INSERT INTO transactions (id, kind, member_id, store_id, config_version_id, original_id, receipt_no,
    created_at, recorded_at, check_total, redeemed_points, redeemed_value, earned_points, points_delta,
    spend_delta, spend_at, tier, details)
  VALUES (p_txn, 'purchase', p_member, p_store, p_version, NULL, p_receipt, p_at, p_at, p_check_total,
    p_redeemed, p_redeemed_value, p_earned, p_earned - p_redeemed, p_paid, p_at, p_tier, p_details);
  INSERT INTO transaction_lines (transaction_id, line_no, sku, category, quantity, amount,
    redeemed_points, redeemed_value, points, returned_quantity, reversed_points, refunded_points,
    returned_amount, returned_paid)
  SELECT p_txn, l.line_no, l.sku, l.category, l.quantity, l.amount, l.redeemed, l.redeemed_value,
    l.points, 0, 0, 0, 0, 0
  FROM unnest(p_line_no, p_sku, p_category, p_quantity, p_amount, p_line_redeemed,
              p_line_redeemed_value, p_line_points)
    AS l(line_no, sku, category, quantity, amount, redeemed, redeemed_value, points);
  IF p_redeemed > 0 THEN
    FOR v_bucket IN
      SELECT id, remaining FROM earn_buckets WHERE account_id = p_account AND remaining > 0
      ORDER BY expires_at IS NULL, expires_at, earned_at, id
    LOOP
      EXIT WHEN v_left = 0;
      UPDATE earn_buckets SET remaining = remaining - least(v_bucket.remaining, v_left)
      WHERE id = v_bucket.id;
      v_left := v_left - least(v_bucket.remaining, v_left);
    END LOOP;
    INSERT INTO ledger_entries (account_id, transaction_id, kind, points, created_at)
    VALUES (p_account, p_txn, 'redeem', -p_redeemed, p_at);
  END IF;
  IF p_earned > 0 THEN
    INSERT INTO ledger_entries (account_id, transaction_id, kind, points, created_at)
    VALUES (p_account, p_txn, 'earn', p_earned, p_at);
    v_debt := greatest(0, -(v_balance - p_redeemed));
    IF p_earned > v_debt THEN
      INSERT INTO earn_buckets (account_id, transaction_id, earned_at, expires_at, points, remaining)
      VALUES (p_account, p_txn, p_at, p_expires, p_earned, p_earned - v_debt);
      IF p_expires IS NOT NULL AND (v_next IS NULL OR p_expires < v_next) THEN
        v_next := p_expires;
      END IF;
    END IF;
  END IF;
  IF p_redeemed > 0 OR p_earned > 0 THEN
    UPDATE accounts SET balance = v_balance - p_redeemed + p_earned, updated_at = p_at,
      next_expiry_at = v_next
    WHERE id = p_account;
  END IF;
  RETURN 'ok';
END $fn$"""


def upgrade() -> None:
    op.create_index("ix_transactions_member_spend", "transactions", ["member_id", "spend_at"])
    # Redundant with uq_transaction_lines_txn_line, whose first column it is.
    op.drop_index("ix_transaction_lines_transaction_id", table_name="transaction_lines")
    op.create_table(
        "member_spend_months",
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("spend", sa.Numeric(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name="fk_member_spend_months_member_id_members"
        ),
        sa.PrimaryKeyConstraint("member_id", "month", name="pk_member_spend_months"),
    )
    if op.get_context().dialect.name != "postgresql":
        return  # SQLite runs the ORM path, which sums the transactions themselves
    # Backfill and trigger in Alembic's one transaction: a receipt committed meanwhile waits on
    # this lock, so no spend is counted twice or missed.
    op.execute("LOCK TABLE transactions IN SHARE MODE")
    for sql in (SPEND_BACKFILL, SPEND_TRIGGER_FUNCTION, SPEND_TRIGGER, SPEND_FUNCTION, COMMIT_FUNCTION):
        op.execute(sql)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS pos_commit_purchase")
        op.execute("DROP FUNCTION IF EXISTS pos_spend_365")
        op.execute("DROP TRIGGER IF EXISTS transactions_spend_months ON transactions")
        op.execute("DROP FUNCTION IF EXISTS transactions_spend_months")
    op.drop_table("member_spend_months")
    op.create_index("ix_transaction_lines_transaction_id", "transaction_lines", ["transaction_id"])
    op.drop_index("ix_transactions_member_spend", table_name="transactions")
