"""Reading a configuration document and reporting every problem with its path.

`validate_document` never raises on bad content: it returns the list of problems, each with
the path of the offending key (`promotions[2].priority: must be an integer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from loyalty_core.config.schema import ProgramConfig
from loyalty_core.errors import ConfigurationError
from loyalty_core.pydantic_errors import describe

MAX_DOCUMENT_BYTES = 1_000_000


@dataclass(frozen=True)
class ConfigProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases: a configuration never needs them, and a few nested
    aliases ("billion laughs") would expand into millions of nodes once the document is walked."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (*name) are not allowed in a configuration", event.start_mark
            )
        return super().compose_node(parent, index)


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
        # Safe loading builds plain scalars, lists and dicts only: no object construction.
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigurationError(f"{source}: not valid YAML/JSON{where}: {problem}") from None
    except RecursionError:
        # The YAML composer recurses once per level: "[[[[...]]]]" would otherwise escape raw.
        raise ConfigurationError(f"{source}: nested too deeply to be a configuration") from None


def validate_document(document: Any) -> list[ConfigProblem]:
    """Every problem of a parsed configuration document, each with its path; [] when valid."""
    if not isinstance(document, dict):
        return [ConfigProblem("", "the configuration must be a mapping of keys (program, earn, ...)")]
    try:
        ProgramConfig.model_validate(document)
    except ValidationError as exc:
        return [ConfigProblem(path, message) for path, message in describe(exc)]
    return []


def parse_config(document: Any) -> ProgramConfig:
    """A validated ProgramConfig, or ConfigurationError listing every problem."""
    problems = validate_document(document)
    if problems:
        raise ConfigurationError(
            f"the configuration has {len(problems)} problem(s)", problems=[str(p) for p in problems]
        )
    return ProgramConfig.model_validate(document)
