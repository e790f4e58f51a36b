"""The vocabularies of the gap map: MoSCoW priorities, fit/gap classifications, statuses."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum
from typing import Self

from gap_analysis.errors import GapAnalysisError


class _Labelled(str, Enum):
    @property
    def label(self) -> str:
        """The value as people read it ("Gap — extension")."""
        return _LABELS.get(self.value, self.value.replace("_", " ").capitalize())

    @classmethod
    def parse(cls, value: str) -> Self:
        """The member named by `value`: its value, name or label, or one of the enum's aliases
        (`_ALIASES`: the Russian MoSCoW words). Any case and spacing, ё as е, any dash as a
        hyphen ("Fit - standard") and a typographic apostrophe as the plain one ("Won’t", as
        Word and Excel autocorrect it), so a page filter, a form and the import accept the same
        spellings. ValueError naming the choices otherwise."""
        text = (value or "").strip()
        wanted = _spelling(text)
        for member in cls:
            if wanted in (_spelling(member.value), _spelling(member.name), _spelling(member.label)):
                return member
        alias = _ALIASES.get(cls, {}).get(wanted)
        if alias is not None:
            return cls(alias)
        choices = ", ".join(member.value for member in cls)
        raise ValueError(f"{text!r} is not one of {choices}")

    @classmethod
    def of(cls, value: Self | str, *, field: str) -> Self:
        """`value` as a member (a member passes as it is); a GapAnalysisError naming `field`
        ("priority: 'urgent' is not one of must, should, could, wont") otherwise."""
        if isinstance(value, cls):
            return value
        try:
            return cls.parse(value)
        except ValueError as error:
            raise GapAnalysisError(f"{field}: {error}", field=field) from None


class Priority(_Labelled):
    """MoSCoW: what the client must, should, could have, and what it won't have this time."""

    must = "must"
    should = "should"
    could = "could"
    wont = "wont"


class SourceKind(_Labelled):
    """Where a requirement came from."""

    finding = "finding"  # an interview finding
    step = "step"  # a TO-BE process step
    typed = "typed"  # typed in (or imported)


class Classification(_Labelled):
    """How the loyalty core meets a requirement (карта разрыва функционала)."""

    fit_standard = "fit_standard"  # the core does it out of the box
    fit_configuration = "fit_configuration"  # the core does it once a configuration key is set
    gap_extension = "gap_extension"  # needs development in the core
    gap_integration = "gap_integration"  # needs an interface to another system
    gap_report = "gap_report"  # needs a report
    workaround = "workaround"  # met by changing the process instead
    out_of_scope = "out_of_scope"  # not part of this implementation

    @property
    def is_fit(self) -> bool:
        return self in (Classification.fit_standard, Classification.fit_configuration)

    @property
    def is_gap(self) -> bool:
        """A gap needs a modification (список доработок)."""
        return self.value.startswith("gap_")


class ClassificationStatus(_Labelled):
    """How far the classification of a requirement is agreed."""

    open = "open"  # not classified yet, or still being worked out
    proposed = "proposed"  # the consultant's proposal, waiting for the client
    agreed = "agreed"  # agreed with the client
    disputed = "disputed"  # the client disagrees; rationale says why


class ModificationStatus(_Labelled):
    """Where a modification (доработка) stands."""

    proposed = "proposed"
    approved = "approved"
    in_progress = "in_progress"
    done = "done"
    rejected = "rejected"


class ScenarioStatus(str, Enum):
    """What an acceptance scenario came to in its latest run: behave's statuses, `error` for a
    feature that could not be parsed, and `not_run` for a scenario no run has included yet."""

    passed = "passed"
    failed = "failed"
    skipped = "skipped"
    undefined = "undefined"
    error = "error"
    not_run = "not_run"


# The one order of statuses, least to most severe: several results make one by the most severe
# (an outline's example rows in a run, a requirement's scenarios in the gap map). A scenario
# never run says less than a pass, and more than nothing went wrong.
SEVERITY = {
    status.value: rank
    for rank, status in enumerate(
        (
            ScenarioStatus.passed,
            ScenarioStatus.not_run,
            ScenarioStatus.skipped,
            ScenarioStatus.undefined,
            ScenarioStatus.failed,
            ScenarioStatus.error,
        )
    )
}


def worst_status(statuses: Iterable[str]) -> str:
    """The most severe of `statuses` (`not_run` for none); unknown statuses rank lowest."""
    return max(statuses, key=lambda s: SEVERITY.get(s, -1), default=ScenarioStatus.not_run.value)


_LABELS = {
    "must": "Must",
    "should": "Should",
    "could": "Could",
    "wont": "Won't",
    "finding": "Interview finding",
    "step": "TO-BE step",
    "typed": "Typed in",
    "fit_standard": "Fit — standard",
    "fit_configuration": "Fit — configuration",
    "gap_extension": "Gap — extension",
    "gap_integration": "Gap — integration",
    "gap_report": "Gap — report",
    "workaround": "Workaround (process change)",
    "out_of_scope": "Out of scope",
    "in_progress": "In progress",
}

# Other words people write for a member (in the spelling `_spelling` gives): alias -> value.
_ALIASES: dict[type[_Labelled], dict[str, str]] = {
    # The Russian MoSCoW words a client writes in a Priority column.
    Priority: {"обязательно": "must", "желательно": "should", "возможно": "could", "не будет": "wont"},
}
_DASHES = re.compile("[-‐‑‒–—―]")


def _spelling(text: str) -> str:
    """How `parse` compares words: case-folded, ё as е, single spaces, any dash a hyphen, a
    typographic apostrophe the plain one."""
    folded = _DASHES.sub("-", text.replace("’", "'")).casefold().replace("ё", "е")
    return " ".join(folded.split())
