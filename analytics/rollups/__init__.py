"""Materialised KPI aggregates: the facts of every period and group, computed by a refresh job
and read by the dashboard in milliseconds instead of scanning the ledger on every page view."""
