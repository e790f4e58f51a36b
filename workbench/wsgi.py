"""The WSGI entry point `workbench serve` hands to gunicorn for the workbench's pages: one app
per worker. It does not mount the POS API (/api/v1 answers 404 here).

The app and its libraries leave some 170,000 objects that live as long as the worker. Freezing
them (gc.freeze) keeps every full garbage collection from scanning them again; without it, a
2,000-requirement traceability page spends about a third of its time in those scans.
"""

from __future__ import annotations

import gc

from workbench import create_app

# The POS API is served by its own workers (loyalty_core.api.wsgi, `workbench pos serve`): no
# till waits behind an office upload in these.
app = create_app({"POS_API_MOUNTED": False})
gc.collect()
gc.freeze()
