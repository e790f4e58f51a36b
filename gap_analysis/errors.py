"""The one error type of the gap-map domain."""

from __future__ import annotations


class GapAnalysisError(Exception):
    """A refusal of the gap map (bad input, a dependency cycle, an unknown capability...).

    `field` names the form field or column the problem is in, when there is one, so the edge can
    show it beside that field (a flash message, a CLI line, a problem document).
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field
