"""The demo's content files (this folder's YAML) read into typed records.

Each file holds one or more lists of entries; `records` builds one record per entry and names
the file, the list and the entry's position when one does not fit (a misspelt field, a missing
one, a value of the wrong kind), so a hand edit of the demo fails with where to look.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

HERE = Path(__file__).parent
Record = TypeVar("Record")


class DemoContentError(ValueError):
    """A demo content file that does not read as its records."""


@cache
def _parsed(name: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's, when PyYAML has it
    data = yaml.load((HERE / name).read_text("utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
    if not isinstance(data, dict):
        raise DemoContentError(f"{name}: expected a mapping of lists at the top")
    return data


def records(name: str, section: str, build: Callable[[dict[str, Any]], Record]) -> tuple[Record, ...]:
    """`build` applied to each entry of list `section` of file `name`, in order."""
    entries = _parsed(name).get(section)
    if not isinstance(entries, list):
        raise DemoContentError(f"{name}: {section}: expected a list")
    built = []
    for position, entry in enumerate(entries):
        try:
            if not isinstance(entry, dict):
                raise TypeError("expected a mapping of fields")
            built.append(build(entry))
        except (KeyError, TypeError, ValueError) as error:
            what = f"missing field {error}" if isinstance(error, KeyError) else str(error)
            raise DemoContentError(f"{name}: {section}[{position}]: {what}") from None
    return tuple(built)
