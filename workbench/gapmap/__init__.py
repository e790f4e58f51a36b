"""The gap map of a project: the matrix, coverage, traceability, exports and import."""
