"""Where later work plugs its stages into the board: the rollout (stages 5 and 6) registers a
provider here; until it does, the board shows those stages as "not started" with the reason."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from workbench.projects.models import Project
from workbench.stages.records import Deliverable

# stage number -> a function giving that stage's deliverables for a project
StageProvider = Callable[[Session, Project], list[Deliverable]]

PROVIDERS: dict[int, StageProvider] = {}

NOT_LANDED = "the rollout pages (pilot and rollout, stages 5-6) are not built yet"


def register(stage: int, provider: StageProvider) -> None:
    """Let `provider` compute stage `stage`'s deliverables (the rollout calls this for 5 and 6)."""
    PROVIDERS[stage] = provider


def provided(session: Session, project: Project, stage: int, names: tuple[str, ...]) -> list[Deliverable]:
    """The registered provider's deliverables, else each of `names` not started, saying why."""
    provider = PROVIDERS.get(stage)
    if provider is not None:
        return provider(session, project)
    return [Deliverable(name, "not_started", problems=(NOT_LANDED,)) for name in names]
