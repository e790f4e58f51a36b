"""Turning pydantic validation errors into `path: message` lines a person can act on.

Shared by the configuration validator and the POS API's request parsing, so a consultant and a
POS integrator read problems in the same form: `promotions[2].priority: must be an integer`,
`lines[0].quantity: must be a positive decimal string`.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

_FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "unknown key",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "date_type": "must be a date (YYYY-MM-DD)",
    "date_parsing": "must be a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
    "uuid_parsing": "must be a UUID",
    "uuid_type": "must be a UUID",
    "string_too_short": "must not be empty",
    "json_invalid": "is not valid JSON",
}
_BOUNDS = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}
_FIELD_PREFIX = re.compile(r"^(?P<field>[A-Za-z_][\w.\[\]]*): (?P<message>.+)$", re.S)


def error_path(loc: tuple[int | str, ...]) -> str:
    """('promotions', 2, 'priority') -> 'promotions[2].priority'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(error: Any) -> tuple[str, str]:
    """(extra path, message) for one pydantic error."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in _FRIENDLY:
        return "", _FRIENDLY[kind]
    if kind in _BOUNDS:
        return "", f"must be {_BOUNDS[kind]} {next(iter(ctx.values()), '')}"
    if kind == "enum" or kind == "literal_error":
        return "", f"must be one of: {ctx.get('expected', '')}".replace("'", "")
    if kind == "decimal_max_places":
        return "", f"at most {ctx.get('decimal_places')} decimal places"
    if kind == "string_pattern_mismatch":
        return "", "has characters that are not allowed (letters, digits, _ . - only)"
    if kind == "string_too_long":
        return "", f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return "", f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "too_long":
        return "", f"must have at most {ctx.get('max_length')} items"
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error", error["msg"]))
        match = _FIELD_PREFIX.match(text)
        if match:
            return match["field"], match["message"]
        return "", text
    return "", str(error["msg"])


def describe(exc: ValidationError) -> list[tuple[str, str]]:
    """Every error of a ValidationError as (path, message)."""
    problems = []
    for error in exc.errors():
        extra, message = _message(error)
        base = error_path(tuple(error["loc"]))
        path = f"{base}.{extra}" if base and extra else (extra or base)
        problems.append((path, message))
    return problems
