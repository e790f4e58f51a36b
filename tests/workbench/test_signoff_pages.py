"""The sign-off and stage board pages: roles, CSRF, flashes for bad input (nothing changed),
the waiting list, readable sections, per-item comments, "changed since your last review", the
stage board, and a version approved outside a package saying so."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.workbench.conftest import PASSWORD, csrf_signed_in, make_app
from tests.workbench.signoff_support import make_signoff_project
from workbench.extensions import db
from workbench.programme import service as programme
from workbench.requirements import service as requirements
from workbench.signoff import service as signoff
from workbench.signoff.models import ItemComment, PackageDecision
from workbench.signoff.snapshot import PACKAGE_SECTIONS


@pytest.fixture
def submitted(app: Flask) -> tuple[int, int]:
    """ACME submitted to cfo, buyer and the conftest's `approver`: 2 of 3, the CFO required."""
    with app.app_context():
        made = make_signoff_project(db.session())
        revision = signoff.submit(
            db.session(),
            made.gap.project,
            approvers=["cfo", "buyer", "approver"],
            actor="consultant",
            rule="2",
            required=["cfo"],
            version_label="v2",
        )
        db.session.commit()
        return revision.package_id, revision.id


def _as(client: FlaskClient, username: str) -> FlaskClient:
    client.post("/logout")
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _decisions(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(PackageDecision)) or 0)


def test_an_approver_sees_what_waits_and_reads_every_section(
    client: FlaskClient, submitted: tuple[int, int]
) -> None:
    package_id, revision_id = submitted
    page = _as(client, "approver").get("/signoff/").get_data(as_text=True)
    assert "Waiting for you" in page and f"/signoff/{package_id}" in page.split('id="waiting"')[1]
    package = client.get(f"/signoff/{package_id}").get_data(as_text=True)
    assert 'id="approve-form"' in package and "Approve revision 1" in package
    for section in PACKAGE_SECTIONS:
        assert client.get(f"/signoff/{package_id}/sections/{section}").status_code == 200
    rules = client.get(f"/signoff/{package_id}/sections/configuration").get_data(as_text=True)
    assert "3% of the check in points" in rules and "3% от чека баллами" in rules
    assert "<svg" in client.get(f"/signoff/{package_id}/sections/to_be_models").get_data(as_text=True)
    assert client.get(f"/signoff/{package_id}/sections/nothing").status_code == 404
    assert client.get(f"/signoff/{package_id}/item?key=requirement:REQ-77").status_code == 404
    # Someone not on the list has nothing waiting.
    assert "Nothing waits for you." in _as(client, "ops").get("/signoff/").get_data(as_text=True)


