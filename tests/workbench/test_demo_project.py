"""`workbench demo` carries the DEMO implementation project: 4 AS-IS + 4 TO-BE processes,
interviews with findings on their steps, inventories, and its two descriptions."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from flask import Flask
from sqlalchemy import func, select

from process_models.bpmn import export_bpmn, import_bpmn
from process_models.enums import Variant
from process_models.validation import validate
from workbench.demo.analysis import INTERVIEWS, INVENTORY
from workbench.documents.service import export_description
from workbench.extensions import db
from workbench.interviews import service as interviews
from workbench.interviews.models import Finding
from workbench.inventories import service as inventories
from workbench.inventories.enums import Category
from workbench.processes import service as processes
from workbench.projects.service import get_project


def _load(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "--members", "5"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demo_command_loads_the_demo_project(app: Flask) -> None:
    output = _load(app)
    assert "demo project DEMO loaded: 8 process models" in output
    with app.app_context():
        project = get_project(db.session(), "DEMO")
        models = processes.project_models(db.session(), project)
        by_variant = {v: sorted(m.name for m in models if m.variant == v) for v in ("as-is", "to-be")}
        assert len(by_variant["as-is"]) == len(by_variant["to-be"]) == 4
        for record in models:
            assert [f for f in processes.findings(record) if f.severity == "error"] == [], record.name
        held = interviews.list_interviews(db.session(), project)
        assert len(held) == len(INTERVIEWS) >= 5
        findings = [f for i in held for f in i.findings]
        refs = interviews.step_refs(db.session(), findings)
        on_steps = [r for r in refs.values() if r.node_id]
        assert len(on_steps) >= 8 and all(r.exists for r in on_steps)
        items = inventories.list_items(db.session(), project)
        assert sum(len(v) for v in items.values()) == len(INVENTORY)
        assert len(inventories.landscape(db.session(), project, Variant.to_be).integrations) >= 5


def test_the_demo_models_round_trip_through_bpmn(app: Flask) -> None:
    _load(app)
    with app.app_context():
        for record in processes.project_models(db.session(), get_project(db.session(), "DEMO")):
            model = processes.model_of(record)
            again = import_bpmn(export_bpmn(model), source=record.name).models[0]
            assert {n.id: (n.kind, n.name, n.lane) for n in again.nodes()} == {
                n.id: (n.kind, n.name, n.lane) for n in model.nodes()
            }
            assert {f.id: (f.source, f.target, f.condition) for f in again.flows()} == {
                f.id: (f.source, f.target, f.condition) for f in model.flows()
            }
            assert validate(again) == validate(model)


def test_the_demo_descriptions_carry_every_process_and_inventory(app: Flask) -> None:
    _load(app)
    with app.app_context():
        project = get_project(db.session(), "DEMO")
        for variant in Variant:
            document = Document(io.BytesIO(export_description(db.session(), project, variant, actor="t")))
            level_two = [
                p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 2"
            ]
            for record in processes.project_models(db.session(), project):
                assert (record.name in level_two) == (record.variant == variant.value)
            for category in Category:
                assert category.label in level_two
            # Each process's diagram and the landscape; a diagram too wide for an A3 page at 7 pt
            # comes in parts, each captioned ("Part 1 of 2").
            parts = [
                p.text for p in document.paragraphs if re.fullmatch(r"(Part|Часть) \d+ (of|из) \d+", p.text)
            ]
            firsts = [t for t in parts if re.match(r"(Part|Часть) 1 ", t)]
            assert len(document.inline_shapes) == 4 + 1 + len(parts) - len(firsts)


def test_the_demo_project_loads_into_an_instance_that_has_the_core_demo_already(app: Flask) -> None:
    _load(app)
    with app.app_context():
        # An instance set up before the DEMO project existed: the core demo is there, the project is not.
        project = get_project(db.session(), "DEMO")
        # Every table that hangs off a project (however indirectly), children first.
        owned = {"projects"}
        for table in db.metadata.sorted_tables:
            if any(fk.column.table.name in owned for fk in table.foreign_keys):
                owned.add(table.name)
        for table in reversed(db.metadata.sorted_tables):
            if table.name in owned:
                db.session.execute(table.delete())
        db.session.commit()
        assert project is not None
    output = app.test_cli_runner().invoke(args=["demo", "--if-empty"]).output
    assert "demo project DEMO loaded" in output and "40 stores" not in output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Finding)) > 0


def test_the_description_is_written_from_the_command_line(app: Flask, tmp_path: Path) -> None:
    _load(app)
    target = tmp_path / "to-be.docx"
    for lang, title in (("en", "TO-BE description"), ("ru", "Описание процессов TO-BE")):
        result = app.test_cli_runner().invoke(
            args=["document", "description", "DEMO", "--variant", "to-be", "--lang", lang, "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        paragraphs = Document(str(target)).paragraphs
        assert [p.text for p in paragraphs if p.style is not None and p.style.name == "Title"] == [title]
    missing = app.test_cli_runner().invoke(
        args=["document", "description", "NOPE", "--variant", "to-be", "-o", str(target)]
    )
    assert missing.exit_code == 1 and "no project 'NOPE'" in missing.output
