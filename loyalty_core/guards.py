"""Database triggers that keep history unchangeable even for code that bypasses the ORM.

The ORM refuses to change an approved configuration version (and the workbench its audit log),
but a raw UPDATE, a bulk statement or a psql session does not go through the ORM. The triggers
refuse those in the database itself. Tables built by `metadata.create_all` (tests, benchmarks)
get them through `attach`; migrated databases get the same SQL from a migration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import MetaData, Table, event

# Statements per dialect name, run in order right after the table is created.
TriggerSQL = Mapping[str, Sequence[str]]


def attach(table: Table | MetaData, statements: TriggerSQL) -> None:
    """Create the triggers whenever `table` is created (create_all), for the dialect at hand;
    given the whole MetaData, once every table of a create_all exists."""

    def create(target: Table | MetaData, connection: Any, **_kw: Any) -> None:
        for sql in statements.get(connection.dialect.name, ()):
            # exec_driver_sql: plain SQL, no parameter parsing of the trigger bodies.
            connection.exec_driver_sql(sql)

    event.listen(table, "after_create", create)


def attach_before_drop(table: Table | MetaData, statements: TriggerSQL) -> None:
    """Run `statements` before `table` is dropped (drop_all): objects that depend on it go first."""

    def drop(target: Table | MetaData, connection: Any, **_kw: Any) -> None:
        for sql in statements.get(connection.dialect.name, ()):
            connection.exec_driver_sql(sql)

    event.listen(table, "before_drop", drop)


def frozen_when_approved(table: str, columns: Sequence[str], what: str) -> dict[str, list[str]]:
    """Triggers refusing DELETE of an approved row and UPDATE of any of `columns` in one."""
    pg_changed = " OR ".join(f"NEW.{c}::text IS DISTINCT FROM OLD.{c}::text" for c in columns)
    sqlite_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    name = f"{table}_approved_frozen"
    message = f"{what} is approved: its content cannot change and it cannot be deleted"
    return {
        "postgresql": [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{message} (id ' || OLD.id || ')';
  END IF;
  IF {pg_changed} THEN
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{message} (id ' || OLD.id || ')';
  END IF;
  RETURN NEW;
END $fn$""",
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW "
            f"WHEN (OLD.status = 'approved') EXECUTE FUNCTION {name}()",
        ],
        "sqlite": [
            f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} FOR EACH ROW "
            f"WHEN OLD.status = 'approved' AND ({sqlite_changed}) BEGIN SELECT RAISE(ABORT, '{message}'); "
            "END",
            f"CREATE TRIGGER {name}_delete BEFORE DELETE ON {table} FOR EACH ROW "
            f"WHEN OLD.status = 'approved' BEGIN SELECT RAISE(ABORT, '{message}'); END",
        ],
    }


def append_only(table: str, what: str) -> dict[str, list[str]]:
    """Triggers refusing every UPDATE and DELETE of `table`'s rows."""
    name = f"{table}_append_only"
    message = f"{what} is append-only: rows cannot be changed or deleted"
    return {
        "postgresql": [
            f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{message}';
END $fn$""",
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION "
            f"{name}()",
        ],
        "sqlite": [
            f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); "
            "END",
            f"CREATE TRIGGER {name}_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); "
            "END",
        ],
    }
