"""Checking what people type into the gap map's forms and files, naming the field on refusal."""

from __future__ import annotations

from gap_analysis.errors import N_, GapAnalysisError


def checked_text(value: str | None, field: str, limit: int, *, required: bool = False) -> str:
    """`value` stripped; GapAnalysisError naming `field` when it is required and empty, or
    longer than `limit` characters."""
    text = (value or "").strip()
    if required and not text:
        raise GapAnalysisError.formatted(N_("%(field)s: required"), field=field)
    if len(text) > limit:
        raise GapAnalysisError.formatted(
            N_("%(field)s: at most %(limit)s characters"), field=field, limit=limit
        )
    return text
