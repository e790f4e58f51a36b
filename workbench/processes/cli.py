"""`workbench process ...`: import, export, validate and diff process models from scripts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext

from process_models.bpmn.safety import BpmnError
from process_models.changes import ChangeRow, change_table
from workbench.auth.enums import Role
from workbench.auth.service import get_user
from workbench.extensions import db
from workbench.processes import comparison, service
from workbench.projects.members import may_open
from workbench.projects.models import Project
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
    """What changed from model A to model B: steps paired by id, by the links recorded on B, by
    similar names across lanes; the rest added or removed. --json adds the change table."""
    try:
        before = service.get_record(db.session(), model_a)
        after = service.get_record(db.session(), model_b)
    except service.ProcessError as error:
        _fail(str(error))
    result = comparison.compare(db.session(), before, after)
    if as_json:
        document = result.to_dict()
        document["changes"] = [_row_dict(row) for row in change_table(result)]
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    summary = result.to_dict()
    for section, items in summary.items():
        if items:
            click.echo(
                f"{section}: {', '.join(str(i) for i in items) if not isinstance(items, dict) else items}"
            )


def _row_dict(row: ChangeRow) -> dict[str, object]:
    return {
        "kinds": [kind.value for kind in row.kinds],
        "element": row.element,
        "before": row.before,
        "after": row.after,
        "role": row.role,
        "before_role": row.before_role,
        "note": row.note,
        "ids": list(row.ids),
    }


def _consultant_member(username: str, project: Project) -> str:
    """The user the CLI acts as: a consultant (or admin) who is a member of the project."""
    user = get_user(db.session(), username)
    if user is None or not user.active:
        _fail(gettext("--as: no active user '%(user)s'", user=username))
    assert user is not None  # _fail exits
    if not user.has_role(Role.consultant) or not may_open(db.session(), project, user):
        _fail(
            gettext(
                "--as: %(user)s is not a consultant of project %(project)s",
                user=username,
                project=project.key,
            )
        )
    return user.username


@process_group.command("link")
@click.argument("to_be_id", type=int)
@click.option(
    "--before", "as_is_id", type=int, required=True, help="The AS-IS model (version) the link is about."
)
@click.option(
    "--as-is", "as_is_steps", default="", help="AS-IS step ids, comma separated (several: a merge)."
)
@click.option(
    "--to-be", "to_be_steps", default="", help="TO-BE step ids, comma separated (several: a split)."
)
@click.option("--note", default="", help="Why; required when one side is empty (a new or dropped step).")
@click.option("--as", "actor", required=True, help="The consultant who records it (a member of the project).")
@with_appcontext
def process_link(
    to_be_id: int, as_is_id: int, as_is_steps: str, to_be_steps: str, note: str, actor: str
) -> None:
    """Record that TO-BE steps replace AS-IS steps, kept with the TO-BE version (audited)."""
    try:
        after = service.get_record(db.session(), to_be_id)
        before = service.get_record(db.session(), as_is_id)
        username = _consultant_member(actor, after.project)
        link = comparison.record_link(
            db.session(),
            before,
            after,
            before_steps=comparison.parse_steps(as_is_steps),
            after_steps=comparison.parse_steps(to_be_steps),
            note=note,
            actor=username,
        )
    except service.ProcessError as error:
        _fail(str(error))
    click.echo(gettext("link %(link)s recorded", link=link.id))


@process_group.command("links")
@click.argument("to_be_id", type=int)
@with_appcontext
def process_links(to_be_id: int) -> None:
    """List the links that hold for a TO-BE version: id, AS-IS steps, TO-BE steps, note."""
    try:
        after = service.get_record(db.session(), to_be_id)
    except service.ProcessError as error:
        _fail(str(error))
    for link in comparison.links_of(db.session(), after):
        click.echo(f"{link.id}\t{','.join(link.before_steps)}\t{','.join(link.after_steps)}\t{link.note}")
