"""Sign-in, sign-out and the users admin page (thin: parse the form, call the service, render)."""

from __future__ import annotations

from flask_babel import gettext

from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from workbench.auth import service
from workbench.auth.access import roles_required
from workbench.auth.enums import Role
from workbench.auth.forms import ConfirmForm, LoginForm, UserForm
from workbench.auth.models import User
from workbench.extensions import db
from workbench.i18n.errors import error_message

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """The sign-in form."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(db.session(), form.username.data or "", form.password.data or "")
        except service.AuthError as error:
            flash(error_message(error), "error")
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out (a POST with a CSRF token, so another site cannot sign people out)."""
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
    return render_template("auth/users.html", users=service.list_users(db.session()), form=form, confirm=ConfirmForm())


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
        flash(gettext("user %(username)s activated", username=user.username) if user.active
              else gettext("user %(username)s deactivated", username=user.username), "info")
    return redirect(url_for("auth.users"))
