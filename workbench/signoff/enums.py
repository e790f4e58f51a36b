"""Vocabularies of the sign-off."""

from __future__ import annotations

from enum import Enum


class PackageState(str, Enum):
    """What `status` reports for a package (computed from its decisions, never set by hand)."""

    waiting = "waiting"  # decisions still missing on the current revision
    signed = "signed"  # the rule was met: the package and its configuration version are frozen
    rejected = "rejected"  # an approver rejected the current revision
    stale = "stale"  # the content changed after decisions were given: they no longer count


class Decision(str, Enum):
    approve = "approve"
    reject = "reject"
