"""`workbench gap ...`: the gap map from scripts — export it, import requirements, list it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import format_decimal, gettext

from gap_analysis.errors import GapAnalysisError
from gap_analysis.export import gap_map_xlsx
from gap_analysis.intake import IntakeError, read_requirements
from gap_analysis.traceability import trace_all
from workbench.audit.service import CLI_ACTOR
from workbench.extensions import db
from workbench.gapmap import service
from workbench.i18n.cli import document_language, language_option
from workbench.projects.models import Project
from workbench.projects.service import ProjectError, get_project
from workbench.requirements import service as requirements

gap_group = click.Group("gap", help="The gap map: requirements, fit/gap, modifications, traceability.")

RENDERERS = {"docx": service.gap_map_document, "xlsx": gap_map_xlsx}


def _fail(message: str) -> NoReturn:
    db.session.rollback()
    for line in message.splitlines():
        click.echo(
            gettext("error: %(message)s", message=line) if line == message.splitlines()[0] else f"  {line}",
            err=True,
        )
    sys.exit(1)


def _project(key: str) -> Project:
    try:
        return get_project(db.session(), key)
    except ProjectError as error:
        _fail(str(error))


@gap_group.command("export")
@click.option("--project", "project_key", required=True, help="The project's key, e.g. DEMO.")
@click.option("--format", "kind", required=True, type=click.Choice(sorted(RENDERERS)))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@language_option
@with_appcontext
def export(project_key: str, kind: str, output: Path, lang: str | None) -> None:
    """Write the gap map and the modifications list as DOCX or XLSX, in the language of --lang."""
    project = _project(project_key)
    with document_language(lang):
        data = service.export_gap_map(
            db.session(),
            project,
            RENDERERS[kind],
            kind=kind,
            actor=CLI_ACTOR,
            timezone=str(current_app.config.get("DISPLAY_TIMEZONE") or "Europe/Moscow"),
        )
    output.write_bytes(data)
    db.session.commit()
    click.echo(gettext("wrote %(output)s (%(size)s bytes)", output=output, size=format_decimal(len(data))))


@gap_group.command("import")
@click.option("--project", "project_key", required=True, help="The project's key, e.g. DEMO.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_file(project_key: str, file: Path) -> None:
    """Import requirements from XLSX or CSV: a row whose ID exists updates it, others are new.
    Every problem is printed with its line and column, and then nothing is imported."""
    project = _project(project_key)
    try:
        rows = read_requirements(file.read_bytes(), file.name)
        summary = requirements.import_rows(db.session(), project, rows, actor=CLI_ACTOR, source=file.name)
        db.session.commit()
    except (IntakeError, GapAnalysisError) as error:
        _fail(str(error))
    click.echo(
        gettext(
            "%(name)s: %(count)s created, %(count2)s updated",
            name=file.name,
            count=len(summary.created),
            count2=len(summary.updated),
        )
    )


@gap_group.command("summary")
@click.option("--project", "project_key", required=True)
@with_appcontext
def summary(project_key: str) -> None:
    """Coverage of the Must requirements, chains with a gap, total effort and the critical path."""
    project = _project(project_key)
    report = service.gap_map_report(db.session(), project)
    rows = trace_all(report.requirements)
    cover = report.coverage
    click.echo(
        gettext(
            "requirements: %(count)s; Must covered: %(must_covered)s of %(must_total)s (%(share)s%%)",
            count=len(report.requirements),
            must_covered=cover.must_covered,
            must_total=cover.must_total,
            share=cover.share,
        )
    )
    click.echo(
        gettext("traceability: %(value)s chain(s) with a gap", value=sum(1 for r in rows if not r.complete))
    )
    path = " -> ".join(report.critical_path) or "-"
    click.echo(
        gettext(
            "modifications: %(count)s; %(total_effort_days)s person-days; critical path %(path)s "
            "(%(critical_path_days)s person-days)",
            count=len(report.modifications),
            total_effort_days=report.total_effort_days,
            path=path,
            critical_path_days=report.critical_path_days,
        )
    )
