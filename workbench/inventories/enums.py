"""What an inventory item is."""

from __future__ import annotations

from enum import Enum

from flask_babel import gettext

from workbench.i18n.markers import N_


class Category(str, Enum):
    """The inventories of stage 1 (DESIGN.md): algorithms in use, document forms, reports, and the
    IT landscape as systems and the integrations between them."""

    algorithm = "algorithm"
    form = "form"
    report = "report"
    system = "system"
    integration = "integration"

    @property
    def label(self) -> str:
        return str(gettext(_LABELS[self.value]))


_LABELS = {
    "algorithm": N_("Algorithms"),
    "form": N_("Document forms"),
    "report": N_("Reports"),
    "system": N_("IT systems"),
    "integration": N_("Integrations"),
}
