"""The six stages of DESIGN.md on one board per project, with their checkpoint records."""
