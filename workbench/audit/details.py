"""An audit entry's details as a reader takes them in: "field: old → new" lines, not JSON.

The services record details in a few shapes: {"from": a, "to": b} (a value that changed),
{"changed": {field: [old, new]}} (fields of an edit), {"before": {...}} (what an edit replaced)
and plain facts ({"project": "DEMO", "scenarios": 31}). Each becomes one or more lines.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

ARROW = "→"
MAX_VALUE = 200  # a long text (a description, a hash list) is cut: the entry stays readable


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        text = ", ".join(_value(item) for item in value)
    elif isinstance(value, dict):
        text = "; ".join(f"{key}={_value(item)}" for key, item in value.items())
    else:
        text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _is_pair(value: Any) -> bool:
    return isinstance(value, list | tuple) and len(value) == 2


def _change_lines(changed: dict[str, Any]) -> list[str]:
    lines = []
    for field, change in changed.items():
        if _is_pair(change):
            lines.append(f"{field}: {_value(change[0])} {ARROW} {_value(change[1])}")
        elif isinstance(change, dict) and {"from", "to"} <= change.keys():
            lines.append(f"{field}: {_value(change['from'])} {ARROW} {_value(change['to'])}")
        else:
            lines.append(f"{field}: {_value(change)}")
    return lines


def readable(details: dict[str, Any] | None, target_type: str = "") -> list[str]:
    """The lines that say what an entry's details hold, in the order they were recorded."""
    details = dict(details or {})
    lines: list[str] = []
    for key, value in details.items():
        if key in ("from", "to"):
            if key == "from" or "from" not in details:  # the pair once, where it starts
                subject = target_type or "value"
                lines.append(f"{subject}: {_value(details.get('from'))} {ARROW} {_value(details.get('to'))}")
        elif key == "changed" and isinstance(value, dict):
            lines += _change_lines(value)
        elif key == "before" and isinstance(value, dict):
            lines += [f"{field} (before): {_value(old)}" for field, old in value.items()]
        else:
            lines.append(f"{key}: {_value(value)}")
    return lines
