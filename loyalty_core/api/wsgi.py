"""The WSGI entry point of the POS API served on its own (`workbench pos serve`: granian, or
gunicorn 'loyalty_core.api.wsgi:app'): one app per worker, on DATABASE_URL.

Like the workbench's entry point, it freezes its start-up objects out of the garbage
collector's scans, so a full collection in the middle of a till's request stays short.
"""

from __future__ import annotations

import gc

from loyalty_core.api import create_app

app = create_app()
gc.collect()
gc.freeze()
