"""Kinds of interview findings."""

from __future__ import annotations

from enum import Enum

from flask_babel import gettext

from workbench.i18n.markers import N_


class FindingKind(str, Enum):
    """What a finding says about the client: a pain today, a need for tomorrow, a fact, a risk."""

    pain_point = "pain_point"
    need = "need"
    fact = "fact"
    risk = "risk"

    @property
    def label(self) -> str:
        """The kind as people read it, in the current language ("Pain point")."""
        return str(gettext(_LABELS[self.value]))


_LABELS = {"pain_point": N_("Pain point"), "need": N_("Need"), "fact": N_("Fact"), "risk": N_("Risk")}
