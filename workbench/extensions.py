"""Extensions, created once here and bound to the app in `create_app` (the Flask tutorial's way).

Modules import these objects, never an app: the same models and views serve every app the
factory makes (one per test, one per gunicorn worker).
"""

from __future__ import annotations

from pathlib import Path

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from loyalty_core.db import metadata

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent / "migrations"


class WorkbenchBase(DeclarativeBase):
    """The workbench's tables share the core's MetaData: one schema, one Alembic history."""

    metadata = metadata


db = SQLAlchemy(model_class=WorkbenchBase)
# Alembic options (compare_type, batch mode) live in migrations/env.py, next to the history.
migrate = Migrate(directory=str(MIGRATIONS_DIRECTORY))
login_manager = LoginManager()
csrf = CSRFProtect()
