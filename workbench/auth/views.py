"""Sign-in, sign-out and the users admin page (thin: parse the form, call the service, render)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlparse

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from loyalty_core.db import utcnow
from workbench.auth import service, sessions
from workbench.auth.access import roles_required
from workbench.auth.enums import Role
from workbench.auth.forms import ConfirmForm, LoginForm, PasswordResetForm, RoleForm, UserForm
from workbench.auth.models import User
from workbench.auth.throttle import ThrottlePolicy
from workbench.extensions import db
from workbench.forms import commit_change
from workbench.i18n.errors import error_message

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("home.index")


def _now() -> dt.datetime:
    """The time of this request; tests put a controllable clock in the config key CLOCK."""
    clock: Callable[[], dt.datetime] = current_app.config.get("CLOCK") or utcnow
    return clock()


def _client_ip() -> str:
    # The peer address. Behind a reverse proxy, wrap the app in werkzeug's ProxyFix so this is
    # the client's address and not the proxy's (README, Security).
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    """The sign-in form (throttled per username and address, and per address)."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        policy: ThrottlePolicy = current_app.config.get("LOGIN_THROTTLE") or ThrottlePolicy()
        try:
            user = sessions.sign_in(
                db.session(),
                form.username.data or "",
                form.password.data or "",
                ip=_client_ip(),
                now=_now(),
                policy=policy,
            )
        except sessions.SignInThrottled as error:
            flash(
                _("Too many failed sign-ins; try again in %(seconds)s seconds.", seconds=error.retry_after),
                "error",
            )
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(error.retry_after)}
        except service.AuthError as error:
            flash(error_message(error), "error")
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out (a POST with a CSRF token, so another site cannot sign people out).

    The user's session version goes up, so this cookie, a copy of it, and the user's sessions
    in other browsers all stop working, not only the cookie this browser drops.
    """
    sessions.sign_out(db.session(), current_user._get_current_object(), ip=_client_ip())
    logout_user()
    flash(gettext("signed out"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.admin)
def users() -> str | Response:
    """List users and create one (admins only)."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(
                db.session(),
                form.username.data or "",
                form.password.data or "",
                form.role.data or "",
                actor=current_user.username,
                display_name=form.display_name.data or "",
                email=form.email.data or None,
            )
            db.session.commit()
        except service.AuthError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            flash(gettext("user %(username)s created", username=user.username), "info")
            return redirect(url_for("auth.users"))
    everyone = service.list_users(db.session())
    role_forms = {
        u.id: RoleForm(formdata=None, data={"role": u.role}) for u in everyone
    }  # each shows its role
    return render_template(
        "auth/users.html",
        users=everyone,
        form=form,
        confirm=ConfirmForm(),
        role_forms=role_forms,
        reset_form=PasswordResetForm(formdata=None),
    )


@bp.post("/users/<int:user_id>/password")
@roles_required(Role.admin)
def reset_password(user_id: int) -> Response:
    """Reset a user's password (admins only): the one typed, or a generated one shown once on the
    answer to this post (never flashed: a flash travels in the session cookie)."""
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    chosen: list[str] = []

    def change() -> str:
        chosen.append(
            service.reset_password(
                db.session(), user, form.password.data or None, actor=current_user.username
            )
        )
        return _("password of %(user)s reset; their sessions have ended", user=user.username)

    if not commit_change(change, refusals=(service.AuthError,), form=form) or form.password.data:
        return redirect(url_for("auth.users"))
    response = make_response(render_template("auth/password_reset.html", user=user, password=chosen[0]))
    response.headers["Cache-Control"] = "no-store"  # the password must not stay in a cache
    return response


@bp.post("/users/<int:user_id>/active")
@roles_required(Role.admin)
def toggle_active(user_id: int) -> Response:
    """Deactivate an active user or reactivate a deactivated one (admins only)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(gettext("the form expired; try again"), "error")
        return redirect(url_for("auth.users"))
    user = db.get_or_404(User, user_id)
    try:
        service.set_active(db.session(), user, not user.active, actor=current_user.username)
        db.session.commit()
    except service.AuthError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    else:
        flash(
            gettext("user %(username)s activated", username=user.username)
            if user.active
            else gettext("user %(username)s deactivated", username=user.username),
            "info",
        )
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/role")
@roles_required(Role.admin)
def change_role(user_id: int) -> Response:
    """Give a user another role (admins only); that user's sessions end."""
    user = db.get_or_404(User, user_id)
    form = RoleForm()

    def change() -> str:
        service.set_role(db.session(), user, form.role.data or "", actor=current_user.username)
        return _("%(user)s is now %(role)s; their sessions have ended", user=user.username, role=user.role)

    commit_change(change, refusals=(service.AuthError,), form=form)
    return redirect(url_for("auth.users"))
