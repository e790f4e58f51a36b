"""Implementation projects: one client's loyalty rollout, so one workbench serves several clients."""
