"""What an inventory item is."""

from __future__ import annotations

from enum import Enum


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
        return {
            "algorithm": "Algorithms",
            "form": "Document forms",
            "report": "Reports",
            "system": "IT systems",
            "integration": "Integrations",
        }[self.value]
