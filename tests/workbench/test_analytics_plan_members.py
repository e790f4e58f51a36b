"""The analytics pages of a rollout plan open for members of the plan's project only: a rollout
manager who is not a member gets 404 (as on the plan's own pages) and changes nothing, whether
the plan is named in the URL (control stores, guardrail) or in the query (the pilot evaluation)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from loyalty_core.stores.models import Store
from rollout.models import WaveStore
from tests.analytics.pilot_ledger import PILOT_END
from workbench.auth import service as auth
from workbench.extensions import db
from workbench.programme_analytics.models import PlanGuardrail
from workbench.projects.service import create_project

from .conftest import PASSWORD
from .db_support import any_db_app  # noqa: F401  (the fixture)
from .test_analytics_plans import pilot_plan

OUTSIDER = "outside_manager"  # a rollout manager of another client's project


def _demo_project(app: Flask) -> None:
    """DEMO, whose members are the role users; the outsider a rollout manager who is not one."""
    with app.app_context():
        create_project(db.session(), "DEMO", "Demo chain", actor="test")
        auth.create_user(db.session(), OUTSIDER, PASSWORD, "rollout_manager", actor="test")
        db.session.commit()


@pytest.fixture
def app(any_db_app: Flask) -> Flask:  # noqa: F811
    """Every test here on SQLite and on PostgreSQL (with TEST_DATABASE_URL)."""
    return any_db_app


@pytest.fixture
def plan_id(app: Flask) -> int:
    """A DEMO plan whose pilot has run, its stores without control stores named yet."""
    _demo_project(app)
    return pilot_plan(app, lift=0.10, controls=False)


@pytest.fixture
def evaluated_plan_id(app: Flask) -> int:
    """A DEMO plan whose pilot has run against control stores R004-R006."""
    _demo_project(app)
    return pilot_plan(app, lift=0.10)


def _controls_named(app: Flask, plan_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Store.code)
                .join(WaveStore, WaveStore.store_id == Store.id)
                .where(WaveStore.plan_id == plan_id, WaveStore.control_codes != "")
            )
        )


def test_suggested_controls_open_for_a_member_only(
    app: Flask, plan_id: int, login_as: Callable[[str], FlaskClient]
) -> None:
    member = login_as("rollout_manager")
    assert "Match score" in member.get(f"/analytics/plans/{plan_id}/controls").get_data(as_text=True)
    member.post("/logout")
    outsider = login_as(OUTSIDER)
    assert outsider.get(f"/analytics/plans/{plan_id}/controls").status_code == 404


def test_accepting_controls_is_a_members_change_only(
    app: Flask, plan_id: int, login_as: Callable[[str], FlaskClient]
) -> None:
    outsider = login_as(OUTSIDER)
    refused = outsider.post(f"/analytics/plans/{plan_id}/controls", data={"match": "R001:R004"})
    assert refused.status_code == 404 and _controls_named(app, plan_id) == []
    outsider.post("/logout")
    member = login_as("rollout_manager")
    accepted = member.post(f"/analytics/plans/{plan_id}/controls", data={"match": "R001:R004"})
    assert accepted.status_code == 302 and _controls_named(app, plan_id) == ["R001"]


def test_the_guardrail_is_set_by_a_member_only(
    app: Flask, plan_id: int, login_as: Callable[[str], FlaskClient]
) -> None:
    form = {"threshold": "4", "confidence": "90"}
    outsider = login_as(OUTSIDER)
    assert outsider.post(f"/analytics/plans/{plan_id}/guardrail", data=form).status_code == 404
    with app.app_context():
        assert db.session.get(PlanGuardrail, plan_id) is None
    outsider.post("/logout")
    member = login_as("rollout_manager")
    assert member.post(f"/analytics/plans/{plan_id}/guardrail", data=form).status_code == 302
    with app.app_context():
        row = db.session.get(PlanGuardrail, plan_id)
        assert row is not None and str(row.threshold_pct) == "4.00"


@pytest.mark.parametrize("name", ["{id}", "DEMO/v2"])
def test_the_pilot_evaluation_of_a_plan_opens_for_a_member_only(
    app: Flask, evaluated_plan_id: int, login_as: Callable[[str], FlaskClient], name: str
) -> None:
    query = f"/analytics/pilot?plan={name.format(id=evaluated_plan_id)}&to={PILOT_END.isoformat()}"
    member = login_as("rollout_manager")
    page = member.get(query).get_data(as_text=True)
    assert 'value="R001,R002,R003"' in page and 'value="R004,R005,R006"' in page
    assert "the pilot raised it by" in page  # the verdict of the plan's pilot (a 10% lift)
    member.post("/logout")
    outsider = login_as(OUTSIDER)
    response = outsider.get(query)
    assert response.status_code == 404 and "R004,R005,R006" not in response.get_data(as_text=True)
    # A plan that does not exist answers the same, so the query cannot probe for projects.
    assert outsider.get("/analytics/pilot?plan=NOPE/v1").status_code == 404
    assert outsider.get(f"/analytics/pilot?plan={evaluated_plan_id + 100}").status_code == 404
