"""`any_db_app` now lives in tests/workbench/conftest.py, so tests name it as an argument
without importing it; this module re-exports it for modules that still import it."""

from .conftest import any_db_app

__all__ = ["any_db_app"]
