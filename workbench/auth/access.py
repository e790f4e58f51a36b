"""The role check every page and endpoint makes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from workbench.auth.enums import PERSONAL_DATA_ROLES, Role
from workbench.extensions import login_manager

View = TypeVar("View", bound=Callable[..., Any])


def roles_required(*roles: Role | str) -> Callable[[View], View]:
    """Let signed-in users holding one of `roles` through (admins always); refuse everyone else.

    Anonymous visitors are sent to the sign-in page (a 401 problem document under /api/); a
    signed-in user of another role gets a 403. With no roles, any signed-in user passes.
    Role names are checked when the view is decorated, so a typo fails at import, not in use.
    """
    wanted = tuple(Role.parse(role) for role in roles)

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if wanted and not current_user.has_role(*wanted):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def any_role() -> Callable[[View], View]:
    """Any signed-in user."""
    return roles_required()


def may_see_personal_data() -> bool:
    """True when the signed-in user may see members' phone numbers and emails."""
    return bool(current_user.is_authenticated and current_user.has_role(*PERSONAL_DATA_ROLES))
