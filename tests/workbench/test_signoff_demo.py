"""The DEMO prototype package: submitted to three client approvers (2 of 3, the CFO required),
one approved and commented; their logins are printed with the others."""

from __future__ import annotations

import json

from flask import Flask

from workbench.extensions import db
from workbench.projects.service import get_project
from workbench.signoff import service as signoff
from workbench.stages import service as stages


def test_the_demo_has_a_package_waiting_for_the_cfo(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--members", "5"])
    assert result.exit_code == 0, result.output
    assert "demo prototype package submitted" in result.output
    for login in ("cfo         cfo-demo", "marketing   marketing-demo", "retail      retail-demo"):
        assert login in result.output
    status = json.loads(
        app.test_cli_runner().invoke(args=["signoff", "status", "--project", "DEMO", "--json"]).stdout
    )
    assert status["state"] == "waiting" and status["rule"] == 2 and status["required"] == ["cfo"]
    assert status["approvers"] == ["cfo", "marketing", "retail"]
    assert [(a["user"], a["decision"]) for a in status["approvals"]] == [("marketing", "approve")]
    with app.app_context():
        project = get_project(db.session(), "DEMO")
        package = signoff.get_package(db.session(), status["package"])
        assert [c.item_key for c in signoff.comments(db.session(), package)] == [
            "requirement:REQ-6",
            "config:redemption.max_share",
        ]
        assert [s.package.id for s in signoff.waiting_for(db.session(), "cfo")] == [package.id]
        board = stages.board(db.session(), project)
        stage_3 = board[2].deliverables[0]
        assert stage_3.state == "in_progress" and "still required: cfo" in stage_3.problems[0]
    # Loading again changes nothing.
    again = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "prototype package" not in again.output
