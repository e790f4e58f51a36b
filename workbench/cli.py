"""The `workbench` command: a Flask CLI group with the project's commands.

\b
    workbench user create NAME --role consultant [--password-stdin]  (or a hidden prompt)
    workbench user set-password NAME | list
    workbench config validate FILE | load FILE [--label v3] | approve LABEL | list
    workbench store add CODE --direction retail|wholesale | assign CODE VERSION | list | rotate-key CODE
        | import FILE
    workbench rollout plan create|list, wave add, controls, gate, advance, rollback, halt|resume, status,
        feedback, checklist, tick
    workbench points expire
    workbench capabilities [--json]                     (what the loyalty core does, by configuration key)
    workbench gap export --project KEY --format docx|xlsx [--lang ru|en] -o FILE
        | import --project KEY FILE | summary --project KEY
    workbench document description KEY --variant as-is|to-be [--lang ru|en] -o FILE
    workbench demo [--if-empty]                         (refused in production: WORKBENCH_ENV=production)
    workbench serve [--port 5000] [--workers 2] [--pos-port 5001] [--pos-workers 2] [--job-workers 2]
        [--pos-server granian|gunicorn]
    workbench pos serve [--port 5001] [--workers 2] [--server granian|gunicorn]   (the POS API alone)
    workbench jobs worker [--workers 2] | list          (the job runner: uploads, acceptance runs)
    workbench stages --project KEY [--json] [--close N --as USER]
    workbench signoff submit --project KEY --approvers a,b,c [--rule all|N] [--required a] [--version LABEL]
    workbench signoff status --project KEY [--json] | approve REVISION --as USER
        | reject REVISION --as USER --reason TEXT
    workbench signoff sheet|package --project KEY -o FILE.docx [--lang ru|en]
    workbench kpi | forecast fit|members | pilot evaluate|guardrail|suggest | export   (programme analytics)
    workbench db upgrade                                (Flask-Migrate)
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import gettext

from loyalty_core.clock import start_of_day
from loyalty_core.config import service as config_service
from loyalty_core.config.validation import load_document, validate_document
from loyalty_core.errors import ConfigurationError, LoyaltyError
from loyalty_core.ledger import service as ledger
from loyalty_core.stores import service as store_service
from workbench.acceptance.cli import accept_group
from workbench.audit.service import CLI_ACTOR
from workbench.auth.cli import user_group
from workbench.capabilities_cli import capabilities_command
from workbench.demo.service import load_missing
from workbench.documents.cli import document_group
from workbench.extensions import db
from workbench.gapmap.cli import gap_group
from workbench.jobs.cli import jobs_group
from workbench.processes.cli import process_group
from workbench.programme_analytics.cli import COMMANDS as ANALYTICS_COMMANDS
from workbench.rollout.cli import import_command, rollout_group
from workbench.serving import FIRST_ADMIN_HINT, pos_group, serve
from workbench.settings import is_production, production_variable
from workbench.signoff.cli import signoff_group, stages_command


def _fail(message: str, problems: list[str] | None = None) -> NoReturn:
    click.echo(gettext("error: %(message)s", message=message), err=True)
    for problem in problems or []:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


def _domain_errors(error: Exception) -> NoReturn:
    db.session.rollback()
    if isinstance(error, LoyaltyError):
        _fail(error.detail, getattr(error, "problems", None))
    _fail(str(error))


# --- configuration ---------------------------------------------------------------------------

config_group = click.Group("config", help="Programme configuration versions.")


@config_group.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def config_validate(file: Path) -> None:
    """Check a YAML/JSON configuration; every problem is printed with its path."""
    try:
        document = load_document(file.read_bytes(), source=file.name)
    except ConfigurationError as error:
        _fail(error.detail)
    problems = validate_document(document)
    if problems:
        _fail(
            gettext("%(name)s: %(count)s problem(s)", name=file.name, count=len(problems)),
            [str(p) for p in problems],
        )
    click.echo(gettext("%(name)s: valid", name=file.name))


@config_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--label", default=None, help="Version label (default: v<next number>).")
@click.option("--notes", default="")
@with_appcontext
def config_load(file: Path, label: str | None, notes: str) -> None:
    """Store a configuration as a new draft version and print its id."""
    from workbench.programme import service

    if not label:
        label = f"v{len(config_service.list_versions(db.session())) + 1}"
    try:
        version = service.create_version(db.session(), label, file.read_bytes(), actor=CLI_ACTOR, notes=notes)
        db.session.commit()
    except LoyaltyError as error:
        _domain_errors(error)
    click.echo(version.id)
    click.echo(
        gettext(
            "draft %(label)s (id %(id)s, sha256 %(value)s)",
            label=version.label,
            id=version.id,
            value=version.content_hash[:12],
        ),
        err=True,
    )


@config_group.command("approve")
@click.argument("version")
@click.option("--by", "approved_by", default=CLI_ACTOR, help="Who signs (recorded in the audit log).")
@with_appcontext
def config_approve(version: str, approved_by: str) -> None:
    """Approve a draft: it becomes immutable and can run in stores."""
    from workbench.programme import service

    try:
        item = config_service.get_version(db.session(), version)
        service.approve(db.session(), item, actor=approved_by)
        db.session.commit()
    except LoyaltyError as error:
        _domain_errors(error)
    click.echo(
        gettext(
            "approved %(label)s (sha256 %(content_hash)s)", label=item.label, content_hash=item.content_hash
        )
    )


@config_group.command("list")
@with_appcontext
def config_list() -> None:
    for v in config_service.list_versions(db.session()):
        how = (
            "outside a package"
            if v.approved_outside_package
            else (f"package {v.approval_package_hash[:12]}" if v.approval_package_hash else "")
        )
        click.echo(f"{v.id}\t{v.label}\t{v.status}\t{v.content_hash[:12]}" + (f"\t{how}" if how else ""))


# --- stores ----------------------------------------------------------------------------------

store_group = click.Group("store", help="Stores and their configuration.")


@store_group.command("add")
@click.argument("code")
@click.option("--direction", required=True, type=click.Choice(["retail", "wholesale"]))
@click.option("--name", default="")
@click.option("--city", default="")
@with_appcontext
def store_add(code: str, direction: str, name: str, city: str) -> None:
    """Add a store and print its API key (shown once; only its hash is stored)."""
    from workbench.programme import service

    try:
        store, key = service.add_store(db.session(), code, direction, actor=CLI_ACTOR, name=name, city=city)
        db.session.commit()
    except LoyaltyError as error:
        _domain_errors(error)
    click.echo(key)
    click.echo(
        gettext(
            "store %(code)s (%(direction)s) added; keep the key above, it is not shown again",
            code=store.code,
            direction=direction,
        ),
        err=True,
    )


@store_group.command("assign")
@click.argument("code")
@click.argument("version")
@with_appcontext
def store_assign(code: str, version: str) -> None:
    """Run an approved configuration version in a store (from its next request)."""
    from workbench.programme import service

    try:
        store = store_service.get_store(db.session(), code)
        target = config_service.get_version(db.session(), version)
        service.assign(db.session(), store, target, actor=CLI_ACTOR)
        db.session.commit()
    except LoyaltyError as error:
        _domain_errors(error)
    click.echo(f"{store.code} -> {target.label}")


@store_group.command("rotate-key")
@click.argument("code")
@with_appcontext
def store_rotate_key(code: str) -> None:
    """Issue a new API key for a store (the old one stops working) and print it."""
    from workbench.programme import service

    try:
        key = service.rotate_key(db.session(), store_service.get_store(db.session(), code), actor=CLI_ACTOR)
        db.session.commit()
    except LoyaltyError as error:
        _domain_errors(error)
    click.echo(key)


@store_group.command("list")
@with_appcontext
def store_list() -> None:
    for s in store_service.list_stores(db.session()):
        click.echo(
            f"{s.code}\t{s.direction}\t{s.active_version.label if s.active_version else '-'}\t{s.name}"
        )


store_group.add_command(import_command())


# --- points ----------------------------------------------------------------------------------

points_group = click.Group("points", help="Ledger jobs.")


@points_group.command("expire")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Expire what was due by the end of this day (YYYY-MM-DD), e.g. a night the job missed.",
)
@click.option(
    "--timezone",
    "zone",
    default=ledger.DEFAULT_ZONE,
    show_default=True,
    help="The programme's time zone, in which --as-of names a day.",
)
@with_appcontext
def points_expire(as_of: dt.datetime | None, zone: str) -> None:
    """Expire every point past its date (safe to run twice; cron it nightly)."""
    now = dt.datetime.now(dt.UTC)
    at = now if as_of is None else expiry_as_of(as_of.date(), zone, now)
    accounts, points = ledger.expire_points(db.session(), at, recorded_at=now)
    db.session.commit()
    click.echo(
        gettext("expired %(points)s points on %(accounts)s accounts", points=points, accounts=accounts)
    )


def expiry_as_of(day: dt.date, zone: str, now: dt.datetime) -> dt.datetime:
    """The moment an `--as-of DAY` run expires by: the end of that local day, or now while the
    day lasts (points valid through a day must not expire before it ends)."""
    try:
        day_ends = start_of_day(day + dt.timedelta(days=1), zone)
    except (ValueError, KeyError):
        raise click.BadParameter(
            gettext("unknown time zone %(zone)s", zone=zone), param_hint="--timezone"
        ) from None
    if start_of_day(day, zone) > now:
        raise click.BadParameter(
            gettext("%(day)s is in the future", day=day.isoformat()), param_hint="--as-of"
        )
    return min(day_ends - dt.timedelta(microseconds=1), now)


# --- demo and serving ------------------------------------------------------------------------


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has members.")
@click.option("--members", default=300, show_default=True)
@with_appcontext
def demo(if_empty: bool, members: int) -> None:
    """Load the demo client: v1 live in 40 stores, v2 TO-BE draft, members, history, users, and
    the DEMO implementation project (process models, interviews, inventories).

    The demo users have the passwords printed in the README, so a production instance
    (WORKBENCH_ENV or FLASK_ENV = production) refuses to load it.
    """
    if is_production():
        if if_empty:  # `make run` in production: serve without the demo
            click.echo(
                gettext(
                    "production (%(variable)s): demo not loaded. %(hint)s",
                    variable=production_variable(),
                    hint=FIRST_ADMIN_HINT,
                )
            )
            return
        _fail(
            gettext(
                "production (%(variable)s): the demo's users have published passwords; not loaded",
                variable=production_variable(),
            )
        )
    from workbench.demo.loader import is_empty
    from workbench.demo.project import has_demo_project

    core_empty, project_missing = is_empty(db.session()), not has_demo_project(db.session())
    if not core_empty and not project_missing:
        if if_empty:
            click.echo(gettext("the database already has data: demo not loaded"))
            return
        _fail(gettext("the database already has members; the demo loads only into an empty database"))
    said, created = load_missing(db.session(), core_empty, project_missing, members)
    db.session.commit()
    if project_missing:
        said.append(_run_demo_scenarios())  # after the commit: a failed run never undoes the demo
    if core_empty:  # the dashboard reads rollups: the job runner refreshes them for the new ledger
        from workbench.jobs.queue import start

        start("analytics.rollups", actor=CLI_ACTOR, title=gettext("KPI rollups of the demo's ledger"))
    for line in said:
        click.echo(line)
    _print_logins(created)


def _run_demo_scenarios() -> str:
    """The demo's acceptance run against v2, committed; the line that says how it ended."""
    from workbench.acceptance.demo import DEMO_RUN_VERSION, run_demo_scenarios
    from workbench.acceptance.service import AcceptanceError
    from workbench.demo.project import DEMO_KEY
    from workbench.projects.service import get_project

    try:
        run = run_demo_scenarios(db.session(), get_project(db.session(), DEMO_KEY), actor=CLI_ACTOR)
    except (LoyaltyError, AcceptanceError) as error:  # e.g. an instance of its own, without the demo's v2
        db.session.rollback()
        return gettext(
            "demo acceptance run not made: %(error)s", error=getattr(error, "detail", None) or error
        )
    db.session.commit()
    return gettext(
        "demo acceptance run %(id)s against %(version)s: %(summary)s",
        id=run.id,
        version=DEMO_RUN_VERSION,
        summary=run.summary,
    )


def _print_logins(created: list[tuple[str, ...]]) -> None:
    """The logins the demo created just now, and only those: nothing else has a known password."""
    if not created:
        return
    click.echo(gettext("demo logins (username / password):"))
    for username, role, _name, password in created:
        click.echo(f"  {username:<11} {password:<16} {role}")


# Every command and group of `workbench`, in one place: to add a group, append it here
# (`db` comes from Flask-Migrate by itself).
COMMANDS: list[click.Command] = [
    user_group,
    config_group,
    store_group,
    points_group,
    process_group,
    document_group,
    demo,
    serve,
    capabilities_command,
    gap_group,
    accept_group,
    pos_group,
    jobs_group,
    signoff_group,
    stages_command,
    rollout_group,
    *ANALYTICS_COMMANDS,
]


def register_commands(app: Flask) -> None:
    """Add every command of COMMANDS to `app.cli` (create_app calls this)."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    # Imported here: workbench/__init__ imports this module inside create_app.
    from workbench import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, add_version_option=False, help=__doc__)
