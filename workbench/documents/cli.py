"""`workbench document ...`: write a project's AS-IS or TO-BE description from scripts."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import format_decimal, gettext

from process_models.enums import Variant
from workbench.audit.service import CLI_ACTOR
from workbench.documents import layout, service
from workbench.extensions import db
from workbench.i18n.cli import document_language, language_option
from workbench.projects.service import ProjectError, get_project

document_group = click.Group("document", help="Documents for the client (DOCX).")


@document_group.command("description")
@click.argument("project_key")
@click.option("--variant", required=True, type=click.Choice([v.value for v in Variant]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@language_option
@with_appcontext
def description(project_key: str, variant: str, output: Path, lang: str | None) -> None:
    """Write the AS-IS or TO-BE description of a project (headings, diagrams, step tables,
    inventories); an output ending in .pdf is printed through LibreOffice (needs soffice)."""
    try:
        project = get_project(db.session(), project_key)
    except ProjectError as error:
        click.echo(gettext("error: %(error)s", error=error), err=True)
        sys.exit(1)
    with document_language(lang):
        data = service.export_description(
            db.session(),
            project,
            Variant(variant),
            actor=CLI_ACTOR,
            timezone=current_app.config.get("DISPLAY_TIMEZONE") or "Europe/Moscow",
        )
    if output.suffix.lower() == ".pdf":
        try:
            data = layout.pdf_of(data)
        except layout.PdfUnavailable as error:
            click.echo(gettext("error: %(error)s", error=error), err=True)
            sys.exit(1)
    output.write_bytes(data)
    db.session.commit()
    click.echo(gettext("wrote %(output)s (%(size)s bytes)", output=output, size=format_decimal(len(data))))
