"""Members, their points accounts, transactions, ledger entries and expiry buckets."""
