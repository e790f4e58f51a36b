"""`workbench signoff ...` and `workbench stages`: the sign-off and the stage board for scripts.

Every refusal is one line on stderr and exit code 1, with nothing changed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TypeVar

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext

from workbench.extensions import db
from workbench.notifications import service as notifications
from workbench.projects.models import Project
from workbench.projects.service import ProjectError, get_project
from workbench.signoff import exports
from workbench.signoff import service as signoff
from workbench.stages import service as stages

T = TypeVar("T")


def _fail(message: str) -> NoReturn:
    click.echo(gettext("error: %(message)s", message=message), err=True)
    sys.exit(1)


@contextmanager
def _refusals() -> Iterator[None]:
    """A refusal rolls back and becomes one line and exit 1."""
    try:
        yield
    except (signoff.SignoffError, ProjectError, stages.StageError) as error:
        db.session.rollback()
        _fail(str(error))


def _project(key: str) -> Project:
    with _refusals():
        return get_project(db.session(), key)


def _commit_and_mail(change: Callable[[], T]) -> T:
    """Run `change`, commit, then send the mail of the messages it left in the inbox."""
    with _refusals():
        result = change()
        db.session.commit()
    notifications.deliver_quietly(db.session(), current_app.config)
    return result


def _names(value: str) -> list[str]:
    return [name.strip() for name in value.split(",") if name.strip()]


signoff_group = click.Group("signoff", help="Stage 3: the prototype package and its sign-off.")


@signoff_group.command("submit")
@click.option("--project", "key", required=True)
@click.option("--approvers", required=True, help="Usernames, comma-separated.")
@click.option("--rule", default="all", show_default=True, help="'all' or N (any N of the approvers).")
@click.option("--required", default="", help="Approvers who must be among them, comma-separated.")
@click.option(
    "--version", "version_label", default=None, help="Configuration version (default: the newest draft)."
)
@click.option("--as", "actor", default="cli", show_default=True, help="Who submits (cannot approve it).")
@with_appcontext
def submit(key: str, approvers: str, rule: str, required: str, version_label: str | None, actor: str) -> None:
    """Submit (or re-submit) the project's package; prints the revision id and its hash."""
    project = _project(key)
    revision = _commit_and_mail(
        lambda: signoff.submit(
            db.session(),
            project,
            approvers=_names(approvers),
            actor=actor,
            rule=rule,
            required=_names(required),
            version_label=version_label,
        )
    )
    click.echo(f"revision {revision.id} sha256 {revision.content_hash}")


@signoff_group.command("status")
@click.option("--project", "key", required=True)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def status(key: str, as_json: bool) -> None:
    """Where the project's package stands: revision, hash, state, decisions."""
    project = _project(key)
    with _refusals():
        result = signoff.project_status(db.session(), project)
        db.session.commit()  # a change since the last look is stored as a new revision
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    package = result.package
    click.echo(
        gettext(
            "%(project)s package %(package)s: %(state)s, revision %(revision)s (#%(number)s) sha256 %(hash)s",
            project=project.key,
            package=package.id,
            state=result.state.value,
            revision=result.revision.id,
            number=result.revision.number,
            hash=result.revision.content_hash,
        )
    )
    click.echo(
        gettext(
            "version %(version)s, rule %(rule)s, submitted by %(user)s",
            version=package.config_version.label,
            rule=package.rule_text,
            user=package.submitted_by,
        )
    )
    for line in result.approvals:
        stale = " (stale)" if line.stale else ""
        reason = f": {line.reason}" if line.reason else ""
        click.echo(
            f"  {line.user}\t{line.decision} revision {line.revision}{stale}\t{line.at.isoformat()}{reason}"
        )
    if result.missing and result.state.value != "signed":
        click.echo(gettext("  waiting for: %(names)s", names=", ".join(result.missing)))


@signoff_group.command("approve")
@click.argument("revision")
@click.option("--as", "actor", required=True, help="The approver.")
@with_appcontext
def approve(revision: str, actor: str) -> None:
    """Approve a revision (the package is signed when that meets its rule)."""
    package = _commit_and_mail(lambda: signoff.approve(db.session(), revision, actor=actor.strip().lower()))
    click.echo(
        gettext(
            "%(actor)s approved revision %(revision)s; package %(package)s is %(status)s",
            actor=actor,
            revision=revision,
            package=package.id,
            status=package.status,
        )
    )


@signoff_group.command("reject")
@click.argument("revision")
@click.option("--as", "actor", required=True, help="The approver.")
@click.option("--reason", required=True)
@with_appcontext
def reject(revision: str, actor: str, reason: str) -> None:
    """Reject a revision, saying why."""
    package = _commit_and_mail(
        lambda: signoff.reject(db.session(), revision, actor=actor.strip().lower(), reason=reason)
    )
    click.echo(
        gettext(
            "%(actor)s rejected revision %(revision)s of package %(package)s",
            actor=actor,
            revision=revision,
            package=package.id,
        )
    )


def _document(kind: str) -> Callable[[str, Path, str], None]:
    def command(key: str, output: Path, lang: str) -> None:
        project = _project(key)
        with _refusals():
            package = signoff.project_status(db.session(), project).package
            data = exports.export(
                db.session(),
                package,
                kind,
                lang=lang,
                actor="cli",
                timezone=current_app.config.get("DISPLAY_TIMEZONE", "UTC"),
            )
            db.session.commit()
        output.write_bytes(data)
        click.echo(gettext("%(file)s (%(size)s bytes)", file=output, size=len(data)))

    return command


for _kind, _help in (
    ("sheet", "The approval sheet (DOCX): hashes, approvers, decisions, outcome."),
    ("package", "The package (DOCX): TO-BE, gap map, modifications, scenarios, rules."),
):
    signoff_group.command(_kind, help=_help)(
        click.option("--project", "key", required=True)(
            click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))(
                click.option("--lang", type=click.Choice(["ru", "en"]), default="ru", show_default=True)(
                    with_appcontext(_document(_kind))
                )
            )
        )
    )


@click.command("stages")
@click.option("--project", "key", required=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--close", "close", type=int, default=None, help="Close this stage (a checkpoint record).")
@click.option("--as", "actor", default="cli", show_default=True, help="Who closes it.")
@with_appcontext
def stages_command(key: str, as_json: bool, close: int | None, actor: str) -> None:
    """The six stages of the project, each deliverable's state, and the checkpoints."""
    project = _project(key)
    if close is not None:
        with _refusals():
            checkpoint = stages.close_stage(db.session(), project, close, actor=actor)
            db.session.commit()
        click.echo(
            gettext(
                "stage %(stage)s closed by %(user)s, sha256 %(hash)s",
                stage=close,
                user=actor,
                hash=checkpoint.content_hash,
            )
        )
        return
    board = stages.board(db.session(), project)
    if as_json:
        click.echo(
            json.dumps(
                {"project": project.key, "stages": [s.to_json() for s in board]}, ensure_ascii=False, indent=2
            )
        )
        return
    for stage in board:
        click.echo(f"{stage.number} {stage.name}: {stage.state.replace('_', ' ')}")
        for deliverable in stage.deliverables:
            count = f" ({deliverable.count})" if deliverable.count is not None else ""
            click.echo(f"  {deliverable.name}{count}: {deliverable.state.replace('_', ' ')}")
            for problem in deliverable.problems[:5]:
                click.echo(f"    - {problem}")
        for change in stage.changed_since_closed[:10]:
            click.echo(gettext("  changed since closed: %(change)s", change=change))
