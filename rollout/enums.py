"""Vocabularies of the rollout: the values stored in its tables and accepted on its edges."""

from __future__ import annotations

from enum import Enum

# DESIGN.md stage 5: a control group of at most 5 stores per direction.
PILOT_LIMIT_PER_DIRECTION = 5


class StoreStatus(str, Enum):
    open = "open"
    closed = "closed"


class WaveStatus(str, Enum):
    planned = "planned"  # not advanced yet: no switch written
    scheduled = "scheduled"  # advanced: its stores' switches are written, dated
    rolled_back = "rolled_back"  # every store of it went back


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"


# Severities that keep a gate closed while open.
BLOCKING_SEVERITIES = (Severity.critical.value, Severity.high.value)


class FeedbackStatus(str, Enum):
    open = "open"
    fixed = "fixed"
    wont_fix = "wont_fix"


class FeedbackCategory(str, Enum):
    defect = "defect"
    question = "question"
    suggestion = "suggestion"
    training = "training"


class ChecklistItemKind(str, Enum):
    """What a store needs before its wave (DESIGN.md stage 5: training and support come first)."""

    staff_trained = "staff_trained"
    instructions_delivered = "instructions_delivered"
    support_contact_set = "support_contact_set"
    pos_integration_checked = "pos_integration_checked"


def values(enum: type[Enum]) -> list[str]:
    return [member.value for member in enum]
