"""Flask-Login wiring: how a session cookie becomes a user, and what the anonymous get."""

from __future__ import annotations

from flask import Flask, Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from workbench.auth.models import User
from workbench.errors import is_api_request, problem_response
from workbench.extensions import db, login_manager


def load_user(user_id: str) -> User | None:
    """The signed-in user of a session, or None when the account is gone or deactivated.

    Returning None for a deactivated account signs that person out on their next request:
    deactivation takes effect at once, not when the session cookie expires.
    """
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


def unauthorized() -> Response | BaseResponse:
    """Anonymous visitors: pages send them to the sign-in form, the JSON API answers 401."""
    if is_api_request():
        return problem_response(401, "sign in first", headers={"WWW-Authenticate": 'Cookie realm="workbench"'})
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_login(app: Flask) -> None:
    """Bind Flask-Login to `app`."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
