"""Extensions, created once here and bound to the app in `create_app`."""

from __future__ import annotations

from pathlib import Path

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from loyalty_core.db import metadata


class WorkbenchBase(DeclarativeBase):
    """The workbench's tables share the core's MetaData: one schema, one Alembic history."""

    metadata = metadata


db = SQLAlchemy(model_class=WorkbenchBase)
migrate = Migrate(directory=str(Path(__file__).parent / "migrations"), render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
