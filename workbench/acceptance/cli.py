"""`workbench accept ...`: import a project's feature files, run them against a configuration
version (for CI: the last line is `N passed, N failed[, N skipped]`, the exit code 1 when any
scenario failed, was undefined or could not be parsed), list runs, print a version's verdict."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from flask.cli import with_appcontext
from flask_babel import gettext

from loyalty_core.config import service as config_service
from loyalty_core.errors import LoyaltyError
from workbench.acceptance import gherkin, service
from workbench.acceptance.models import Run
from workbench.audit.service import CLI_ACTOR
from workbench.extensions import db
from workbench.projects.service import ProjectError, get_project

accept_group = click.Group(
    "accept", help="Acceptance scenarios: import, run against a configuration version, verdict."
)


def _fail(message: str) -> NoReturn:
    db.session.rollback()
    click.echo(gettext("error: %(message)s", message=message), err=True)
    sys.exit(2)


@accept_group.command("import")
@click.option("--project", "key", required=True, help="Project key, e.g. DEMO.")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--by", "actor", default=CLI_ACTOR, help="Who imports (recorded in the audit log).")
@with_appcontext
def accept_import(key: str, files: tuple[Path, ...], actor: str) -> None:
    """Store .feature files in a project (all or nothing: a file that does not parse stops the import)."""
    try:
        project = get_project(db.session(), key)
        features = service.import_features(
            db.session(), project, [(f.name, f.read_bytes()) for f in files], actor=actor
        )
        db.session.commit()
    except (ProjectError, service.AcceptanceError, gherkin.GherkinError) as error:
        _fail(str(error))
    for feature in features:
        click.echo(
            gettext(
                "%(filename)s: %(count)s scenario(s)",
                filename=feature.filename,
                count=len([s for s in feature.scenarios if s.active]),
            )
        )


@accept_group.command("run")
@click.option("--project", "key", required=True, help="Project key, e.g. DEMO.")
@click.option("--config", "version_ref", required=True, help="Configuration version label (v2) or id.")
@click.option("--by", "actor", default=CLI_ACTOR, help="Who runs (recorded with the run).")
@click.option("--jobs", default=1, show_default=True, help="behave processes side by side.")
@click.option("--quiet", is_flag=True, help="No line per scenario while it runs.")
@with_appcontext
def accept_run(key: str, version_ref: str, actor: str, jobs: int, quiet: bool) -> None:
    """Run a project's scenarios against a configuration version and store the run."""
    session = db.session()
    try:
        project = get_project(session, key)
        version = config_service.get_version(session, version_ref)
        run = service.create_run(session, project, version, actor=actor)
        session.commit()
    except (ProjectError, service.AcceptanceError) as error:
        _fail(str(error))
    except LoyaltyError as error:
        _fail(error.detail)
    click.echo(
        gettext(
            "run %(id)s: %(total)s scenario(s) of %(key)s against %(label)s (%(status)s)",
            id=run.id,
            total=run.total,
            key=project.key,
            label=version.label,
            status=version.status,
        )
    )

    def progress(current: Run, label: str) -> None:
        session.commit()  # other sessions (the run's page) see the progress
        if label and not quiet:
            click.echo(f"  [{current.done}/{current.total}] {label}")

    service.execute_run(session, run, on_progress=progress, jobs=max(1, jobs))
    session.commit()
    for result in run.results:
        if result.status in ("passed", "skipped"):
            continue
        where = (
            f"{result.feature_name} › {result.scenario_name}" if result.scenario_name else result.feature_name
        )
        click.echo(f"{result.status.upper()}: {where}")
        if result.failing_step:
            click.echo(f"  {result.failing_step}")
        for line in result.message.splitlines():
            click.echo(f"    {line}")
        for line in result.snippet.splitlines():
            click.echo(f"    | {line}")
    if run.status != "finished":
        click.echo(run.output or gettext("behave did not run"), err=True)
    click.echo(
        gettext("took %(seconds)s s; run %(id)s", seconds=f"{run.duration_seconds or 0:.1f}", id=run.id)
    )
    click.echo(run.summary)
    if not run.ok:
        sys.exit(1)


@accept_group.command("runs")
@click.option("--project", "key", required=True)
@with_appcontext
def accept_runs(key: str) -> None:
    """A project's runs, newest first."""
    try:
        project = get_project(db.session(), key)
    except ProjectError as error:
        _fail(str(error))
    runs = service.list_runs(db.session(), project)
    db.session.commit()  # runs that lost their process are now marked as errors
    for run in runs:
        click.echo(
            f"{run.id}\t{run.config_label}\t{run.status}\t"
            f"{run.started_at:%Y-%m-%d %H:%M}\t{run.started_by}\t{run.summary}"
        )


@accept_group.command("verdict")
@click.option("--project", "key", required=True)
@click.option("--config", "version_ref", required=True)
@with_appcontext
def accept_verdict(key: str, version_ref: str) -> None:
    """Does the version pass every Must scenario in its latest run? Exit 1 when not."""
    try:
        project = get_project(db.session(), key)
        version = config_service.get_version(db.session(), version_ref)
    except ProjectError as error:
        _fail(str(error))
    except LoyaltyError as error:
        _fail(error.detail)
    result = service.verdict(db.session(), project, version)
    click.echo(
        gettext(
            "%(label)s: %(value)s (run %(value2)s, %(must_scenarios)s Must scenario(s))",
            label=version.label,
            value=gettext("PASSED") if result.passed else gettext("NOT PASSED"),
            value2=result.run_id or "-",
            must_scenarios=result.must_scenarios,
        )
    )
    for reason in result.reasons:
        click.echo(f"  {reason}")
    if not result.passed:
        sys.exit(1)
