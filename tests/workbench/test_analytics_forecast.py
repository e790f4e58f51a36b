"""The forecast page: fitted on the job runner (never in the request), then per member P(alive),
expected purchases and value in 30/90/365 days, phone and email only for roles that may see
them, and the base's expected purchases per week as a chart; its CSV has every member."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.analytics.pilot_ledger import generate_pilot_ledger
from workbench.extensions import db
from workbench.jobs.models import Job


def test_the_forecast_is_fitted_by_a_job_and_shown_per_member(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    with app.app_context():
        generate_pilot_ledger(db.engine, lift=0.0)  # 8 stores x 12 members, weekly shopping
    client = login_as("rollout_manager")
    assert 'id="forecast-none"' in client.get("/analytics/forecast").get_data(as_text=True)
    response = client.post("/analytics/forecast")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == "analytics.forecast"))
        assert job is not None and job.state == "finished", job.message if job else None
        members = job.result["members"]
        assert len(members) == 96 and len(job.result["weekly"]) == 52
        assert set(job.result["params"]) == {"r", "alpha", "a", "b"}
        for _member, alive, p30, p90, p365, *values in members:
            assert 0 <= alive <= 1 and 0 <= p30 <= p90 <= p365
            assert all(v is not None for v in values)
    page = client.get("/analytics/forecast").get_data(as_text=True)
    assert 'id="forecast-chart"' in page and "Expected purchases per week (all members)" in page
    assert page.count('<tr class="member">') == 96 and "+7901" in page  # phones for a rollout manager
    assert "P(alive)" in page and "Value, 365 days" in page
    exported = client.get("/analytics/forecast.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert len(rows) == 96 and list(rows[0]) == [
        "member_id",
        "p_alive",
        "purchases_30d",
        "purchases_90d",
        "purchases_365d",
        "value_30d",
        "value_90d",
        "value_365d",
    ]
    client.post("/logout")
    consultant = login_as("consultant")
    page = consultant.get("/analytics/forecast").get_data(as_text=True)
    assert page.count('<tr class="member">') == 96 and "+7901" not in page  # no personal data
    client.post("/logout")
    approver = login_as("approver")
    assert approver.get("/analytics/forecast").status_code == 200
    assert approver.post("/analytics/forecast").status_code == 403  # fitting is for those who analyse
