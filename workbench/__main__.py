"""`python -m workbench ...` is the `workbench` command (what `workbench serve` starts its job
worker with, so it needs no script on PATH)."""

from workbench.cli import main

main()
