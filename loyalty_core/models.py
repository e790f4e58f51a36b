"""Imports every table of the core, so `loyalty_core.db.metadata` is complete (Alembic, tests)."""

from loyalty_core.config.models import ConfigVersion
from loyalty_core.ledger.models import (
    Account,
    Card,
    EarnBucket,
    IdempotencyRecord,
    LedgerEntry,
    Member,
    Transaction,
    TransactionLine,
)
from loyalty_core.stores.limits import PhoneLookupWindow
from loyalty_core.stores.models import Store, VersionAssignment

__all__ = [
    "Account",
    "Card",
    "ConfigVersion",
    "EarnBucket",
    "IdempotencyRecord",
    "LedgerEntry",
    "Member",
    "PhoneLookupWindow",
    "Store",
    "VersionAssignment",
    "Transaction",
    "TransactionLine",
]
