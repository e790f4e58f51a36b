"""The English labels of the vocabularies pages show: the domain packages' enums and status words.

gap_analysis and process_models know no Flask, so their labels stay English there; they are
listed here so that extraction finds them, and pages show them through the `t` filter
(`{{ x.label | t }}`) or `status_label`. tests/workbench/test_i18n_catalogue.py checks this list
against the enums, so a new member cannot go untranslated."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from workbench.i18n.markers import N_

DOMAIN_LABELS = frozenset(
    {
        # gap_analysis.traceability: why a hop of a chain is highlighted (the fixed ones)
        N_("a gap with no modification"),
        N_("a scenario has never run"),
        N_("a workaround with no rationale saying what changes"),
        N_("fit as standard names no capability"),
        N_("fit by configuration names no capability and key"),
        N_("its TO-BE step was deleted from the model"),
        N_("its interview finding was deleted"),
        N_("never run"),
        N_("not classified yet"),
        N_("not classified"),
        N_("not linked to a TO-BE step"),
        N_("nothing to run"),
        N_("typed in: no interview finding says who asked for it"),
        # gap_analysis.matrix: the gap map's extra column and row
        N_("Unclassified"),
        N_("(no process area)"),
        # Priority
        N_("Must"),
        N_("Should"),
        N_("Could"),
        N_("Won't"),
        # SourceKind
        N_("Interview finding"),
        N_("TO-BE step"),
        N_("Typed in"),
        # Classification
        N_("Fit — standard"),
        N_("Fit — configuration"),
        N_("Gap — extension"),
        N_("Gap — integration"),
        N_("Gap — report"),
        N_("Workaround (process change)"),
        N_("Out of scope"),
        # ClassificationStatus
        N_("Open"),
        N_("Proposed"),
        N_("Agreed"),
        N_("Disputed"),
        # ModificationStatus
        N_("Proposed"),
        N_("Approved"),
        N_("In progress"),
        N_("Done"),
        N_("Rejected"),
        # Hop
        N_("Interview finding"),
        N_("TO-BE step"),
        N_("Classification"),
        N_("Capability / modification"),
        N_("Test scenario"),
        N_("Last result"),
        # NodeKind
        N_("Start event"),
        N_("End event"),
        N_("Intermediate catch event"),
        N_("Intermediate throw event"),
        N_("Boundary event"),
        N_("Task"),
        N_("User task"),
        N_("Service task"),
        N_("Manual task"),
        N_("Script task"),
        N_("Send task"),
        N_("Receive task"),
        N_("Business rule task"),
        N_("Exclusive gateway (XOR)"),
        N_("Parallel gateway (AND)"),
        N_("Inclusive gateway (OR)"),
        N_("Event-based gateway"),
        N_("Complex gateway"),
        N_("Sub-process"),
        N_("Call activity"),
    }
)


# Status words shown in badges (acceptance results and runs, configuration versions) and kinds
# of transactions.
_STATUSES = {
    "passed": N_("passed"),
    "failed": N_("failed"),
    "skipped": N_("skipped"),
    "undefined": N_("undefined"),
    "error": N_("error"),
    "not_run": N_("not run"),
    "queued": N_("queued"),
    "running": N_("running"),
    "finished": N_("finished"),
    "draft": N_("draft"),
    "approved": N_("approved"),
    # kinds of the core's transactions (loyalty_core.ledger.enums.TransactionKind)
    "purchase": N_("purchase"),
    "return": N_("return"),
    "expiry": N_("expiry"),
}


def status_label(value: str) -> str:
    """A status value ("not_run") as people read it in the current language ("not run")."""
    return str(gettext(_STATUSES[value])) if value in _STATUSES else value.replace("_", " ")


# The kinds of change of a process comparison (process_models.diff.ChangeKind) and the elements
# of its change table (process_models.changes.ChangeRow.element), as the change table shows them.
_CHANGE_KINDS = {
    "added": N_("added"),
    "removed": N_("removed"),
    "renamed": N_("renamed"),
    "moved": N_("moved to another lane"),
    "retyped": N_("type changed"),
    "automated": N_("automated"),
    "merged": N_("merged"),
    "split": N_("split"),
    "changed": N_("changed"),
    "layout_changed": N_("layout changed"),
}
_CHANGE_ELEMENTS = {
    "step": N_("step"),
    "message flow": N_("message flow"),
    "pool": N_("pool"),
    "lane": N_("lane"),
    "layout": N_("layout"),
}


# The fields of a changed step or flow (process_models.diff.FieldChange.field).
_CHANGE_FIELDS = {
    "name": N_("name"),
    "lane": N_("lane"),
    "kind": N_("type"),
    "source": N_("source"),
    "target": N_("target"),
    "condition": N_("condition"),
}


def change_kind_label(kind: Any) -> str:
    """A kind of change (a ChangeKind or its value) in the current language."""
    value = str(getattr(kind, "value", kind))
    return str(gettext(_CHANGE_KINDS[value])) if value in _CHANGE_KINDS else value


def change_element_label(element: str) -> str:
    """An element of the change table ("message flow") in the current language."""
    return str(gettext(_CHANGE_ELEMENTS[element])) if element in _CHANGE_ELEMENTS else element


def change_field_label(field: str) -> str:
    """A field of a changed step or flow ("lane") in the current language."""
    return str(gettext(_CHANGE_FIELDS[field])) if field in _CHANGE_FIELDS else field
