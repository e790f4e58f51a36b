"""Loads the demo implementation project (key DEMO) through the workbench's own services: the
project, its eight AS-IS/TO-BE process models, the interviews with their findings linked to
steps, and the inventories. The content is `analysis.py`'s; this module only stores it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.demo.analysis import INTERVIEWS, INVENTORY, demo_processes
from workbench.interviews import service as interviews
from workbench.inventories import service as inventories
from workbench.processes import service as processes
from workbench.projects.enums import Stage
from workbench.projects.models import Project
from workbench.projects.service import create_project

DEMO_KEY = "DEMO"


@dataclass
class DemoProjectSummary:
    models: int = 0
    interviews: int = 0
    findings: int = 0
    inventory_items: int = 0


def has_demo_project(session: Session) -> bool:
    return session.scalar(select(Project.id).where(Project.key == DEMO_KEY)) is not None


def load_demo_project(session: Session, *, actor: str = "demo") -> DemoProjectSummary:
    """Create the DEMO project with its analysis content (the caller commits)."""
    summary = DemoProjectSummary()
    project = create_project(
        session, DEMO_KEY, "Свежий рынок: программа лояльности", actor=actor, client="ООО «Свежий рынок»",
        directions=["retail", "wholesale"], stage=Stage.adaptation,
        description="Внедрение системы управления лояльностью (СУЛ) в 28 магазинах розницы и 12 магазинах опта.",
    )
    lineages: dict[tuple[str, str], str] = {}
    for key, model in demo_processes():
        record = processes.create_model(session, project, model, actor=actor, source="demo")
        lineages[(key, model.variant.value)] = record.lineage
        summary.models += 1
    # Systems before integrations: an integration must join systems the inventory already holds.
    for item in sorted(INVENTORY, key=lambda i: i.category == "integration"):
        inventories.add_item(
            session, project,
            inventories.ItemFields(
                item.category, item.variant, item.name, item.description, item.owner,
                item.source, item.target, item.transport, item.frequency,
            ),
            actor=actor,
        )
        summary.inventory_items += 1
    for demo in INTERVIEWS:
        interview = interviews.record_interview(
            session, project, stakeholder=demo.stakeholder, held_on=demo.held_on, actor=actor,
            position=demo.position, department=demo.department, participants=list(demo.participants), notes=demo.notes,
        )
        summary.interviews += 1
        for finding in demo.findings:
            interviews.add_finding(
                session, interview, text=finding.text, kind=finding.kind, actor=actor,
                process_lineage=lineages[(finding.process, finding.variant)] if finding.process else None,
                node_id=finding.step,
            )
            summary.findings += 1
    return summary
