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
        # The message as an English template and its values (see `formatted`): an edge that
        # speaks another language translates the template and fills it in again.
        self.template = ""
        self.params: dict[str, object] = {}

    @classmethod
    def formatted(cls, template: str, *, field: str = "", **params: object) -> GapAnalysisError:
        """The error whose message is `template % params` ("%(field)s: required"; `field` is a
        parameter too), keeping both."""
        values = {"field": field, **params}
        error = cls(template % values, field=field)
        error.template, error.params = template, values
        return error


def N_(text: str) -> str:
    return text  # marks a message template for extraction (Babel's N_); the workbench translates it
