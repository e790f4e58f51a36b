"""`workbench user ...`: manage users from a shell (the first admin is created this way)."""

from __future__ import annotations

import secrets
import sys
from typing import NoReturn

import click
from flask.cli import with_appcontext
from flask_babel import gettext

from workbench.audit.service import CLI_ACTOR
from workbench.auth import service
from workbench.auth.enums import Role
from workbench.extensions import db

user_group = click.Group("user", help="Workbench users.")


def _fail(message: str) -> NoReturn:
    db.session.rollback()
    click.echo(gettext("error: %(message)s", message=message), err=True)
    sys.exit(1)


def _read_password(password: str | None, from_stdin: bool) -> tuple[str, bool]:
    """The password and whether it was generated: --password, else a line of stdin with
    --password-stdin, else a hidden prompt on a terminal, else (no terminal, e.g. CI) a
    generated one that the caller prints once.

    Reading a line from a pipe lets scripts pass the password without putting it in the process
    list or the shell history (`--password` does both, so it is for throw-away set-ups only).
    """
    if password is not None and from_stdin:
        raise click.UsageError(gettext("use --password or --password-stdin, not both"))
    if password is not None:
        return password, False
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        return str(click.prompt(gettext("Password"), hide_input=True, confirmation_prompt=True)), False
    return generate_password(), True


def generate_password() -> str:
    """A random password of about 128 bits, in characters that survive copy and paste."""
    return secrets.token_urlsafe(16)


@user_group.command("create")
@click.argument("username")
@click.option("--role", required=True, metavar="ROLE", help=f"One of: {', '.join(r.value for r in Role)}.")
@click.option("--name", "display_name", default="", help="Display name (default: the username).")
@click.option("--email", default=None, help="Email address (optional).")
@click.option("--password-stdin", "from_stdin", is_flag=True, help="Read the password from stdin.")
@click.option(
    "--password", default=None, help="The password itself (ends up in shell history: prefer stdin)."
)
@with_appcontext
def create(
    username: str, role: str, display_name: str, email: str | None, from_stdin: bool, password: str | None
) -> None:
    """Create a user USERNAME with role ROLE; recorded in the audit log as done by 'cli'."""
    # The role is checked by the service, not by click.Choice, so a bad role exits with 1 and
    # the same message as the users page gives.
    secret, generated = _read_password(password, from_stdin)
    try:
        user = service.create_user(
            db.session(), username, secret, role, actor=CLI_ACTOR, display_name=display_name, email=email
        )
        db.session.commit()
    except service.AuthError as error:
        _fail(str(error))
    click.echo(gettext("created user %(user)s (%(role)s)", user=user.username, role=user.role))
    if generated:
        click.echo(
            gettext(
                "password of %(user)s (shown once, not stored): %(secret)s", user=user.username, secret=secret
            )
        )


@user_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", "from_stdin", is_flag=True, help="Read the password from stdin.")
@click.option(
    "--password", default=None, help="The password itself (ends up in shell history: prefer stdin)."
)
@with_appcontext
def set_password(username: str, from_stdin: bool, password: str | None) -> None:
    """Give USERNAME a new password (e.g. a locked-out admin)."""
    user = service.get_user(db.session(), username)
    if user is None:
        _fail(gettext("no user %(name)s", name=repr(username)))
    secret, generated = _read_password(password, from_stdin)
    try:
        service.set_password(db.session(), user, secret, actor=CLI_ACTOR)
        db.session.commit()
    except service.AuthError as error:
        _fail(str(error))
    click.echo(gettext("password of %(user)s changed; their sessions have ended", user=user.username))
    if generated:
        click.echo(
            gettext(
                "new password of %(user)s (shown once, not stored): %(secret)s",
                user=user.username,
                secret=secret,
            )
        )


@user_group.command("set-role")
@click.argument("username")
@click.argument("role")
@with_appcontext
def set_role(username: str, role: str) -> None:
    """Give USERNAME the role ROLE; their sessions end so no page keeps the old role."""
    user = service.get_user(db.session(), username)
    if user is None:
        _fail(gettext("no user %(name)s", name=repr(username)))
    try:
        service.set_role(db.session(), user, role, actor=CLI_ACTOR)
        db.session.commit()
    except service.AuthError as error:
        _fail(str(error))
    click.echo(
        gettext("%(user)s is now %(role)s; their sessions have ended", user=user.username, role=user.role)
    )


@user_group.command("list")
@with_appcontext
def list_users() -> None:
    """Every user: username, role, status, display name (tab-separated)."""
    for user in service.list_users(db.session()):
        status = "active" if user.active else "deactivated"
        click.echo(f"{user.username}\t{user.role}\t{status}\t{user.display_name}")
