"""One optional build step; everything else about the package is in pyproject.toml.

With LOYALTY_COMPILE_ENGINE=1 the pure points engine (the modules of `COMPILED_ENGINE`) is
compiled with mypyc, unchanged, into C extensions that Python imports in place of the .py files:
quotes run about 1.7 times faster (bench/quote_rate.py). It needs mypy and a C compiler in the
build environment, so it is never the default: a plain `pip install .` stays pure Python.

    make engine                                   # in a checkout: built in place (git-ignored)
    LOYALTY_COMPILE_ENGINE=1 pip install --no-build-isolation .   # a deployment, mypy installed

`loyalty_core.engine.compiled_engine()` says which one a process runs; the test
tests/loyalty_core/engine/test_compiled_engine.py compiles it and compares the two on random
baskets.
"""

from __future__ import annotations

import os
from typing import Any

from setuptools import setup

COMPILED_ENGINE = [
    "loyalty_core/money.py",
    "loyalty_core/engine/basket.py",
    "loyalty_core/engine/promotions.py",
    "loyalty_core/engine/calculate.py",
]


def compiled_engine() -> list[Any]:
    if os.environ.get("LOYALTY_COMPILE_ENGINE") != "1":
        return []
    from mypyc.build import mypycify  # only here: a pure build needs no mypy

    # The shared runtime goes inside the package (not a top-level module named by a hash).
    return mypycify(COMPILED_ENGINE, opt_level="3", group_name="loyalty_core.engine_native")


setup(ext_modules=compiled_engine())
