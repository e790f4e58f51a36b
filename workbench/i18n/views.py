"""The language switch of the header: a POST (with the CSRF token every form carries) that
saves the choice on the user when signed in, and in the session either way, so it works on the
sign-in page too and without JavaScript."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, abort, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from workbench.extensions import db
from workbench.i18n import LANGUAGES, SESSION_KEY

bp = Blueprint("i18n", __name__)


def _back(target: str | None) -> str:
    """Where the switch returns to: a path of this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlparse(target).netloc:
        return target
    return url_for("home.index")


@bp.post("/language")
def switch() -> Response:
    """Show the workbench in `lang` from now on; back to the page the switch was pressed on."""
    language = request.form.get("lang", "")
    if language not in LANGUAGES:
        abort(400)
    session[SESSION_KEY] = language
    if current_user.is_authenticated:
        current_user.language = language
        db.session.commit()
    return redirect(_back(request.form.get("next")))
