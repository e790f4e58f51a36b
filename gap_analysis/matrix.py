"""The gap map's figures: the process area x classification matrix, and the coverage of Must
requirements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gap_analysis.enums import Classification, Priority
from gap_analysis.records import Coverage, RequirementRecord

UNCLASSIFIED = "unclassified"
NO_AREA = ""
UNCLASSIFIED_LABEL = "Unclassified"
NO_AREA_LABEL = "(no process area)"


@dataclass(frozen=True)
class GapMatrix:
    """Counts of requirements per process area (rows) and classification (columns).

    Columns are every Classification value in their order, then "unclassified"; rows are the
    areas in alphabetical order ("" — requirements with no area — last).
    """

    areas: tuple[str, ...]
    columns: tuple[str, ...]
    counts: dict[tuple[str, str], int]

    def count(self, area: str, column: str) -> int:
        return self.counts.get((area, column), 0)

    def row_total(self, area: str) -> int:
        return sum(self.count(area, column) for column in self.columns)

    def column_total(self, column: str) -> int:
        return sum(self.count(area, column) for area in self.areas)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def column_label(column: str) -> str:
    """The heading of a matrix column (a Classification value or "unclassified")."""
    return UNCLASSIFIED_LABEL if column == UNCLASSIFIED else Classification(column).label


def area_label(area: str) -> str:
    """The heading of a matrix row ("(no process area)" for requirements without one)."""
    return NO_AREA_LABEL if area == NO_AREA else area


def column_of(requirement: RequirementRecord) -> str:
    """The matrix column of a requirement: its classification's value, or "unclassified"."""
    return requirement.classification.value if requirement.classification else UNCLASSIFIED


def gap_matrix(requirements: Iterable[RequirementRecord]) -> GapMatrix:
    """Count `requirements` per (process area, classification)."""
    counts: Counter[tuple[str, str]] = Counter(
        (requirement.process_area.strip(), column_of(requirement)) for requirement in requirements
    )
    areas = sorted({area for area, _ in counts}, key=lambda area: (area == NO_AREA, area.casefold()))
    columns = (*(c.value for c in Classification), UNCLASSIFIED)
    return GapMatrix(tuple(areas), columns, dict(counts))


def is_covered(requirement: RequirementRecord) -> bool:
    """Covered: fit (standard or configuration) or a gap with a modification, and in both cases
    at least one acceptance scenario tagged with it. A workaround or an out-of-scope decision
    is a decision, not coverage: it does not count."""
    classification = requirement.classification
    if classification is None:
        return False
    met = classification.is_fit or (classification.is_gap and bool(requirement.modifications))
    return met and bool(requirement.scenarios)


def uncovered_musts(requirements: Iterable[RequirementRecord]) -> list[RequirementRecord]:
    """The Must requirements that are not covered (what keeps the coverage below 100%)."""
    return [r for r in requirements if r.priority is Priority.must and not is_covered(r)]


def coverage(requirements: Sequence[RequirementRecord]) -> Coverage:
    """The coverage of the Must requirements among `requirements`."""
    total = sum(1 for r in requirements if r.priority is Priority.must)
    return Coverage(must_total=total, must_covered=total - len(uncovered_musts(requirements)))
