"""append-only triggers: audit log and approved configuration versions

The audit log and approved versions were protected by the ORM only; a raw UPDATE went through.
These triggers refuse UPDATE and DELETE on audit_entries, and DELETE or any change of an
approved version's content (document, source_text, content_hash, label, status). No data is
touched. The SQL is written out here as it stood at this revision (the models create the same
triggers through loyalty_core.guards for tables made by create_all).

Revision ID: c4d9e8f7a6b5
Revises: b7e2d4c1a5f3
Created: 2026-12-04 17:35:00
"""

from alembic import op

revision = "c4d9e8f7a6b5"
down_revision = "b7e2d4c1a5f3"
branch_labels = None
depends_on = None

FROZEN = "a configuration version is approved: its content cannot change and it cannot be deleted"
APPEND_ONLY = "the audit log is append-only: rows cannot be changed or deleted"
CHANGED_PG = " OR ".join(
    f"NEW.{c}::text IS DISTINCT FROM OLD.{c}::text"
    for c in ("document", "source_text", "content_hash", "label", "status")
)
CHANGED_SQLITE = " OR ".join(
    f"NEW.{c} IS NOT OLD.{c}" for c in ("document", "source_text", "content_hash", "label", "status")
)

UP = {
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION config_versions_approved_frozen()
RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{FROZEN} (id ' || OLD.id || ')';
  END IF;
  IF {CHANGED_PG} THEN
    RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{FROZEN} (id ' || OLD.id || ')';
  END IF;
  RETURN NEW;
END $fn$""",
        "CREATE TRIGGER config_versions_approved_frozen BEFORE UPDATE OR DELETE ON config_versions FOR EACH "
        "ROW "
        "WHEN (OLD.status = 'approved') EXECUTE FUNCTION config_versions_approved_frozen()",
        f"""CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = '{APPEND_ONLY}';
END $fn$""",
        "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW "
        "EXECUTE FUNCTION audit_entries_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER config_versions_approved_frozen_update BEFORE UPDATE ON config_versions FOR EACH ROW "
        f"WHEN OLD.status = 'approved' AND ({CHANGED_SQLITE}) BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END",
        "CREATE TRIGGER config_versions_approved_frozen_delete BEFORE DELETE ON config_versions FOR EACH ROW "
        f"WHEN OLD.status = 'approved' BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END",
        "CREATE TRIGGER audit_entries_append_only_update BEFORE UPDATE ON audit_entries BEGIN SELECT "
        f"RAISE(ABORT, '{APPEND_ONLY}'); END",
        "CREATE TRIGGER audit_entries_append_only_delete BEFORE DELETE ON audit_entries BEGIN SELECT "
        f"RAISE(ABORT, '{APPEND_ONLY}'); END",
    ],
}
DOWN = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS config_versions_approved_frozen ON config_versions",
        "DROP FUNCTION IF EXISTS config_versions_approved_frozen()",
        "DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries",
        "DROP FUNCTION IF EXISTS audit_entries_append_only()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS config_versions_approved_frozen_update",
        "DROP TRIGGER IF EXISTS config_versions_approved_frozen_delete",
        "DROP TRIGGER IF EXISTS audit_entries_append_only_update",
        "DROP TRIGGER IF EXISTS audit_entries_append_only_delete",
    ],
}


def _run(statements: dict[str, list[str]]) -> None:
    for sql in statements.get(op.get_context().dialect.name, []):
        op.execute(sql)


def upgrade() -> None:
    _run(UP)


def downgrade() -> None:
    _run(DOWN)
