"""Loading the demo into an instance: the demo client (stores, members, history), its users,
the DEMO project, the stage 3 sign-off package, and the demo users as the DEMO project's team.
`workbench demo` calls `load_missing` and prints what it says."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy.orm import Session

from workbench.audit.service import CLI_ACTOR

# The demo's logins: their passwords are published in the README, so production refuses the demo.
DEMO_USERS = [
    ("consultant", "consultant", "Ксения Консультантова", "consultant-demo"),
    ("approver", "approver", "Андрей Утверждающий", "approver-demo"),
    ("rollout", "rollout_manager", "Роман Внедренцев", "rollout-demo"),
    ("admin", "admin", "Администратор", "admin-demo"),
]


def load_missing(
    session: Session, core_empty: bool, project_missing: bool, members: int
) -> tuple[list[str], list[tuple[str, ...]]]:
    """Load what is missing (the caller commits); the lines to print and the users created."""
    from workbench.audit import service as audit
    from workbench.demo.loader import load_demo
    from workbench.demo.project import DEMO_KEY, load_demo_project

    said: list[str] = []  # printed once everything is committed
    created: list[tuple[str, ...]] = []
    if core_empty:
        summary = load_demo(session, members=members)
        created = _create_demo_users(session)
        audit.record(session, CLI_ACTOR, "demo.load", "project", "DEMO", {"stores": summary.stores})
        said += [
            gettext(
                "demo loaded: %(stores)s stores, %(members)s members, %(purchases)s purchases, "
                "%(returns)s returns, versions %(versions)s",
                stores=summary.stores,
                members=summary.members,
                purchases=summary.purchases,
                returns=summary.returns,
                versions=", ".join(summary.versions),
            ),
            gettext(
                "POS key of store %(store)s (shown once): %(key)s",
                store=summary.sample_store,
                key=summary.sample_key,
            ),
            gettext(
                "rollout plan %(plan)s: v2 piloted in R001-R003, W001-W002 for six weeks; "
                "wave 2 waits behind its gate (workbench rollout gate %(plan)s 2)",
                plan=summary.plan_id,
            ),
        ]
    if project_missing:
        # Loaded on its own when missing, so an instance from before the DEMO project gets it too.
        project = load_demo_project(session, actor=CLI_ACTOR)
        said.append(
            gettext(
                "demo project DEMO loaded: %(models)s process models, %(interviews)s interviews "
                "(%(findings)s findings), %(items)s inventory items, %(scenarios)s acceptance scenarios",
                models=project.models,
                interviews=project.interviews,
                findings=project.findings,
                items=project.inventory_items,
                scenarios=project.scenarios,
            )
        )
    created += _load_demo_signoff(session, said)
    _demo_users_join(session, DEMO_KEY)
    return said, created


def _load_demo_signoff(session: Session, said: list[str]) -> list[tuple[str, ...]]:
    """The stage 3 package: submitted to three client approvers, one approval and comments."""
    from workbench.projects.service import get_project
    from workbench.signoff import demo as signoff_demo

    if not signoff_demo.can_load(session):
        return []
    created = signoff_demo.ensure_approvers(session, actor=CLI_ACTOR)
    revision = signoff_demo.load_demo_signoff(session, get_project(session, "DEMO"), actor=CLI_ACTOR)
    said.append(
        f"demo prototype package submitted: revision {revision.id} sha256 {revision.content_hash[:12]}, "
        f"rule {revision.package.rule_text}"
    )
    return created


def _create_demo_users(session: Session) -> list[tuple[str, ...]]:
    """The demo users that do not exist yet (an instance's own users are kept as they are)."""
    from workbench.auth import service as auth

    existing = {u.username for u in auth.list_users(session)}
    created: list[tuple[str, ...]] = []
    for username, role, name, password in DEMO_USERS:
        if username not in existing:
            auth.create_user(session, username, password, role, actor=CLI_ACTOR, display_name=name)
            created.append((username, role, name, password))
    return created


def _demo_users_join(session: Session, project_key: str) -> None:
    """The demo users are the DEMO project's team (the consultant leads it)."""
    from workbench.auth import service as auth
    from workbench.projects import members
    from workbench.projects.enums import ProjectRole
    from workbench.projects.service import get_project

    project = get_project(session, project_key)
    from workbench.signoff.demo import demo_logins

    usernames = [username for username, *_ in DEMO_USERS] + [login.username for login in demo_logins()]
    for username in usernames:
        user = auth.get_user(session, username)
        if user is not None and user.role != "admin" and not members.may_open(session, project, user):
            project_role = ProjectRole.lead if user.role == "consultant" else ProjectRole.member
            members.add_member(session, project, user, project_role, actor=CLI_ACTOR)
