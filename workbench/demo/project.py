"""Loads the demo implementation project (key DEMO) through the workbench's own services: the
project, its eight AS-IS/TO-BE process models, the interviews with their findings linked to
steps, and the inventories. The content is `analysis.py`'s; this module only stores it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.demo.analysis import INTERVIEWS, INVENTORY, demo_processes
from workbench.demo.gapmap import MODIFICATIONS, REQUIREMENTS
from workbench.interviews import service as interviews
from workbench.interviews.models import Finding
from workbench.inventories import service as inventories
from workbench.modifications import service as modifications
from workbench.processes import comparison
from workbench.processes import service as processes
from workbench.processes.models import ProcessRecord
from workbench.projects.enums import Stage
from workbench.projects.models import Project
from workbench.projects.service import create_project
from workbench.requirements import service as requirements

DEMO_KEY = "DEMO"


@dataclass
class DemoProjectSummary:
    models: int = 0
    interviews: int = 0
    findings: int = 0
    inventory_items: int = 0
    requirements: int = 0
    modifications: int = 0
    scenarios: int = 0


def has_demo_project(session: Session) -> bool:
    return session.scalar(select(Project.id).where(Project.key == DEMO_KEY)) is not None


def _load_step_links(session: Session, records: dict[tuple[str, str], ProcessRecord], *, actor: str) -> None:
    """The consultant's links of process_links.yaml, recorded with each process's TO-BE."""
    links = yaml.safe_load((Path(__file__).parent / "process_links.yaml").read_text(encoding="utf-8"))
    for key, entries in links.items():
        before, after = records[(key, "as-is")], records[(key, "to-be")]
        for entry in entries:
            comparison.add_link(
                session,
                before,
                after,
                before_steps=entry.get("before") or [],
                after_steps=entry.get("after") or [],
                note=entry.get("note", ""),
                actor=actor,
            )


def load_demo_project(session: Session, *, actor: str = "demo") -> DemoProjectSummary:
    """Create the DEMO project with its analysis content (the caller commits)."""
    summary = DemoProjectSummary()
    project = create_project(
        session,
        DEMO_KEY,
        "Свежий рынок: программа лояльности",
        actor=actor,
        client="ООО «Свежий рынок»",
        directions=["retail", "wholesale"],
        stage=Stage.adaptation,
        description="Внедрение системы управления лояльностью (СУЛ) в 28 магазинах розницы и 12 магазинах "
        "опта.",
    )
    lineages: dict[tuple[str, str], str] = {}
    records: dict[tuple[str, str], ProcessRecord] = {}
    for key, model in demo_processes():
        record = processes.create_model(session, project, model, actor=actor, source="demo")
        lineages[(key, model.variant.value)] = record.lineage
        records[(key, model.variant.value)] = record
        summary.models += 1
    _load_step_links(session, records, actor=actor)
    # Systems before integrations: an integration must join systems the inventory already holds.
    for item in sorted(INVENTORY, key=lambda i: i.category == "integration"):
        inventories.add_item(
            session,
            project,
            inventories.ItemFields(
                item.category,
                item.variant,
                item.name,
                item.description,
                item.owner,
                item.source,
                item.target,
                item.transport,
                item.frequency,
            ),
            actor=actor,
        )
        summary.inventory_items += 1
    findings: dict[tuple[int, int], Finding] = {}
    for index, demo in enumerate(INTERVIEWS):
        interview = interviews.record_interview(
            session,
            project,
            stakeholder=demo.stakeholder,
            held_on=demo.held_on,
            actor=actor,
            position=demo.position,
            department=demo.department,
            participants=list(demo.participants),
            notes=demo.notes,
        )
        summary.interviews += 1
        for position, finding in enumerate(demo.findings):
            findings[(index, position)] = interviews.add_finding(
                session,
                interview,
                text=finding.text,
                kind=finding.kind,
                actor=actor,
                process_lineage=lineages[(finding.process, finding.variant)] if finding.process else None,
                node_id=finding.step,
            )
            summary.findings += 1
    _load_gap_map(session, project, lineages, findings, summary, actor=actor)
    from workbench.acceptance.demo import load_demo_scenarios

    summary.scenarios = load_demo_scenarios(session, project, actor=actor)
    return summary


def _load_gap_map(
    session: Session,
    project: Project,
    lineages: dict[tuple[str, str], str],
    findings: dict[tuple[int, int], Finding],
    summary: DemoProjectSummary,
    *,
    actor: str,
) -> None:
    """The requirements (numbered as in gapmap.py), their classification, and the modifications."""
    stored = {}
    for demo in REQUIREMENTS:
        source_step = (
            (lineages[(demo.source_step[0], "to-be")], demo.source_step[1]) if demo.source_step else None
        )
        requirement = requirements.create_requirement(
            session,
            project,
            requirements.RequirementFields(demo.title, demo.priority, demo.description, demo.area),
            actor=actor,
            number=demo.number,
            source_finding=findings[demo.finding] if demo.finding else None,
            source_step=source_step,
        )
        linked = {(s.process_lineage, s.node_id) for s in requirement.steps}
        for process, variant, node_id in demo.steps:
            if (lineages[(process, variant)], node_id) not in linked:
                requirements.link_step(
                    session, requirement, lineages[(process, variant)], node_id, actor=actor
                )
        if demo.classification:
            requirements.classify(
                session,
                requirement,
                requirements.ClassificationFields(
                    demo.classification,
                    demo.capability,
                    demo.config_key,
                    demo.rationale,
                    demo.owner,
                    demo.status,
                ),
                actor=actor,
            )
        stored[demo.number] = requirement
        summary.requirements += 1
    created = []
    for demo_mod in MODIFICATIONS:
        modification = modifications.create_modification(
            session,
            project,
            modifications.ModificationFields(
                demo_mod.title, demo_mod.days, demo_mod.priority, demo_mod.status, demo_mod.description
            ),
            actor=actor,
            requirements=[stored[n] for n in demo_mod.requirements],
        )
        created.append((modification, demo_mod))
        summary.modifications += 1
    for modification, demo_mod in created:
        for number in demo_mod.depends_on:
            modifications.add_dependency(session, modification, created[number - 1][0], actor=actor)
