"""The audit log is append-only, records who changed what, and reads newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update

from workbench.audit import service
from workbench.audit.models import AuditAppendOnly, AuditEntry
from workbench.auth import service as auth_service
from workbench.auth.models import User
from workbench.extensions import db
from workbench.templating import localtime

LoginAs = Callable[[str], FlaskClient]


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


def test_bulk_statements_cannot_change_or_delete_entries_either(app: Flask) -> None:
    with app.app_context():
        service.record(db.session, "admin", "config.approve", "config_version", "v1")
        db.session.commit()
        with pytest.raises(AuditAppendOnly):
            db.session.execute(update(AuditEntry).values(actor="someone else"))
        db.session.rollback()
        with pytest.raises(AuditAppendOnly):
            db.session.execute(delete(AuditEntry))
        db.session.rollback()
        kept = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "config.approve")).one()
        assert kept.actor == "admin"


def test_user_creation_and_deactivation_are_recorded(app: Flask) -> None:
    with app.app_context():
        olga = auth_service.create_user(db.session, "olga", "long-enough-1", "approver", actor="admin")
        auth_service.set_active(db.session, olga, False, actor="admin")
        db.session.commit()
        rows = db.session.scalars(
            select(AuditEntry).where(AuditEntry.target_id == "olga").order_by(AuditEntry.id)
        )
        got = [(e.actor, e.action, e.target_type, e.details) for e in rows]
    assert got == [
        ("admin", "user.create", "user", {"role": "approver"}),
        ("admin", "user.deactivate", "user", {}),
    ]


def test_a_change_and_its_entry_are_committed_together(app: Flask) -> None:
    with app.app_context():
        auth_service.create_user(db.session, "olga", "long-enough-1", "approver", actor="admin")
        db.session.rollback()
        assert db.session.scalar(select(User).where(User.username == "olga")) is None
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.target_id == "olga")) is None


@pytest.mark.parametrize(("actor", "action"), [("", "user.create"), ("admin", "create")])
def test_record_refuses_entries_without_actor_or_domain(app: Flask, actor: str, action: str) -> None:
    with app.app_context(), pytest.raises(ValueError):
        service.record(db.session, actor, action, "user", "x")


def test_entries_record_aware_utc_times(app: Flask) -> None:
    with app.app_context():
        service.record(db.session, "cli", "demo.load", "project", "DEMO")
        db.session.commit()
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "demo.load")).one()
        assert entry.at.utcoffset() == dt.timedelta(0)


def test_times_are_shown_in_the_display_zone(app: Flask) -> None:
    moment = dt.datetime(2026, 3, 1, 21, 30, tzinfo=dt.UTC)
    with app.app_context():
        assert localtime(moment) == "2026-03-02 00:30"  # Europe/Moscow, UTC+3
        assert localtime(None) == ""
        app.config["DISPLAY_TIMEZONE"] = "Asia/Yekaterinburg"
        assert localtime(moment, "%H:%M") == "02:30"


def test_the_audit_page_filters_by_action_and_actor(app: Flask, login_as: LoginAs) -> None:
    with app.app_context():
        service.record(db.session, "rollout", "store.assign", "store", "R001", {"to": "v2"})
        service.record(db.session, "approver", "config.approve", "config_version", "v2", {})
        service.record(db.session, "cli", "store.assign", "store", "W002", {"to": "v2"})
        db.session.commit()
    client = login_as("approver")
    by_action = client.get("/audit/?action=store.assign").get_data(as_text=True)
    assert "R001" in by_action and "W002" in by_action and "config_version" not in by_action
    by_both = client.get("/audit/?action=store.assign&actor=cli").get_data(as_text=True)
    assert "W002" in by_both and "R001" not in by_both


def test_the_audit_page_is_newest_first_and_paginated(app: Flask, login_as: LoginAs) -> None:
    with app.app_context():
        for n in range(55):
            service.record(db.session, "cli", "store.assign", "store", f"S{n:03d}")
        db.session.commit()
        page = service.entries(db.session, action="store.assign", page=1, per_page=50)
        assert page.total == 55 and page.pages == 2 and page.has_next
        assert page.entries[0].target_id == "S054" and page.entries[-1].target_id == "S005"
    client = login_as("rollout_manager")
    first = client.get("/audit/?action=store.assign").get_data(as_text=True)
    assert "S054" in first and "S004" not in first and "Older" in first
    second = client.get("/audit/?action=store.assign&page=2").get_data(as_text=True)
    assert "S004" in second and "S000" in second and "S054" not in second and "Newer" in second
