"""Programme KPIs: each defined once (analytics.kpi.definitions), computed per period and group
from facts gathered over the ledger (analytics.kpi.facts)."""
