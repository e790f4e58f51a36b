"""Checking what people type into the gap map's forms and files, naming the field on refusal."""

from __future__ import annotations

from gap_analysis.errors import GapAnalysisError


def checked_text(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    """`value` stripped; GapAnalysisError naming `field` when it is required and empty, or
    longer than `limit` characters."""
    text = (value or "").strip()
    if required and not text:
        raise GapAnalysisError(f"{field}: required", field=field)
    if len(text) > limit:
        raise GapAnalysisError(f"{field}: at most {limit} characters", field=field)
    return text
