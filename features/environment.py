"""behave hooks: every scenario starts with a fresh till state (no database: the pure engine)."""

from __future__ import annotations

from typing import Any

from steps.state import TillState


def before_scenario(context: Any, scenario: Any) -> None:
    context.till = TillState()
