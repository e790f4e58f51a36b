"""Filters of the gap map's lists, over its plain records: what the requirements list, the
matrix and the modifications list keep for the filters a person chose."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from gap_analysis.enums import Classification, ClassificationStatus, ModificationStatus, Priority
from gap_analysis.matrix import UNCLASSIFIED, column_of
from gap_analysis.records import ModificationRecord, RequirementRecord


@dataclass(frozen=True)
class RequirementFilter:
    """Filters of the requirements list; empty values do not filter."""

    priority: str = ""
    status: str = ""
    classification: str = ""  # a Classification value or label, or "unclassified"
    area: str | None = None  # None: any area; "": requirements with no area
    text: str = ""


def matching(records: Iterable[RequirementRecord], filters: RequirementFilter) -> list[RequirementRecord]:
    """The records the filters keep (ValueError naming a bad filter value)."""
    priority = Priority.parse(filters.priority) if filters.priority else None
    status = ClassificationStatus.parse(filters.status) if filters.status else None
    column = filters.classification
    if column and column != UNCLASSIFIED:
        column = Classification.parse(column).value
    area = filters.area.strip() if filters.area is not None else None
    text = filters.text.strip().casefold()
    return [
        record
        for record in records
        if (priority is None or record.priority is priority)
        and (status is None or record.status is status)
        and (not column or column_of(record) == column)
        and (area is None or record.process_area.strip() == area)
        and (not text or text in f"{record.ref} {record.title} {record.description}".casefold())
    ]


def matching_modifications(
    records: Iterable[ModificationRecord], *, status: str = "", priority: str = ""
) -> list[ModificationRecord]:
    """The modifications with that status and priority (empty: any); ValueError naming a bad value."""
    wanted_status = ModificationStatus.parse(status) if status else None
    wanted_priority = Priority.parse(priority) if priority else None
    return [
        record
        for record in records
        if (wanted_status is None or record.status is wanted_status)
        and (wanted_priority is None or record.priority is wanted_priority)
    ]


def total_days(records: Iterable[ModificationRecord]) -> Decimal:
    """The summed estimate of `records`, in person-days."""
    return sum((record.estimate_days for record in records), Decimal("0.0"))
