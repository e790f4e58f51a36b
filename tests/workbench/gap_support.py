"""A small project for the gap map's tests: the demo's purchase process (AS-IS and TO-BE) and
one interview whose findings point at it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from workbench.demo.analysis import demo_processes
from workbench.interviews import service as interviews
from workbench.interviews.models import Finding
from workbench.processes import service as processes
from workbench.processes.models import ProcessRecord
from workbench.projects.models import Project
from workbench.projects.service import create_project


@dataclass
class GapProject:
    project: Project
    as_is: ProcessRecord
    to_be: ProcessRecord
    finding_on_step: Finding  # points at the TO-BE step pur_tobe_quote
    finding_alone: Finding  # points at no step


def make_gap_project(session: Session, key: str = "ACME") -> GapProject:
    """Create the project with its two models and interview (the caller commits)."""
    project = create_project(session, key, "Свежий рынок", actor="t", client="ООО «Свежий рынок»")
    records = {}
    for process_key, model in demo_processes():
        if process_key == "purchase":
            records[model.variant.value] = processes.create_model(
                session, project, model, actor="t", source="test"
            )
    interview = interviews.record_interview(
        session,
        project,
        stakeholder="Ковалёв Андрей Викторович",
        held_on=dt.date(2026, 9, 8),
        actor="t",
    )
    on_step = interviews.add_finding(
        session,
        interview,
        text="Оптовым покупателям нужен отдельный уровень. Без баллов поверх скидки.",
        kind="need",
        actor="t",
        process_lineage=records["to-be"].lineage,
        node_id="pur_tobe_quote",
    )
    alone = interviews.add_finding(session, interview, text="Нужен отчёт по пилоту", kind="need", actor="t")
    return GapProject(project, records["as-is"], records["to-be"], on_step, alone)
