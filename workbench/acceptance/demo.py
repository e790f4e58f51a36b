"""The DEMO project's client scenarios (workbench/demo/scenarios/, Russian and English, tagged
with the requirements of the demo gap map), stored through the service like an import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from workbench.acceptance import service
from workbench.projects.models import Project

SCENARIOS = Path(__file__).resolve().parents[1] / "demo" / "scenarios"


def demo_feature_files() -> list[Path]:
    return sorted(SCENARIOS.glob("*.feature"))


def load_demo_scenarios(session: Session, project: Project, *, actor: str) -> int:
    """Import the demo feature files into `project`; the number of scenarios stored (the caller commits)."""
    files = [(path.name, path.read_text("utf-8")) for path in demo_feature_files()]
    features = service.import_features(session, project, files, actor=actor)
    return sum(len([s for s in f.scenarios if s.active]) for f in features)
