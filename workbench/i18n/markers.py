"""`N_`, Babel's extraction marker: `N_("text")` is `text` itself, extracted into the catalogues
by `make translations` and translated where it is shown (a label's gettext, an error page, a
template). One definition for the workbench; gap_analysis keeps its own (it cannot import the
workbench)."""

from __future__ import annotations


def N_(text: str) -> str:
    return text
