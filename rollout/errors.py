"""The rollout's one error type: a refusal naming what is wrong (and the field, when there is one)."""

from __future__ import annotations


class RolloutError(Exception):
    """A refused rollout step; nothing was changed. `field` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.detail = message
        self.field = field
        self.problems = list(problems or [])


class GateClosed(RolloutError):
    """Advancing past a gate whose criteria do not all hold, without an override."""

    def __init__(self, message: str, failing: list[str]) -> None:
        super().__init__(message, field="gate", problems=failing)
        self.failing = failing
