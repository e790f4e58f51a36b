"""The browser modeller's build from a clean checkout: `npm ci` installs bpmn-js and esbuild at the
versions of package-lock.json (from the npm registry, or npm's cache), and frontend/build.mjs
bundles them into workbench/static/build/; the repository itself holds none of that code.

Needs Node.js and npm (skipped without them, except under CI=true, where it fails).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLES = ("viewer", "modeller", "compare")


def test_npm_ci_on_a_clean_checkout_builds_the_assets(tmp_path: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but npm is missing: the modeller's assets must build in CI")
        pytest.skip("npm is not installed (Node.js 20 and npm build the modeller)")
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "frontend", tmp_path / "frontend")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([npm, "run", "build"], cwd=tmp_path, check=True, capture_output=True)
    build = tmp_path / "workbench" / "static" / "build"
    for bundle in BUNDLES:
        assert (build / f"{bundle}.js").stat().st_size > 100_000, bundle
        assert (build / f"{bundle}.css").is_file(), bundle
    # The palette's icon font is a file of this site (the CSP refuses data: fonts).
    assert list(build.glob("bpmn-*.woff2"))
    # The versions are pinned: what the lock file installed is what package.json names.
    wanted = json.loads((ROOT / "package.json").read_text())
    for section in ("dependencies", "devDependencies"):
        for package, version in wanted[section].items():
            installed = json.loads((tmp_path / "node_modules" / package / "package.json").read_text())
            assert installed["version"] == version, package


def test_the_repository_holds_no_bundled_code() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(
        ["git", "ls-files", "node_modules", "workbench/static/build"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert tracked == ""
    for path in ("workbench/static/build/modeller.js", "node_modules/bpmn-js/package.json"):
        assert subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT).returncode == 0, path
