"""The DEMO project's prototype package, from `workbench/demo/signoff.yaml` (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from loyalty_core.config.models import ConfigVersion
from workbench.auth import service as auth
from workbench.projects.models import Project
from workbench.signoff import service
from workbench.signoff.models import Package

DEMO_FILE = Path(__file__).resolve().parents[1] / "demo" / "signoff.yaml"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def demo_data() -> dict[str, Any]:
    return dict(yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8")))


def demo_logins() -> list[DemoLogin]:
    """The demo approvers' logins (printed by `workbench demo` and `make run`)."""
    return [DemoLogin(a["username"], a["password"], a["role"]) for a in demo_data()["approvers"]]


def ensure_approvers(session: Session, *, actor: str) -> list[tuple[str, ...]]:
    """Create the demo approvers that do not exist yet (an instance's own users are kept); the
    created ones as (username, role, name, password), for the demo to print its logins."""
    existing = {u.username for u in auth.list_users(session)}
    created: list[tuple[str, ...]] = []
    for a in demo_data()["approvers"]:
        if a["username"] not in existing:
            auth.create_user(
                session,
                a["username"],
                a["password"],
                a["role"],
                actor=actor,
                display_name=a["name"],
                email=a.get("email"),
            )
            created.append((a["username"], f"{a['role']} (client)", a["name"], a["password"]))
    return created


def can_load(session: Session, project_key: str = "DEMO") -> bool:
    """The DEMO project and its draft version exist, and the project has no package yet."""
    data = demo_data()
    project = session.scalar(select(Project).where(Project.key == project_key))
    version = session.scalar(select(ConfigVersion).where(ConfigVersion.label == data["version"]))
    if project is None or version is None or version.is_approved:
        return False
    return session.scalar(select(Package.id).where(Package.project_id == project.id)) is None


def load_demo_signoff(session: Session, project: Project, *, actor: str = "demo") -> service.Revision:
    """Submit the package, then the comments and decisions of the data file (the caller commits)."""
    data = demo_data()
    ensure_approvers(session, actor=actor)
    revision = service.submit(
        session,
        project,
        approvers=[a["username"] for a in data["approvers"]],
        actor=data["submitted_by"],
        rule=data["rule"],
        required=list(data.get("required", [])),
        version_label=data["version"],
    )
    for note in data.get("comments", []):
        service.comment(session, revision.package, note["item"], note["text"], actor=note["by"])
    for decision in data.get("decisions", []):
        if decision["decision"] == "approve":
            service.approve(session, revision.id, actor=decision["by"])
        else:
            service.reject(session, revision.id, actor=decision["by"], reason=decision["reason"])
    return revision
