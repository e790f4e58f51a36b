"""The DEMO project's client scenarios (workbench/demo/scenarios/, Russian and English, tagged
with the requirements of the demo gap map), stored through the service like an import."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from loyalty_core.config import service as config_service
from workbench.acceptance import service
from workbench.acceptance.models import Run
from workbench.projects.models import Project

SCENARIOS = Path(__file__).resolve().parents[1] / "demo" / "scenarios"


def demo_feature_files() -> list[Path]:
    return sorted(SCENARIOS.glob("*.feature"))


def load_demo_scenarios(session: Session, project: Project, *, actor: str) -> int:
    """Import the demo feature files into `project`; the number of scenarios stored (the caller commits)."""
    files = [(path.name, path.read_text("utf-8")) for path in demo_feature_files()]
    features = service.import_features(session, project, files, actor=actor)
    return sum(len([s for s in f.scenarios if s.active]) for f in features)


DEMO_RUN_VERSION = "v2"  # the TO-BE the demo pilots: its run tells the gap map's true story


def run_demo_scenarios(session: Session, project: Project, *, actor: str) -> Run:
    """Run the demo project's scenarios against v2 through the real runner (behave in its own
    process), so a fresh demo's traceability ends in real results (REQ-15 fails on v2: the
    client asked for 15000.00) instead of "not run" on every chain. The caller commits."""
    version = config_service.get_version(session, DEMO_RUN_VERSION)
    run = service.create_run(session, project, version, actor=actor)
    return service.execute_run(session, run)
