"""The package rules of DESIGN.md, checked on every test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    """import-linter's contracts in pyproject.toml: layers, a self-contained core, a Flask-free
    process_models."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_core_imports_and_serves_on_its_own() -> None:
    """`import loyalty_core` (and its API) pulls in none of the other packages."""
    code = (
        "import sys, loyalty_core, loyalty_core.api, loyalty_core.api.views, loyalty_core.ledger.service;"
        "from loyalty_core.api import create_app; create_app('sqlite://');"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('workbench', 'gap_analysis', 'process_models', 'rollout', 'analytics', 'flask_sqlalchemy', "
        "'flask_login')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
