"""What an import kept, changed or could not keep: the list a user reads after opening a file.

Every BPMN element of a file is either represented in the models or named here with its id and
kind, so nothing a modeler drew disappears without a word.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum


class Outcome(str, Enum):
    """What happened to an element of the file."""

    not_kept = "not kept"
    changed = "kept, changed"
    verbatim = "kept, not interpreted"
    note = "note"


@dataclass(frozen=True)
class ReportItem:
    """One element (or a fact about the file) the user should know about."""

    outcome: Outcome
    kind: str
    element_id: str
    message: str
    # The process (or collaboration) the element belongs to, when there is one.
    process: str = ""

    def __str__(self) -> str:
        where = f" in {self.process}" if self.process else ""
        ident = f" {self.element_id!r}" if self.element_id else ""
        return f"{self.outcome.value}: {self.kind}{ident}{where}: {self.message}"


@dataclass
class ImportReport:
    """The findings of one import, in the order they were made."""

    source: str = ""
    items: list[ReportItem] = field(default_factory=list)

    def add(self, outcome: Outcome, kind: str, element_id: str, message: str, process: str = "") -> None:
        """Record one finding."""
        self.items.append(ReportItem(outcome, kind, element_id or "", message, process))

    @property
    def not_kept(self) -> list[ReportItem]:
        """The elements the models do not hold at all."""
        return [i for i in self.items if i.outcome is Outcome.not_kept]

    @property
    def complete(self) -> bool:
        """True when nothing of the file was left out (changes and notes may still exist)."""
        return not self.not_kept

    def of(self, outcome: Outcome) -> list[ReportItem]:
        """The findings with one outcome."""
        return [i for i in self.items if i.outcome is outcome]

    def summary(self, examples: int = 3) -> str:
        """A short text for people: one line per outcome and element kind, with a few ids."""
        if not self.items:
            return f"{self.source or 'the file'}: everything was kept"
        groups: dict[tuple[Outcome, str], list[ReportItem]] = defaultdict(list)
        for item in self.items:
            groups[(item.outcome, item.kind)].append(item)
        order = list(Outcome)
        lines = [f"{self.source or 'the file'}:"]
        for (outcome, kind), items in sorted(groups.items(), key=lambda g: (order.index(g[0][0]), g[0][1])):
            ids = [i.element_id for i in items if i.element_id]
            shown = ", ".join(ids[:examples]) + (
                f" and {len(ids) - examples} more" if len(ids) > examples else ""
            )
            count = f"{len(items)} x " if len(items) > 1 else ""
            lines.append(
                f"  {outcome.value}: {count}{kind}{f' ({shown})' if shown else ''}: {items[0].message}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()
