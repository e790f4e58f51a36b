"""The PostgreSQL side of the till's fast path: the monthly spend table, its trigger, and the
function that writes a whole purchase in one call.

Tables built by `metadata.create_all` (tests, benchmarks) get this SQL through
`loyalty_core.guards.attach`; migrated databases get the same SQL from the migration that
introduced it (written out there as it stood). SQLite has none of it: there the ORM path runs.

**The 365-day spend, bounded.** `member_spend_months` keeps each member's spend per UTC month
(a trigger on `transactions` adds every row's `spend_delta` to the month of its `spend_at`).
The tier window starts at `since`, the first instant of local day D-365 in the programme's zone
(computed by the caller, `loyalty_core.clock.window_start`): its spend is the months wholly
after the month of `since`, plus the transactions of that one month from `since` on (an index
on (member_id, spend_at)). So a commit reads at most 12 month rows and one month of receipts,
whatever the history's length. The rule of `_spend_365` also drops transactions written after
the moment asked about (`created_at <= at`, which only a receipt sent late can meet): when the
member has any, `pos_spend_365` sums the transactions exactly as the ORM does.

`pos_spend_365` is PL/pgSQL, not SQL: PostgreSQL plans a SQL function's body again on every
call it cannot inline, and this one ran twice per commit (the read and the re-check), 0.24 ms of
the database's CPU each; PL/pgSQL keeps its statements' plans for the session (0.05 ms).
"""

from __future__ import annotations

SPEND_TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION transactions_spend_months() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO member_spend_months (member_id, month, spend)
  VALUES (NEW.member_id, date_trunc('month', NEW.spend_at AT TIME ZONE 'UTC')::date, NEW.spend_delta)
  ON CONFLICT (member_id, month) DO UPDATE SET spend = member_spend_months.spend + EXCLUDED.spend;
  RETURN NULL;
END $fn$"""

SPEND_TRIGGER = (
    "CREATE OR REPLACE TRIGGER transactions_spend_months AFTER INSERT ON transactions FOR EACH ROW "
    "WHEN (NEW.spend_delta <> 0) EXECUTE FUNCTION transactions_spend_months()"
)

SPEND_BACKFILL = """INSERT INTO member_spend_months (member_id, month, spend)
SELECT member_id, date_trunc('month', spend_at AT TIME ZONE 'UTC')::date, sum(spend_delta)
FROM transactions WHERE spend_delta <> 0 GROUP BY 1, 2"""

SPEND_FUNCTION = """CREATE OR REPLACE FUNCTION pos_spend_365(
  p_member UUID, p_at TIMESTAMPTZ, p_since TIMESTAMPTZ
) RETURNS NUMERIC LANGUAGE plpgsql STABLE AS $fn$
BEGIN
  IF EXISTS (SELECT 1 FROM transactions WHERE member_id = p_member AND created_at > p_at) THEN
    RETURN (SELECT coalesce(sum(spend_delta), 0) FROM transactions
            WHERE member_id = p_member AND spend_at >= p_since AND created_at <= p_at);
  END IF;
  RETURN coalesce((SELECT sum(spend) FROM member_spend_months
                   WHERE member_id = p_member
                     AND month > date_trunc('month', p_since AT TIME ZONE 'UTC')::date), 0)
       + coalesce((SELECT sum(spend_delta) FROM transactions
                   WHERE member_id = p_member AND spend_at >= p_since
                     AND spend_at < (date_trunc('month', p_since AT TIME ZONE 'UTC')
                                     + interval '1 month') AT TIME ZONE 'UTC'), 0);
END $fn$"""

# One purchase, written whole, under the account's lock. Nothing is written unless every check
# passes, in this order: the member state the caller computed from is still the state
# ('moved' otherwise: the caller reads again and recomputes with `calculate`), the receipt
# number is free at the store ('receipt:<id of the purchase holding it>'), and the
# Idempotency-Key is free ('replay': a concurrent request with the key committed first; the
# INSERT waits for it). Then the transaction, its lines, the drain of the redeemed points from
# the soonest-expiring buckets, the ledger entries (redeem, then earn), the new bucket (after any
# debt is paid back) and the balance: what loyalty_core.ledger.service._purchase writes.
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

INDEX = "CREATE INDEX IF NOT EXISTS ix_transactions_member_spend ON transactions (member_id, spend_at)"

# What create_all runs once its tables exist (the monthly table and the spend index come from the
# models). Every statement replaces what is there: a create_all over existing tables runs it again.
ON_CREATE = {"postgresql": [SPEND_TRIGGER_FUNCTION, SPEND_TRIGGER, SPEND_FUNCTION, COMMIT_FUNCTION]}

# What drop_all runs before dropping the transactions table (the trigger goes with the table).
ON_DROP = {
    "postgresql": [
        "DROP FUNCTION IF EXISTS pos_commit_purchase",
        "DROP FUNCTION IF EXISTS pos_spend_365",
    ],
}
