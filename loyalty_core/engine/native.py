"""Which engine this process runs: pure Python, or compiled by mypyc (setup.py, `make engine`).

Python imports a module's C extension in place of its .py file, so an engine compiled in a
checkout and then edited would go on running the old code. `check_current` refuses that: a
compiled module whose source is newer than its extension stops the import with what to run.
"""

from __future__ import annotations

import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

# The modules setup.py's COMPILED_ENGINE compiles (a test keeps the two lists equal).
NATIVE_MODULES = (
    "loyalty_core.money",
    "loyalty_core.engine.basket",
    "loyalty_core.engine.promotions",
    "loyalty_core.engine.calculate",
)
# An install writes a module's .py and its extension moments apart; an edit comes later.
SLACK_SECONDS = 2.0


def _extension_path(module_name: str) -> Path | None:
    module = sys.modules.get(module_name)
    location = getattr(module, "__file__", None) or ""
    return Path(location) if location.endswith(tuple(EXTENSION_SUFFIXES)) else None


def compiled_modules() -> list[str]:
    """The engine's modules this process loaded from a compiled extension."""
    return [name for name in NATIVE_MODULES if _extension_path(name) is not None]


def compiled_engine() -> bool:
    """True when the whole engine runs compiled."""
    return len(compiled_modules()) == len(NATIVE_MODULES)


def check_current() -> None:
    """Refuse a compiled module older than its source (ImportError naming the fix)."""
    for name in NATIVE_MODULES:
        extension = _extension_path(name)
        if extension is None:
            continue
        source = extension.parent / f"{name.rsplit('.', 1)[1]}.py"
        if source.exists() and source.stat().st_mtime > extension.stat().st_mtime + SLACK_SECONDS:
            raise ImportError(
                f"{name} runs compiled from an older {source.name} (changed since `make engine`): "
                "run `make engine` again, or `make clean-engine` for the pure Python engine"
            )
