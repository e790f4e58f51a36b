"""Project members: who may open which client's project. Admins open every project.

What a member may do inside a project is their workbench role (a consultant edits, an approver
reads and signs off); the membership decides whether they see the project at all. The
project role ('lead' or 'member') only says who manages the members besides admins.
Changes are audited in the caller's transaction.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.audit import service as audit
from workbench.auth.enums import Role
from workbench.auth.models import User
from workbench.projects.enums import ProjectRole
from workbench.projects.models import Project, ProjectMember
from workbench.projects.service import ProjectError


def _membership(session: Session, project: Project, user: User) -> ProjectMember | None:
    query = select(ProjectMember).where(
        ProjectMember.project_id == project.id, ProjectMember.user_id == user.id
    )
    return session.scalar(query)


def may_open(session: Session, project: Project, user: User) -> bool:
    """True when `user` may see and (as far as their role allows) change `project`."""
    return user.role == Role.admin.value or _membership(session, project, user) is not None


def may_manage(session: Session, project: Project, user: User) -> bool:
    """True for admins and the project's leads."""
    if user.role == Role.admin.value:
        return True
    membership = _membership(session, project, user)
    return membership is not None and membership.role == ProjectRole.lead.value


def visible_projects(session: Session, user: User) -> list[Project]:
    """The projects `user` may open, by key: all of them for an admin."""
    query = select(Project).order_by(Project.key)
    if user.role != Role.admin.value:
        query = query.join(ProjectMember, ProjectMember.project_id == Project.id).where(
            ProjectMember.user_id == user.id
        )
    return list(session.scalars(query))


def members_of(session: Session, project: Project) -> list[ProjectMember]:
    """The project's members, leads first, then by username."""
    query = (
        select(ProjectMember)
        .join(User, User.id == ProjectMember.user_id)
        .where(ProjectMember.project_id == project.id)
        .order_by(ProjectMember.role, User.username)
    )
    return list(session.scalars(query))


def _project_role(role: ProjectRole | str) -> ProjectRole:
    try:
        return ProjectRole(role)
    except ValueError:
        raise ProjectError(
            f"project role {role!r}: use one of {', '.join(r.value for r in ProjectRole)}"
        ) from None


def add_member(
    session: Session,
    project: Project,
    user: User,
    role: ProjectRole | str = ProjectRole.member,
    *,
    actor: str,
) -> ProjectMember:
    """Make `user` a member of `project` (or change their project role); records `project.member_add`."""
    project_role = _project_role(role)
    if project_role is ProjectRole.lead and not user.has_role(Role.consultant):
        raise ProjectError(
            f"role: {user.username} is a {user.role.replace('_', ' ')}; a lead must be a consultant"
        )
    membership = _membership(session, project, user)
    if membership is None:
        membership = ProjectMember(
            project_id=project.id, user_id=user.id, role=project_role.value, added_by=actor
        )
        session.add(membership)
    elif membership.role == project_role.value:
        return membership
    membership.role = project_role.value
    session.flush()
    details = {"user": user.username, "role": project_role.value}
    audit.record(session, actor, "project.member_add", "project", project.key, details)
    return membership


def remove_member(session: Session, project: Project, user: User, *, actor: str) -> None:
    """Take `user` off `project`; records `project.member_remove`. Not a member: a ProjectError."""
    membership = _membership(session, project, user)
    if membership is None:
        raise ProjectError(f"{user.username} is not a member of {project.key}")
    session.delete(membership)
    session.flush()
    audit.record(session, actor, "project.member_remove", "project", project.key, {"user": user.username})
