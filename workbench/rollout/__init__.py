"""The rollout manager's journey in the workbench: store register, plans, gates, pilot feedback,
readiness, documents. The domain lives in `rollout/`; this package adds roles, audit and pages."""
