"""The audit log is append-only and records who changed what."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from workbench.audit import service
from workbench.audit.models import AuditAppendOnly, AuditEntry
from workbench.extensions import db


def test_entries_cannot_be_changed_or_deleted(app: Flask) -> None:
    with app.app_context():
        entry = service.record(db.session, "admin", "config.approve", "config_version", "v1", {"hash": "abc"})
        db.session.commit()
        entry.action = "config.reject"
        with pytest.raises(AuditAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, entry.id))
        with pytest.raises(AuditAppendOnly):
            db.session.commit()
        db.session.rollback()
        kept = db.session.get(AuditEntry, entry.id)
        assert kept is not None and kept.action == "config.approve"


def test_the_audit_page_filters_by_action(app: Flask, login) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        service.record(db.session, "rollout", "store.assign", "store", "R001", {"to": "v2"})
        service.record(db.session, "approver", "config.approve", "config_version", "v2", {})
        db.session.commit()
    page = login("approver").get("/audit/?action=store.assign").get_data(as_text=True)
    assert "R001" in page and "config.approve" not in page


def test_entries_record_aware_utc_times(app: Flask) -> None:
    with app.app_context():
        service.record(db.session, "cli", "demo.load", "project", "DEMO")
        db.session.commit()
        entry = db.session.scalars(select(AuditEntry)).first()
        assert entry is not None and entry.at.utcoffset() is not None and entry.at.utcoffset().total_seconds() == 0
