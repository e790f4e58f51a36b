"""Alembic environment of the workbench: one history for every table of the product.

Run through Flask-Migrate (`workbench db upgrade`, `workbench db migrate -m "..."`), so the
database URL is the app's. `loyalty_core.db.metadata` is the target: the core's and the
workbench's tables all live in it.
"""

import logging
from logging.config import fileConfig
from typing import Any

from alembic import context
from flask import current_app

import workbench.models  # noqa: F401  (every table of the product in the metadata)
from loyalty_core.db import metadata

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

engine = current_app.extensions["migrate"].db.engine
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))

OPTIONS: dict[str, Any] = {
    # Autogenerate notices changed column types too, not only new and dropped columns.
    "compare_type": True,
    # SQLite cannot ALTER most things, so revisions are written as batch operations (copy the
    # table, alter, swap). The same revisions run on PostgreSQL, where batch operations are
    # plain ALTERs, so every revision is written this way, whichever database generated it.
    "render_as_batch": True,
    **current_app.extensions["migrate"].configure_args,
}


def run_offline() -> None:
    """Print the SQL of the migrations (`workbench db upgrade --sql`)."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=metadata, literal_binds=True, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Run the migrations on the app's database."""

    def skip_empty(ctx: Any, revision: Any, directives: list[Any]) -> None:
        # `db migrate` with no model change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("no changes in the models")

    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=metadata, process_revision_directives=skip_empty, **OPTIONS
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