def test_comment_reject_change_and_see_the_change_since_the_review(
    app: Flask, client: FlaskClient, submitted: tuple[int, int]
) -> None:
    package_id, revision_id = submitted
    _as(client, "approver")
    client.post(
        f"/signoff/{package_id}/comment", data={"item_key": "requirement:REQ-1", "text": "Какой порог опта?"}
    )
    item = client.get(f"/signoff/{package_id}/item?key=requirement:REQ-1").get_data(as_text=True)
    assert "Какой порог опта?" in item and "on revision 1" in item

    # A rejection without a reason is refused with a flash, and nothing is recorded.
    page = client.post(
        f"/signoff/{package_id}/reject", data={"revision": revision_id, "reason": " "}, follow_redirects=True
    ).get_data(as_text=True)
    assert "a rejection needs a reason" in page and _decisions(app) == 0
    page = client.post(
        f"/signoff/{package_id}/reject",
        data={"revision": revision_id, "reason": "Порог не тот"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "You rejected the package" in page and _decisions(app) == 1

    with app.app_context():
        requirement = requirements.get_requirement(
            db.session(), signoff.get_package(db.session(), package_id).project, 1
        )
        requirements.update_requirement(
            db.session(),
            requirement,
            requirements.RequirementFields("Оптовый уровень от 15 000 ₽", "must"),
            actor="consultant",
        )
        db.session.commit()
    page = client.get(f"/signoff/{package_id}").get_data(as_text=True)
    changed = page.split('id="changed-since-review"')[1].split("</section>")[0]
    assert "REQ-1 Оптовый уровень от 15 000 ₽" in changed and "title:" in changed
    # The comment is still on the item, on its new revision.
    assert "Какой порог опта?" in client.get(f"/signoff/{package_id}/item?key=requirement:REQ-1").get_data(
        as_text=True
    )
    # The old revision is refused as stale with a flash.
    page = client.post(
        f"/signoff/{package_id}/approve", data={"revision": revision_id}, follow_redirects=True
    ).get_data(as_text=True)
    assert f"revision {revision_id} is stale" in page and _decisions(app) == 1


@pytest.mark.parametrize(("who", "status"), [("consultant", 403), ("rollout_manager", 403)])
def test_only_approvers_decide(
    client: FlaskClient, submitted: tuple[int, int], who: str, status: int
) -> None:
    package_id, revision_id = submitted
    assert (
        _as(client, who).post(f"/signoff/{package_id}/approve", data={"revision": revision_id}).status_code
        == status
    )
    # ... but they read the package.
    assert client.get(f"/signoff/{package_id}").status_code == 200


def test_an_approver_not_on_the_list_gets_a_flash(
    app: Flask, client: FlaskClient, submitted: tuple[int, int]
) -> None:
    package_id, revision_id = submitted
    with app.app_context():  # ops is on the project's team, but not among this package's approvers
        from workbench.auth import service as auth
        from workbench.projects import members
        from workbench.projects.service import get_project

        members.add_member(
            db.session(), get_project(db.session(), "ACME"), auth.get_user(db.session(), "ops"), actor="t"
        )
        db.session.commit()
    page = (
        _as(client, "ops")
        .post(f"/signoff/{package_id}/approve", data={"revision": revision_id}, follow_redirects=True)
        .get_data(as_text=True)
    )
    assert "ops is not an approver of package" in page and _decisions(app) == 0
    page = client.post(
        f"/signoff/{package_id}/approve", data={"revision": 4242}, follow_redirects=True
    ).get_data(as_text=True)
    assert "no revision 4242" in page


def test_signing_shows_on_the_stage_board_and_the_version(
    app: Flask, client: FlaskClient, submitted: tuple[int, int]
) -> None:
    package_id, revision_id = submitted
    for name in ("approver", "cfo"):
        _as(client, name).post(f"/signoff/{package_id}/approve", data={"revision": revision_id})
    board = client.get("/projects/ACME/stages").get_data(as_text=True)
    stage_3 = board.split('id="stage-3"')[1].split("</li>\n  \n")[0]
    assert "closed" in stage_3 and "Closed by cfo" in stage_3
    stage_5 = board.split('id="stage-5"')[1]
    assert "not started" in stage_5 and "not built yet" in stage_5
    assert "signed package" in client.get("/programme/versions/v2").get_data(as_text=True)
    # A version approved directly says so wherever it is shown.
    with app.app_context():
        version = programme.create_version(
            db.session(), "v3", "program: X\nearn: {base_rate: 1}\n", actor="consultant"
        )
        programme.approve(db.session(), version, actor="approver")
        db.session.commit()
    assert "approved outside a package" in client.get("/programme/versions/v3").get_data(as_text=True)
    assert "approved outside a package" in client.get("/programme/versions").get_data(as_text=True)


def test_a_consultant_submits_from_the_page_and_bad_input_is_flashed(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        make_signoff_project(db.session())
        db.session.commit()
    _as(client, "consultant")
    page = client.post(
        "/signoff/projects/ACME/submit",
        data={"approvers": "cfo, nobody", "rule": "all"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "approver &#39;nobody&#39;: no such active user" in page
    page = client.post(
        "/signoff/projects/ACME/submit",
        data={"approvers": "cfo, buyer", "rule": "all", "version": "v2"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Submitted revision 1" in page
    inbox = _as(client, "cfo").get("/inbox/").get_data(as_text=True)
    assert "ACME: the prototype package waits for your review" in inbox


def test_posts_need_a_csrf_token(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        made = make_signoff_project(db.session())
        revision = signoff.submit(
            db.session(), made.gap.project, approvers=["cfo"], actor="consultant", version_label="v2"
        )
        db.session.commit()
        package_id, revision_id = revision.package_id, revision.id
    client, token = csrf_signed_in(app, "cfo")
    assert client.post(f"/signoff/{package_id}/approve", data={"revision": revision_id}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PackageDecision)) == 0
    client.post(
        f"/signoff/{package_id}/comment",
        data={"item_key": "requirement:REQ-1", "text": "ok", "csrf_token": token},
    )
    client.post(f"/signoff/{package_id}/approve", data={"revision": revision_id, "csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PackageDecision)) == 1
        assert db.session.scalar(select(func.count()).select_from(ItemComment)) == 1


def test_pages_need_a_sign_in(client: FlaskClient, submitted: tuple[int, int]) -> None:
    package_id, _ = submitted
    for url in ("/signoff/", f"/signoff/{package_id}", "/projects/ACME/stages", "/inbox/"):
        assert client.get(url).status_code == 302
