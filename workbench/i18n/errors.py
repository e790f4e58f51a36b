"""Refusals of the domain packages in the reader's language."""

from __future__ import annotations

from flask_babel import gettext


def error_message(error: Exception) -> str:
    """The message of `error` translated when it carries an English template and its values
    (gap_analysis' `GapAnalysisError.formatted`); as it is otherwise (the workbench's own
    services already raise translated messages)."""
    template = getattr(error, "template", "")
    if template:
        return str(gettext(template, **getattr(error, "params", {})))
    return str(error)
