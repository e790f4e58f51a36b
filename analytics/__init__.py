"""Programme analytics: KPIs over the ledger, the BG/NBD + Gamma-Gamma forecast, and the pilot's
evidence against control stores. Pure computations: it reads the loyalty core's tables with
SQLAlchemy Core and imports no Flask, so the workbench pages, the CLI, exports and the rollout
gate all call the same definitions (heavy calls are plain functions a job runner can run)."""
