"""Programme analytics in the workbench: KPI dashboard, pilot evaluation, JSON per KPI, CLI.
The computations live in the top-level `analytics` package; this folder only wires them up."""
