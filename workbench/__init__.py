"""The workbench: a Flask app in which consultants, approvers and rollout managers carry a
retailer's loyalty programme from interviews to every store. It also serves the core's POS API."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from workbench.extensions import csrf, db, migrate
from workbench.settings import Settings


def create_app(
    overrides: dict[str, Any] | None = None, *, instance_path: str | os.PathLike[str] | None = None
) -> Flask:
    """Build a workbench app: settings, extensions, blueprints, error pages, the POS API, the CLI.

    `overrides` replaces config keys after the environment is read (tests pass TESTING, their
    own SQLALCHEMY_DATABASE_URI, ...). `instance_path` moves the instance folder (the default
    SQLite file and the generated secret key live there); tests point it at a temporary folder.
    """
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path is not None else None,
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(Settings.from_environment(app.instance_path).flask_config())
    if overrides:
        app.config.update(overrides)

    _init_extensions(app)
    from workbench.query_params import init_query_params

    init_query_params(app)  # before the blueprints: their <int:...> rules use the bounded converter
    register_blueprints(app)
    _init_request_checks(app)

    # --- Gate criteria other domains plug into the rollout gate (rollout imports none of them). ---
    from workbench.programme_analytics.gate import register_guardrail

    register_guardrail()

    from workbench.errors import register_error_handlers
    from workbench.templating import register_filters

    register_error_handlers(app)
    register_filters(app)

    # --- The job runner (huey): heavy work leaves the request threads. ---
    from workbench.jobs.queue import init_jobs

    init_jobs(app)

    # --- The loyalty core's POS API (/api/v1), mounted on the workbench's engine for tests and
    # development; `workbench serve` serves it by its own gunicorn workers instead
    # (POS_API_MOUNTED is false in workbench.wsgi). ---
    if app.config.get("POS_API_MOUNTED", True):
        _mount_pos_api(app)

    # --- CLI groups: add new ones to workbench.cli.COMMANDS, not here. ---
    from workbench.cli import register_commands

    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    """Bind the extensions of workbench.extensions to this app."""
    import workbench.models  # noqa: F401  (every table of the product mapped before first use)
    from workbench.auth.login import init_login
    from workbench.i18n import init_i18n

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    init_login(app)
    init_i18n(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            from loyalty_core.db import configure_engine

            # Foreign keys are off in SQLite unless every connection asks; WAL lets the POS API
            # read while the workbench writes.
            configure_engine(db.engine)


def _init_request_checks(app: Flask) -> None:
    """The checks every request passes before its view, in this order, and the response headers.

    The upload limit comes first: the later checks read the body, which it bounds.
    """
    from workbench.projects.access import init_project_access
    from workbench.security_headers import init_security_headers
    from workbench.text_input import init_text_input
    from workbench.uploads import init_uploads

    init_uploads(app)
    init_text_input(app)
    init_project_access(app)
    init_security_headers(app)


def _mount_pos_api(app: Flask) -> None:
    """Serve the core's POS API from this app.

    The API keeps its own sessions over the workbench's engine and authenticates stores with
    bearer keys, so it needs neither login nor CSRF tokens (no cookies, no CSRF surface).
    """
    from loyalty_core.api import init_api

    before = set(app.blueprints)
    with app.app_context():
        init_api(app, engine=db.engine)
    for name in set(app.blueprints) - before:
        csrf.exempt(app.blueprints[name])


def register_blueprints(app: Flask) -> None:
    """Every page blueprint of the workbench, in one place."""
    from workbench.acceptance.views import bp as acceptance_bp
    from workbench.audit.views import bp as audit_bp
    from workbench.auth.views import bp as auth_bp
    from workbench.documents.views import bp as documents_bp
    from workbench.gapmap.views import bp as gapmap_bp
    from workbench.home import bp as home_bp
    from workbench.interviews.views import bp as interviews_bp
    from workbench.inventories.views import bp as inventories_bp
    from workbench.jobs.views import bp as jobs_bp
    from workbench.modifications.views import bp as modifications_bp
    from workbench.notifications.views import bp as notifications_bp
    from workbench.processes.views import bp as processes_bp
    from workbench.programme.views import bp as programme_bp
    from workbench.programme_analytics.views import bp as analytics_bp
    from workbench.projects.views import bp as projects_bp
    from workbench.requirements.views import bp as requirements_bp
    from workbench.rollout.views import bp as rollout_bp
    from workbench.signoff.views import bp as signoff_bp
    from workbench.stages.views import bp as stages_bp

    for blueprint in (
        home_bp,
        auth_bp,
        audit_bp,
        programme_bp,
        projects_bp,
        processes_bp,
        interviews_bp,
        inventories_bp,
        documents_bp,
        requirements_bp,
        modifications_bp,
        gapmap_bp,
        acceptance_bp,
        jobs_bp,
        signoff_bp,
        stages_bp,
        notifications_bp,
        rollout_bp,
        analytics_bp,
    ):
        app.register_blueprint(blueprint)
