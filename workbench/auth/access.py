"""The role check every page and endpoint makes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

from workbench.auth.enums import PERSONAL_DATA_ROLES, Role

View = TypeVar("View", bound=Callable[..., Any])


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Signed-in users with one of `roles` (admins always) pass; others get 403, anonymous go to login."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def any_role() -> Callable[[View], View]:
    """Any signed-in user."""
    return roles_required(*Role)


def may_see_personal_data() -> bool:
    return bool(current_user.is_authenticated and current_user.has_role(*PERSONAL_DATA_ROLES))
