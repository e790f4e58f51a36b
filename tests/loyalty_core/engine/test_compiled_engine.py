"""The engine compiled by mypyc (setup.py with LOYALTY_COMPILE_ENGINE=1, `make engine`) decides
exactly what the pure Python engine decides, and a compiled engine older than its source is
refused at import.

The comparison copies the package into a temporary folder, runs engine_decisions.py there on
3,000 seeded random receipts over programmes of 0 to 200 promotions, compiles the copy with the
project's own setup.py, runs it again, and compares the two outputs line by line (the repr of
every decision: Decimals, lines, promotions and reasons, or the refusal).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from loyalty_core.engine.native import NATIVE_MODULES

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("engine_decisions.py")
RECEIPTS = 3000


def _compiled_paths() -> list[str]:
    """setup.py's COMPILED_ENGINE, read without running setup.py."""
    tree = ast.parse((ROOT / "setup.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "COMPILED_ENGINE":
            return list(ast.literal_eval(node.value))
    raise AssertionError("setup.py has no COMPILED_ENGINE")


def test_the_build_compiles_the_modules_the_guard_checks() -> None:
    assert [p.removesuffix(".py").replace("/", ".") for p in _compiled_paths()] == list(NATIVE_MODULES)


def _decisions(folder: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    out = subprocess.run(
        [sys.executable, str(SCRIPT), str(RECEIPTS), "13"],
        cwd=folder, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.splitlines()


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        pytest.skip("no C compiler to build the compiled engine: apt-get install -y gcc python3-dev")
    pytest.importorskip(
        "mypyc.build", reason="mypy (a test extra) compiles the engine: pip install '.[test]'"
    )
    folder = tmp_path_factory.mktemp("engine")
    shutil.copytree(
        ROOT / "loyalty_core", folder / "loyalty_core", ignore=shutil.ignore_patterns("*.so", "__pycache__")
    )
    for name in ("setup.py", "pyproject.toml"):
        shutil.copy(ROOT / name, folder / name)
    return folder


def test_the_compiled_engine_decides_exactly_as_the_pure_one(copy: Path) -> None:
    pure = _decisions(copy)
    assert pure[0] == "compiled: False"
    build = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
        cwd=copy, env={**os.environ, "LOYALTY_COMPILE_ENGINE": "1"}, capture_output=True, text=True,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    compiled = _decisions(copy)
    assert compiled[0] == "compiled: True"
    assert len(compiled) == len(pure) == RECEIPTS + 1
    assert sum(line.startswith("Decision(") for line in pure) > RECEIPTS // 2
    for number, (expected, got) in enumerate(zip(pure[1:], compiled[1:], strict=True), start=1):
        assert got == expected, f"receipt {number} differs"


def test_a_compiled_engine_older_than_its_source_is_refused(copy: Path) -> None:
    extensions = list((copy / "loyalty_core" / "engine").glob("calculate.*.so"))
    if not extensions:
        pytest.skip("runs after the comparison has compiled the copy")
    source = copy / "loyalty_core" / "engine" / "calculate.py"
    later = extensions[0].stat().st_mtime + 60
    os.utime(source, (later, later))  # as an edit after `make engine` leaves it
    run = subprocess.run(
        [sys.executable, "-c", "import loyalty_core.engine"],
        cwd=copy, env={**os.environ, "PYTHONPATH": str(copy)}, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode != 0
    assert "make engine" in run.stderr and "loyalty_core.engine.calculate" in run.stderr
