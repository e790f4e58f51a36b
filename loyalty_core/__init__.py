"""The loyalty core: the points engine, its configuration, ledger and the POS HTTP API.

This package imports nothing of the workbench, gap analysis, process models or rollout, so the
POS API starts and serves on its own (`gunicorn 'loyalty_core.api:create_app()'`).
"""
