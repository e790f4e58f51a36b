"""The workbench: a Flask app in which consultants, approvers and rollout managers carry a
retailer's loyalty programme from interviews to every store. It also serves the core's POS API."""

from __future__ import annotations

from typing import Any

from flask import Flask

from workbench.settings import Settings


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """The app factory: settings, extensions, blueprints, error pages, CLI, the POS API."""
    app = Flask(__name__, instance_relative_config=True)
    import os

    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(Settings.from_environment(app.instance_path).flask_config())
    if overrides:
        app.config.update(overrides)

    from workbench import models  # noqa: F401  (every table mapped)
    from workbench.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"

    @login_manager.user_loader
    def load_user(user_id: str) -> Any:
        from workbench.auth.models import User

        return db.session.get(User, int(user_id))

    with app.app_context():
        from loyalty_core.db import configure_engine

        configure_engine(db.engine)
        _mount_pos_api(app, db.engine)

    register_blueprints(app)
    from workbench.errors import register_error_handlers
    from workbench.templating import register_filters

    register_error_handlers(app)
    register_filters(app)
    from workbench.cli import register_commands

    register_commands(app)
    return app


def _mount_pos_api(app: Flask, engine: Any) -> None:
    """The POS API (/api/v1) on the same server; it keeps its own sessions and needs no login."""
    from loyalty_core.api import init_api
    from loyalty_core.api.views import bp as pos_api
    from workbench.extensions import csrf

    init_api(app, engine)
    csrf.exempt(pos_api)  # bearer-key API: no cookies, so no CSRF surface


def register_blueprints(app: Flask) -> None:
    from workbench.audit.views import bp as audit_bp
    from workbench.auth.views import bp as auth_bp
    from workbench.home import bp as home_bp
    from workbench.programme.views import bp as programme_bp

    for blueprint in (home_bp, auth_bp, audit_bp, programme_bp):
        app.register_blueprint(blueprint)
