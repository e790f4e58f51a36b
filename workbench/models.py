"""Imports every table of the product (core and workbench), for Alembic and the tests."""

import analytics.rollups.tables  # noqa: F401  (the KPI rollups share the product's metadata)
import analytics.tills.tables  # noqa: F401  (the stores' till totals, too)
import loyalty_core.models  # noqa: F401
import rollout.models  # noqa: F401,E402
import workbench.signoff.changes  # noqa: F401,E402  (counts changes to a project's deliverables)
from workbench.acceptance.models import Feature, Result, Run, Scenario, ScenarioRequirement  # noqa: F401
from workbench.audit.models import AuditEntry  # noqa: F401
from workbench.auth.models import User  # noqa: F401
from workbench.interviews.models import Finding, Interview  # noqa: F401
from workbench.inventories.models import InventoryItem  # noqa: F401
from workbench.jobs.models import Job  # noqa: F401
from workbench.modifications.models import Modification  # noqa: F401
from workbench.notifications.models import InboxMessage  # noqa: F401
from workbench.processes.models import ProcessRecord  # noqa: F401
from workbench.programme_analytics.models import PlanGuardrail  # noqa: F401
from workbench.projects.models import Project, ProjectMember  # noqa: F401
from workbench.requirements.models import Requirement, RequirementStep  # noqa: F401
from workbench.signoff.models import ItemComment, Package, PackageDecision, Revision  # noqa: F401
from workbench.stages.models import Checkpoint  # noqa: F401
