"""Kinds of interview findings."""

from __future__ import annotations

from enum import Enum


class FindingKind(str, Enum):
    """What a finding says about the client: a pain today, a need for tomorrow, a fact, a risk."""

    pain_point = "pain_point"
    need = "need"
    fact = "fact"
    risk = "risk"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
