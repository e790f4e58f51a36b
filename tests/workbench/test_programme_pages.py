"""The programme pages on the demo data, for every role: they render, and the changes they offer
work, are refused to the wrong role, and land in the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from loyalty_core.config import service as config_service
from loyalty_core.ledger.models import Member
from loyalty_core.stores import service as store_service
from workbench.audit.models import AuditEntry
from workbench.demo.loader import load_demo
from workbench.extensions import db

ROLES = ("consultant", "approver", "rollout_manager", "admin")
DEMO_FILES = Path(__file__).resolve().parents[2] / "workbench" / "demo"


@pytest.fixture
def demo(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        load_demo(db.session(), members=15, days=30)
        db.session.commit()
    yield app


def _member_id(app: Flask) -> str:
    with app.app_context():
        member = db.session.scalars(select(Member)).first()
        assert member is not None
        return str(member.id)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_renders_for_every_role(
    demo: Flask, login_as: Callable[[str], FlaskClient], role: str
) -> None:
    client = login_as(role)
    member = _member_id(demo)
    for path in (
        "/",
        "/programme/versions",
        "/programme/versions/v1",
        "/programme/versions/v2",
        "/programme/stores",
        "/programme/members?q=%2B7",
        f"/programme/members/{member}",
    ):
        response = client.get(path)
        assert response.status_code == 200, (role, path, response.status_code)


def test_phones_are_masked_for_roles_without_personal_data(
    demo: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with demo.app_context():
        member = db.session.scalars(select(Member).where(Member.phone == "+79161234567")).one()
    client = login_as("consultant")
    consultant_page = client.get(f"/programme/members/{member.id}").get_data(as_text=True)
    assert "+79161234567" not in consultant_page and "+7********67" in consultant_page
    client.post("/logout")
    manager_page = login_as("rollout_manager").get(f"/programme/members/{member.id}").get_data(as_text=True)
    assert "+79161234567" in manager_page


def test_a_rollout_manager_switches_a_store_and_it_is_audited(
    demo: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    # The demo's v2 is approved (it is piloted); its draft v3 (release 2) goes through the same steps.
    client = login_as("approver")
    assert client.post("/programme/versions/v3/approve").status_code == 302
    client.post("/logout")
    client = login_as("rollout_manager")
    response = client.post("/programme/stores/R010/assign", data={"version": "v3"})
    assert response.status_code == 302
    with demo.app_context():
        store = store_service.get_store(db.session(), "R010")
        assert store.active_version is not None and store.active_version.label == "v3"
        entries = [(e.actor, e.action, e.target_id) for e in db.session.scalars(select(AuditEntry))]
    assert ("approver", "config.approve", "v3") in entries
    assert ("rollout_manager", "store.assign", "R010") in entries


def test_a_draft_cannot_be_switched_on(demo: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    # The demo's v3 is a draft.
    client = login_as("rollout_manager")
    page = client.post("/programme/stores/R010/assign", data={"version": "v3"}, follow_redirects=True)
    assert "draft" in page.get_data(as_text=True)
    with demo.app_context():
        store = store_service.get_store(db.session(), "R010")
        assert store.active_version is not None and store.active_version.label == "v1"


def test_a_consultant_sees_every_problem_of_a_bad_draft_and_nothing_is_stored(
    demo: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    client = login_as("consultant")
    page = client.post(
        "/programme/versions",
        data={"label": "v4", "text": "program: X\nearn: {base_rate: lots}\ntiers: 5\n"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "earn.base_rate: must be a number" in page and "tiers: must be a list" in page
    with demo.app_context():
        assert [v.label for v in config_service.list_versions(db.session())] == ["v1", "v2", "v3"]


def test_an_approved_version_offers_no_editing(demo: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    page = login_as("consultant").get("/programme/versions/v1").get_data(as_text=True)
    assert "<textarea" not in page and "approved" in page


def test_a_member_page_shows_when_a_late_receipt_happened_and_when_it_was_recorded(
    demo: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    import datetime as dt
    from decimal import Decimal

    from loyalty_core.engine import BasketLine
    from loyalty_core.ledger import service as ledger

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    happened = now - dt.timedelta(days=1, hours=2)
    with demo.app_context():
        session = db.session()
        store = store_service.get_store(session, "R001")
        # The demo's v1 takes receipts of today only: a version that takes them a week back.
        text = (DEMO_FILES / "v1.yaml").read_text("utf-8") + "\noffline: {max_age_days: 7}\n"
        offline = config_service.create_version(session, "v1-offline", text, created_by="t")
        config_service.approve(session, offline, approved_by="t")
        store_service.assign_version(session, store, offline, at=now - dt.timedelta(days=2))
        member = ledger.enroll(session, phone="+79160000701")
        ctx, at = ledger.receipt_context(session, store, happened, now)
        lines = [BasketLine("B", "bread", Decimal(1), Decimal("100.00"))]
        ledger.commit_purchase(session, ctx, member, lines, 0, at, recorded_at=now)
        session.commit()
        member_id = member.id
    page = login_as("consultant").get(f"/programme/members/{member_id}").get_data(as_text=True)
    moscow = dt.timezone(dt.timedelta(hours=3))
    shown = [moment.astimezone(moscow).strftime("%Y-%m-%d %H:%M") for moment in (happened, now)]
    row = next(line for line in page.split("<tr>") if shown[0] in line)
    assert shown[1] in row, row
