"""Reading a configuration document and reporting every problem with its path.

`validate_document` never raises on bad content: it returns the list of problems, each with
the path of the offending key (`promotions[2].priority: must be an integer`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from loyalty_core.config.schema import ProgramConfig
from loyalty_core.errors import ConfigurationError

MAX_DOCUMENT_BYTES = 1_000_000


@dataclass(frozen=True)
class ConfigProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def load_document(text: str | bytes, *, source: str = "document") -> Any:
    """Parse YAML or JSON text (JSON is YAML) safely; raise ConfigurationError with the line."""
    if isinstance(text, bytes):
        if len(text) > MAX_DOCUMENT_BYTES:
            raise ConfigurationError(f"{source}: larger than {MAX_DOCUMENT_BYTES} bytes")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigurationError(f"{source}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if len(text) > MAX_DOCUMENT_BYTES:
        raise ConfigurationError(f"{source}: larger than {MAX_DOCUMENT_BYTES} characters")
    try:
        # safe_load builds plain scalars, lists and dicts only: no object construction.
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigurationError(f"{source}: not valid YAML/JSON{where}: {problem}") from None


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
}
_FIELD_PREFIX = re.compile(r"^(?P<field>[A-Za-z_][\w.\[\]]*): (?P<message>.+)$", re.S)


def _path(loc: tuple[int | str, ...]) -> str:
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
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "")
        return "", f"must be {op} {bound}"
    if kind == "enum":
        return "", f"must be one of: {ctx.get('expected', '')}".replace("'", "")
    if kind == "decimal_max_places":
        return "", f"at most {ctx.get('decimal_places')} decimal places"
    if kind == "string_pattern_mismatch":
        return "", "has characters that are not allowed (letters, digits, _ . - only)"
    if kind == "string_too_short":
        return "", "must not be empty"
    if kind == "value_error":
        text = str(ctx.get("error", error["msg"]))
        match = _FIELD_PREFIX.match(text)
        if match:
            return match["field"], match["message"]
        return "", text
    return "", error["msg"]


def validate_document(document: Any) -> list[ConfigProblem]:
    """Every problem of a parsed configuration document, each with its path; [] when valid."""
    if not isinstance(document, dict):
        return [ConfigProblem("", "the configuration must be a mapping of keys (program, earn, ...)")]
    try:
        ProgramConfig.model_validate(document)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            extra, message = _message(error)
            base = _path(tuple(error["loc"]))
            path = f"{base}.{extra}" if base and extra else (extra or base)
            problems.append(ConfigProblem(path, message))
        return problems
    return []


def parse_config(document: Any) -> ProgramConfig:
    """A validated ProgramConfig, or ConfigurationError listing every problem."""
    problems = validate_document(document)
    if problems:
        raise ConfigurationError(
            f"the configuration has {len(problems)} problem(s)", problems=[str(p) for p in problems]
        )
    return ProgramConfig.model_validate(document)
