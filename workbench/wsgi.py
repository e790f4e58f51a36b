"""The WSGI entry point `workbench serve` hands to gunicorn: one app per worker.

The app and its libraries leave some 170,000 objects that live as long as the worker. Freezing
them (gc.freeze) keeps every full garbage collection from scanning them again; without it, a
2,000-requirement traceability page spends about a third of its time in those scans.
"""

from __future__ import annotations

import gc

from workbench import create_app

app = create_app()
gc.collect()
gc.freeze()
