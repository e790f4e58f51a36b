"""Stores in waves, gates, switching store configuration, pilot figures (the rollout issue)."""
