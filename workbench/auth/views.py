from __future__ import annotations

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

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and not urlparse(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(db.session, form.username.data or "", form.password.data or "")
        except service.AuthError as error:
            flash(str(error), "error")
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.admin)
def users() -> str | Response:
    form = UserForm()
    if form.validate_on_submit():
        try:
            service.create_user(
                db.session,
                form.username.data or "",
                form.password.data or "",
                form.role.data or "",
                actor=current_user.username,
                display_name=form.display_name.data or "",
            )
            db.session.commit()
            flash(f"user {form.username.data} created", "info")
            return redirect(url_for("auth.users"))
        except service.AuthError as error:
            db.session.rollback()
            flash(str(error), "error")
    return render_template("auth/users.html", users=service.list_users(db.session), form=form, confirm=ConfirmForm())


@bp.post("/users/<int:user_id>/active")
@roles_required(Role.admin)
def toggle_active(user_id: int) -> Response:
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("the form expired; try again", "error")
        return redirect(url_for("auth.users"))
    user = db.get_or_404(User, user_id)
    service.set_active(db.session, user, not user.active, actor=current_user.username)
    db.session.commit()
    return redirect(url_for("auth.users"))
