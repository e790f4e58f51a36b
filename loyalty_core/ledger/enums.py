from enum import Enum


class TransactionKind(str, Enum):
    purchase = "purchase"
    return_ = "return"
    expiry = "expiry"


class EntryKind(str, Enum):
    earn = "earn"
    redeem = "redeem"
    reverse_earn = "reverse_earn"
    refund_redeem = "refund_redeem"
    expire = "expire"
