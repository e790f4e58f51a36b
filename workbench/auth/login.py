"""Flask-Login wiring: how a session cookie becomes a user, and what the anonymous get."""

from __future__ import annotations

from flask import Flask, Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from workbench.auth.models import User
from workbench.errors import is_api_request, problem_response
from workbench.extensions import db, login_manager


def load_user(session_id: str) -> User | None:
    """The signed-in user of a session, or None when the account is gone, deactivated, or the
    session was revoked.

    `session_id` is User.get_id(): "<user id>:<session version>". A cookie carrying an older
    version (the user signed out, or their password or role changed since) names no user any
    more, so a copied cookie stops working although the server cannot delete it. Returning
    None for a deactivated account likewise signs that person out on their next request.
    """
    user_id, _, version = session_id.partition(":")
    try:
        number, wanted = int(user_id), int(version)
        if not 0 < number < 2**31:  # beyond the id column: PostgreSQL would refuse the query
            return None
        user = db.session.get(User, number)
    except (ValueError, OverflowError):
        return None
    if user is None or not user.active or user.session_version != wanted:
        return None
    return user


def unauthorized() -> Response | BaseResponse:
    """Anonymous visitors: pages send them to the sign-in form, the JSON API answers 401."""
    if is_api_request():
        return problem_response(
            401, "sign in first", headers={"WWW-Authenticate": 'Cookie realm="workbench"'}
        )
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_login(app: Flask) -> None:
    """Bind Flask-Login to `app`."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
