"""The POS HTTP API. Mount it on any Flask app with `init_api`, or serve it alone:

DATABASE_URL=postgresql://... python -m granian --interface wsgi loyalty_core.api.wsgi:app
DATABASE_URL=postgresql://... gunicorn -w 2 'loyalty_core.api:create_app()'

`init_api` puts two WSGI middlewares in front of the Flask app: api.request_limits (gunicorn's
request-line and header limits, whatever the server) and api.lane (the till's warm purchases
and quotes, answered without Flask's request handling).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from werkzeug.exceptions import HTTPException

from loyalty_core.db import make_engine, make_session_factory

MAX_BODY_BYTES = 1_048_576


@dataclass
class CoreState:
    session_factory: sessionmaker[Any]
    clock: Callable[[], dt.datetime]
    phone_lookups_per_minute: int


def _phone_lookup_limit(app: Flask) -> int:
    """POS_PHONE_LOOKUPS_PER_MINUTE from the app's config or the environment (default 60)."""
    from loyalty_core.stores.limits import DEFAULT_PHONE_LOOKUPS_PER_MINUTE

    value = app.config.get("POS_PHONE_LOOKUPS_PER_MINUTE") or os.environ.get("POS_PHONE_LOOKUPS_PER_MINUTE")
    return int(value) if value else DEFAULT_PHONE_LOOKUPS_PER_MINUTE


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def init_api(app: Flask, engine: Engine, clock: Callable[[], dt.datetime] | None = None) -> None:
    """Register the /api/v1 blueprint with its own session factory over `engine`."""
    import loyalty_core.models  # noqa: F401  (every table mapped before the first request)
    from loyalty_core.api.lane import TillLane
    from loyalty_core.api.request_limits import RequestLimits
    from loyalty_core.api.views import bp

    state = CoreState(make_session_factory(engine), clock or _utc_now, _phone_lookup_limit(app))
    app.extensions["loyalty_core"] = state
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.register_blueprint(bp)
    if _till_lane_wanted(app):
        # The till's warm purchases and quotes skip Flask's request handling (api.lane).
        lane = TillLane(
            app.wsgi_app, engine, state.session_factory, state.clock, lambda: app.config["MAX_CONTENT_LENGTH"]
        )
        app.extensions["till_lane"] = lane  # `.on = False` hands every request to Flask
        app.wsgi_app = lane  # type: ignore[method-assign]
    app.wsgi_app = RequestLimits(app.wsgi_app)  # type: ignore[method-assign]


def _till_lane_wanted(app: Flask) -> bool:
    """POS_TILL_LANE from the app's config or the environment: "0" serves everything by Flask."""
    value = app.config.get("POS_TILL_LANE", os.environ.get("POS_TILL_LANE", "1"))
    return str(value).strip().lower() not in ("0", "false", "no", "off")


def create_app(database_url: str | None = None) -> Flask:
    """The POS API on its own, without the workbench (tables come from the workbench migrations)."""
    from loyalty_core.api.problems import from_http_exception

    url = database_url or os.environ.get("DATABASE_URL") or "sqlite:///instance/workbench.db"
    app = Flask("loyalty_core")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # No ping before each request (a round trip per till request): a connection that died while
    # idle fails its request's first statement, and api.retry runs the request once more on a
    # new one (tests/loyalty_core/api/test_dropped_connections_pg.py, "retry-alone").
    init_api(app, make_engine(url, pool_pre_ping=False))

    @app.errorhandler(HTTPException)
    def _problem(error: HTTPException) -> Response:  # unknown routes, wrong methods
        return from_http_exception(error)

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok", "path": request.path}

    return app
