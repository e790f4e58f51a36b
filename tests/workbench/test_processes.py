"""Process models in the workbench: `workbench process import|export|validate|diff` on a project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from process_models.bpmn import import_bpmn
from tests.bpmn_corpus import BPMN_CORPUS
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.processes import service
from workbench.projects.service import create_project

CORPUS = BPMN_CORPUS
LANES = CORPUS / "27_spiff_lanes.bpmn"


@pytest.fixture
def project(app: Flask) -> Flask:
    with app.app_context():
        create_project(db.session(), "DEMO", "Свежий рынок", actor="t")
        db.session.commit()
    return app


def test_import_prints_the_model_id_and_a_report_then_export_opens_again(
    project: Flask, tmp_path: Path
) -> None:
    runner = project.test_cli_runner()
    result = runner.invoke(args=["process", "import", str(LANES), "--project", "demo", "--variant", "as-is"])
    assert result.exit_code == 0, result.output
    model_id = int(result.stdout.splitlines()[0].split("\t")[0])
    assert "extensionElements" in result.stderr  # kept but not interpreted: reported, not silent
    out = tmp_path / "out.bpmn"
    exported = runner.invoke(args=["process", "export", str(model_id), "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    again = import_bpmn(out.read_bytes(), source="out.bpmn")
    with project.app_context():
        stored = service.model_of(service.get_record(db.session(), model_id))
        assert {n.id for n in again.models[0].nodes()} == {n.id for n in stored.nodes()}
        assert ("cli", "process.import", "DEMO") in [
            (e.actor, e.action, e.target_id) for e in db.session.scalars(select(AuditEntry))
        ]


def test_validate_lists_findings_and_fails_on_errors(project: Flask) -> None:
    runner = project.test_cli_runner()
    model_id = runner.invoke(
        args=["process", "import", str(LANES), "--project", "DEMO", "--variant", "as-is"]
    ).stdout.split("\t")[0]
    result = runner.invoke(args=["process", "validate", model_id])
    assert result.exit_code == 1
    assert "label-required\tStartEvent_1" in result.stdout


def test_diff_of_an_as_is_and_its_to_be_names_the_changed_ids(project: Flask) -> None:
    runner = project.test_cli_runner()
    before_id = int(
        runner.invoke(
            args=["process", "import", str(LANES), "--project", "DEMO", "--variant", "as-is"]
        ).stdout.split("\t")[0]
    )
    with project.app_context():
        record = service.get_record(db.session(), before_id)
        model = service.model_of(record)
        first_task = next(n for n in model.nodes() if n.kind.is_activity and n.name)
        model.update_node(first_task.id, name=first_task.name + " (in the POS)")
        after = service.save_version(db.session(), record, model, actor="consultant", note="rename")
        db.session.commit()
        after_id, version = after.id, after.version
    assert version == 2
    result = runner.invoke(args=["process", "diff", str(before_id), str(after_id), "--json"])
    assert result.exit_code == 0, result.output
    changed = json.loads(result.stdout)["nodes"]["changed"]
    assert [c["id"] for c in changed] == [first_task.id]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["process", "import", "FILE", "--project", "NOPE", "--variant", "as-is"], "no project 'NOPE'"),
        (["process", "export", "999", "-o", "x.bpmn"], "no process model 999"),
        (["process", "validate", "999"], "no process model 999"),
    ],
)
def test_unknown_projects_and_models_are_clear_errors(
    project: Flask, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [str(LANES) if a == "FILE" else (str(tmp_path / a) if a.endswith(".bpmn") else a) for a in args]
    result = project.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1 and message in result.output


def test_a_hostile_file_is_refused_and_nothing_is_stored(project: Flask, tmp_path: Path) -> None:
    evil = tmp_path / "evil.bpmn"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    result = project.test_cli_runner().invoke(
        args=["process", "import", str(evil), "--project", "DEMO", "--variant", "to-be"]
    )
    assert result.exit_code == 1 and "error:" in result.output and "root:" not in result.output
    with project.app_context():
        from workbench.processes.models import ProcessRecord

        assert db.session.scalars(select(ProcessRecord)).all() == []
