"""`workbench process ...`: import, export, validate and diff process models from scripts."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext

from process_models.bpmn.safety import BpmnError
from workbench.extensions import db
from workbench.processes import service
from workbench.projects.service import ProjectError, get_project

CLI_ACTOR = "cli"

process_group = click.Group("process", help="AS-IS / TO-BE process models (BPMN 2.0).")


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(gettext("error: %(message)s", message=message), err=True)
    sys.exit(1)


@process_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "project_key", required=True, help="Project key, e.g. DEMO.")
@click.option("--variant", required=True, type=click.Choice(["as-is", "to-be"]))
@with_appcontext
def process_import(file: Path, project_key: str, variant: str) -> None:
    """Import a BPMN file: prints each new model's id, then a report of anything not kept."""
    try:
        project = get_project(db.session(), project_key)
        records, report = service.import_file(
            db.session(),
            project,
            file.read_bytes(),
            variant=service.parse_variant(variant),
            source=file.name,
            actor=CLI_ACTOR,
        )
        db.session.commit()
    except (ProjectError, service.ProcessError, BpmnError) as error:
        _fail(str(error))
    for record in records:
        click.echo(f"{record.id}\t{record.name}")
    click.echo(report.summary(), err=True)


@process_group.command("export")
@click.argument("model_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def process_export(model_id: int, output: Path) -> None:
    """Write a model as BPMN 2.0 XML with diagram interchange (opens in Camunda Modeler / bpmn.io)."""
    try:
        record = service.get_record(db.session(), model_id)
    except service.ProcessError as error:
        _fail(str(error))
    output.write_bytes(service.export_file(record))
    click.echo(
        gettext(
            "wrote %(output)s (%(name)s, version %(version)s)",
            output=output,
            name=record.name,
            version=record.version,
        )
    )


@process_group.command("validate")
@click.argument("model_id", type=int)
@with_appcontext
def process_validate(model_id: int) -> None:
    """List every finding (rule, element, message); exit 1 when any is an error."""
    try:
        record = service.get_record(db.session(), model_id)
    except service.ProcessError as error:
        _fail(str(error))
    findings = service.findings(record)
    for finding in findings:
        click.echo(f"{finding.severity}\t{finding.rule}\t{finding.element_id or '-'}\t{finding.message}")
    errors = [f for f in findings if f.severity == "error"]
    click.echo(
        gettext(
            "%(name)s: %(count)s finding(s), %(count2)s error(s)",
            name=record.name,
            count=len(findings),
            count2=len(errors),
        ),
        err=True,
    )
    sys.exit(1 if errors else 0)


@process_group.command("diff")
@click.argument("model_a", type=int)
@click.argument("model_b", type=int)
@click.option("--json", "as_json", is_flag=True, help="Added / removed / changed element ids as JSON.")
@with_appcontext
def process_diff(model_a: int, model_b: int, as_json: bool) -> None:
    """What changed from model A to model B (matching by id, then by name within the lane)."""
    try:
        before = service.get_record(db.session(), model_a)
        after = service.get_record(db.session(), model_b)
    except service.ProcessError as error:
        _fail(str(error))
    result = service.compare(before, after)
    if as_json:
        click.echo(result.to_json())
        return
    summary = result.to_dict()
    for section, items in summary.items():
        if items:
            click.echo(
                f"{section}: {', '.join(str(i) for i in items) if not isinstance(items, dict) else items}"
            )
