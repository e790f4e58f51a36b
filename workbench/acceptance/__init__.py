"""Acceptance scenarios of a project (stage 2 authors them, stage 4 runs them against a
configuration version): stored Gherkin features, runs of behave in a subprocess, their results."""
