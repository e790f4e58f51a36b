"""(PostgreSQL) Two approvers approve at the same moment, which meets the rule: both decisions are
recorded, the package is signed exactly once and its configuration version approved once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from tests.conftest import _truncate_pg, postgres_url
from tests.workbench.conftest import make_app
from tests.workbench.signoff_support import make_signoff_project
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.signoff import service as signoff
from workbench.signoff.models import Package, PackageDecision
from workbench.stages.models import Checkpoint

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(pg_engine: Engine, tmp_path: Path) -> Iterator[Flask]:
    url = postgres_url()
    assert url
    _truncate_pg(pg_engine)
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url.replace("postgresql://", "postgresql+psycopg://", 1))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _count(model: type, *where: object) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]


@pytest.mark.parametrize("attempt", range(3))
def test_two_simultaneous_approvals_sign_the_package_exactly_once(pg_app: Flask, attempt: int) -> None:
    with pg_app.app_context():
        made = make_signoff_project(db.session())
        db.session.commit()
        revision = signoff.submit(
            db.session(),
            made.gap.project,
            approvers=["cfo", "buyer", "ops"],
            actor="consultant",
            rule="2",
            required=["cfo"],
            version_label="v2",
        )
        db.session.commit()
        revision_id = revision.id

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def approve(name: str) -> None:
        try:
            with pg_app.app_context():
                barrier.wait(timeout=10)
                signoff.approve(db.session(), revision_id, actor=name)
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=approve, args=(name,)) for name in ("cfo", "buyer")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []

    with pg_app.app_context():
        assert _count(PackageDecision) == 2
        assert _count(AuditEntry, AuditEntry.action == "signoff.approve") == 2
        assert _count(AuditEntry, AuditEntry.action == "signoff.sign") == 1
        assert _count(AuditEntry, AuditEntry.action == "config.approve") == 1
        assert _count(Checkpoint, Checkpoint.stage == 3) == 1
        package = db.session.scalars(select(Package)).one()
        assert package.status == "signed" and package.signed_hash == revision.content_hash
        assert package.config_version.is_approved
        assert package.config_version.approval_package_hash == revision.content_hash
