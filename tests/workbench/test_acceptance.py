"""Acceptance scenarios: stored per project with their @REQ-n links, run with behave in a separate
process against a configuration version, results kept; the verdict per version; the pages and
the `workbench accept` commands."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from loyalty_core.config import service as config_service
from loyalty_core.config.models import ConfigVersion
from workbench.acceptance import gherkin, runner, service
from workbench.acceptance.demo import SCENARIOS, demo_feature_files
from workbench.acceptance.models import Feature, Result, Run
from workbench.audit.models import AuditEntry
from workbench.extensions import db
from workbench.projects.models import Project
from workbench.projects.service import create_project, get_project
from workbench.requirements.models import Requirement

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "workbench" / "demo"
MUST = (1, 2, 3, 5, 6, 8, 10, 11, 16, 29, 30)

ACCRUAL = """Feature: Accrual
  Background:
    Given the configuration under test
    And a member with a balance of 0 points

  @REQ-3
  Scenario: Base accrual is 3% of the check
    Given the basket:
      | sku | category | quantity | amount  |
      | B   | grocery  | 1        | 1000.00 |
    When the member buys the basket
    Then the receipt earns 30 points

  @REQ-4
  Scenario: The member dances
    When the member dances a jig
    Then the balance is 0
"""


def _documents() -> dict[str, str]:
    return {label: (DEMO / f"{label}.yaml").read_text("utf-8") for label in ("v1", "v2")}


def _setup(app: Flask, *, demo: bool = True) -> None:
    """A project with the demo's v1/v2, its Must/Should requirements and (optionally) its scenarios."""
    with app.app_context():
        session = db.session()
        project = create_project(
            session, "ACC", "Свежий рынок", actor="test", directions=["retail", "wholesale"]
        )
        for label, text in _documents().items():
            config_service.create_version(session, label, text, created_by="test")
        for number in range(1, 31):
            session.add(
                Requirement(
                    project_id=project.id,
                    number=number,
                    title=f"requirement {number}",
                    priority="must" if number in MUST else "should",
                )
            )
        if demo:
            from workbench.acceptance.demo import load_demo_scenarios

            assert load_demo_scenarios(session, project, actor="test") >= 20
        session.commit()


def _run(app: Flask, label: str) -> Run:
    with app.app_context():
        session = db.session()
        project = get_project(session, "ACC")
        run = service.create_run(
            session, project, config_service.get_version(session, label), actor="consultant"
        )
        service.execute_run(session, run)
        session.commit()
        session.refresh(run)
        return run


def _files() -> list[runner.FeatureFile]:
    return [runner.FeatureFile(p.name, p.read_text("utf-8")) for p in demo_feature_files()]


def _document(label: str, **changes: object) -> dict[str, object]:
    document, _ = config_service.read_text(_documents()[label])
    redemption = dict(document["redemption"])
    redemption.update(changes)
    return {**document, "redemption": redemption}


# --- the core suite and the step library ------------------------------------------------------


def test_the_core_suite_passes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "behave", "features/", "--format", "progress", "--no-snippets", "--summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " 0 failed" in done.stdout and "scenarios passed" in done.stdout
    assert "08_expiry.feature" in done.stdout and "ru_08_expiry.feature" in done.stdout


def test_a_wrong_configuration_fails_the_expected_scenarios_with_expected_and_actual_figures() -> None:
    # v2 with 40% instead of 50% of a check payable with points: only the REQ-6 scenarios fail.
    outcome = runner.run(_files(), _document("v2", max_share=40), config_label="wrong")
    failed = {(r.filename, r.scenario_name) for r in outcome.results if r.status != "passed"}
    assert failed == {
        ("redemption.feature", "Half of a check can be paid with points"),
        ("ru_redemption.feature", "Баллами можно оплатить половину чека"),
        (
            "ru_wholesale.feature",
            "Оптовый чек бакалеи на 17000.00 начисляется по ставке 4%",
        ),  # fails on v2 too
    }
    half = next(r for r in outcome.results if r.scenario_name == "Half of a check can be paid with points")
    assert half.status == "failed"
    assert half.failing_step == "Then at most 500 points can be redeemed (line 18)"
    assert "cannot redeem 500 points: at most 400 points (40% of the check 1000.00" in half.message
    assert half.message == (  # what was expected, and what the engine answered instead
        "expected at most 500 points to be redeemable, but the purchase was refused: "
        "cannot redeem 500 points: at most 400 points (40% of the check 1000.00 at 1.00 per point)"
    )
    russian = next(r for r in outcome.results if r.scenario_name == "Баллами можно оплатить половину чека")
    assert russian.status == "failed" and russian.message == half.message  # expected vs actual, same words
    wholesale = next(
        r for r in outcome.results if r.filename == "ru_wholesale.feature" and r.status == "failed"
    )
    assert wholesale.message.startswith("expected the receipt to earn 680 points, got 510")
    assert (
        wholesale.message
        == "expected the receipt to earn 680 points, got 510 (lines: 510; applied: none; tier: base)"
    )


def test_russian_and_english_versions_of_a_scenario_give_the_same_result() -> None:
    pairs = [
        ("enrolment.feature", "ru_registration.feature"),
        ("redemption.feature", "ru_redemption.feature"),
        ("accrual.feature", "ru_accrual.feature"),
    ]
    for label, expect_req6 in (("v1", "failed"), ("v2", "passed")):
        document, _ = config_service.read_text(_documents()[label])
        outcome = runner.run(_files(), document, config_label=label)
        by_file: dict[str, dict[tuple[int, ...], str]] = {}
        messages: dict[str, dict[tuple[int, ...], str]] = {}
        for result in outcome.results:
            parsed = gherkin.parse((SCENARIOS / result.filename).read_text("utf-8"), result.filename)
            reqs = next(s.requirements for s in parsed.scenarios if s.name == result.scenario_name)
            by_file.setdefault(result.filename, {})[reqs] = result.status
            messages.setdefault(result.filename, {})[reqs] = result.message
        for english, russian in pairs:
            shared = set(by_file[english]) & set(by_file[russian])
            assert shared, (english, russian)
            for reqs in shared:
                assert by_file[english][reqs] == by_file[russian][reqs], (label, english, reqs)
                # The same check says the same thing (expected vs actual) in either language.
                assert messages[english][reqs] == messages[russian][reqs], (label, english, reqs)
                if label == "v2":
                    assert by_file[english][reqs] == "passed", (english, reqs, messages[english][reqs])
        assert by_file["redemption.feature"][(6,)] == by_file["ru_redemption.feature"][(6,)] == expect_req6


def test_the_configuration_under_test_step_says_how_to_give_it(tmp_path: Path) -> None:
    outcome = runner.run(_files()[:1], {}, config_label="")  # a run always passes -D config
    assert outcome.count("passed") == 0  # an empty document is not a valid programme
    first = outcome.results[0]
    assert first.status == "failed" and "is not valid" in first.message
    # behave run by hand over the step library without -D config=...
    (tmp_path / "environment.py").symlink_to(ROOT / "features" / "environment.py")
    (tmp_path / "steps").symlink_to(ROOT / "features" / "steps", target_is_directory=True)
    (tmp_path / "enrolment.feature").write_text((SCENARIOS / "enrolment.feature").read_text("utf-8"), "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "behave", str(tmp_path), "--format", "null", "--no-snippets"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "no configuration under test: run behave with -D config=FILE" in done.stdout


def test_a_run_that_hangs_is_stopped_at_its_time_limit(tmp_path: Path) -> None:
    # A step library whose one step hangs without printing anything.
    library = tmp_path / "library"
    (library / "steps").mkdir(parents=True)
    (library / "environment.py").write_text("", "utf-8")
    (library / "steps" / "hang.py").write_text(
        "import time\nfrom behave import given\n\n\n@given('the step hangs')\n"
        "def hang(context):\n    time.sleep(120)\n",
        "utf-8",
    )
    files = [
        runner.FeatureFile("hang.feature", "Feature: Hang\n  Scenario: It hangs\n    Given the step hangs\n")
    ]
    started = time.monotonic()
    outcome = runner.run(files, {}, library=library, timeout=2)
    assert time.monotonic() - started < 60
    assert outcome.crashed and outcome.results == []
    assert "behave took longer than 2 s and was stopped" in outcome.output


def test_the_scenario_ledger_enforces_foreign_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import text

    monkeypatch.syspath_prepend(str(ROOT / "features"))  # as features/environment.py does for behave
    from acceptance.ledger_mode import LedgerBook

    document, _ = config_service.read_text(_documents()["v2"])
    book = LedgerBook(document)
    try:
        assert book.session.scalar(text("PRAGMA foreign_keys")) == 1
    finally:
        book.close()


# --- stored scenarios -------------------------------------------------------------------------


def test_stored_scenarios_are_linked_to_their_requirements(app: Flask) -> None:
    _setup(app)
    with app.app_context():
        session = db.session()
        project = get_project(session, "ACC")
        tagged = service.requirement_scenarios(session, project)
        assert set(MUST) <= set(tagged)
        assert {s.name for s in tagged[6]} == {
            "Half of a check can be paid with points",
            "Баллами можно оплатить половину чека",
        }
        assert all(s.status == "not_run" and s.run_id is None for s in tagged[6])
        # Tags of the feature count for each of its scenarios (tiers.feature is tagged @REQ-9 as a whole).
        assert len(tagged[9]) == 2
        languages = {f.language for f in service.list_features(session, project)}
        assert languages == {"en", "ru"}


def test_a_syntax_error_is_refused_naming_the_line_and_nothing_is_stored(app: Flask) -> None:
    _setup(app, demo=False)
    bad = ACCRUAL.replace(
        "      | B   | grocery  | 1        | 1000.00 |", "      | B   | grocery  | 1000.00 |"
    )
    with app.app_context():
        session = db.session()
        project = get_project(session, "ACC")
        with pytest.raises(gherkin.GherkinError, match=r"bad\.feature, line 10: .*Malformed table"):
            service.save_feature(session, project, "bad.feature", bad, actor="test")
        with pytest.raises(service.AcceptanceError, match=r"nothing imported: bad\.feature, line 10"):
            service.import_features(
                session, project, [("good.feature", ACCRUAL), ("bad.feature", bad)], actor="test"
            )
        session.rollback()
        assert session.query(Feature).count() == 0


def test_an_undefined_step_and_a_broken_file_are_reported_and_the_other_results_stored(app: Flask) -> None:
    _setup(app, demo=False)
    with app.app_context():
        session = db.session()
        project = get_project(session, "ACC")
        service.save_feature(session, project, "accrual.feature", ACCRUAL, actor="test")
        broken = service.save_feature(
            session, project, "broken.feature", ACCRUAL.replace("Accrual", "Broken"), actor="test"
        )
        # A file stored before the parser got stricter (or edited in the database) no longer parses.
        broken.source = broken.source.replace("| 1        | 1000.00 |", "| 1000.00 |")
        session.commit()
    run = _run(app, "v2")
    with app.app_context():
        results = db.session().query(Result).filter_by(run_id=run.id).all()
        by_name = {(r.feature_name, r.scenario_name): r for r in results}
        assert by_name[("Accrual", "Base accrual is 3% of the check")].status == "passed"
        undefined = by_name[("Accrual", "The member dances")]
        assert undefined.status == "undefined"
        assert undefined.failing_step == "When the member dances a jig (line 16)"
        assert '@when(r"the member dances a jig")' in undefined.snippet
        error = by_name[("broken.feature", "")]
        assert error.status == "error" and "broken.feature, line 10" in error.message
        assert (run.passed, run.failed, run.undefined, run.errors) == (1, 0, 1, 1)
        assert run.summary == "1 passed, 0 failed, 1 undefined, 1 errors"


def test_a_run_records_its_version_who_when_and_per_scenario_status(app: Flask) -> None:
    _setup(app)
    run = _run(app, "v2")
    with app.app_context():
        session = db.session()
        run = session.get(Run, run.id)
        version = config_service.get_version(session, "v2")
        assert (run.status, run.config_label, run.config_hash, run.started_by) == (
            "finished",
            "v2",
            version.content_hash,
            "consultant",
        )
        assert run.finished_at is not None and run.duration_seconds and run.duration_seconds > 0
        assert run.total == run.done == len(run.results) == 32
        assert run.summary == "31 passed, 1 failed"
        failed = [r for r in run.results if r.status == "failed"]
        assert [r.scenario_name for r in failed] == [
            "Оптовый чек бакалеи на 17000.00 начисляется по ставке 4%"
        ]
        assert failed[0].failing_step == "Тогда начислено 680 баллов (line 18)"
        assert failed[0].message.startswith("expected the receipt to earn 680 points, got 510")
        assert any(e.action == "acceptance.run.finish" for e in session.query(AuditEntry).all())


def test_the_verdict_of_a_version(app: Flask) -> None:
    _setup(app)
    with app.app_context():
        session = db.session()
        project, v2 = get_project(session, "ACC"), config_service.get_version(session, "v2")
        before = service.verdict(session, project, v2)
        assert not before.passed and before.run_id is None
        assert "no finished run of ACC against v2" in before.reasons
    run_v1, run_v2 = _run(app, "v1"), _run(app, "v2")
    with app.app_context():
        session = db.session()
        project = get_project(session, "ACC")
        v1, v2 = config_service.get_version(session, "v1"), config_service.get_version(session, "v2")
        verdict_v1, verdict_v2 = service.verdict(session, project, v1), service.verdict(session, project, v2)
        assert verdict_v2.passed and verdict_v2.run_id == run_v2.id and verdict_v2.reasons == []
        assert not verdict_v1.passed and verdict_v1.run_id == run_v1.id
        assert "REQ-6 «Half of a check can be paid with points»: failed" in verdict_v1.reasons
        # REQ-15 (Should) fails on v2 without failing the verdict; the gap map sees it failed.
        tagged = service.requirement_scenarios(session, project)
        assert {s.status for s in tagged[15]} == {"failed", "passed"}
        assert all(s.config_label == "v2" and s.run_id == run_v2.id for s in tagged[15])
        # A draft edited after its run is no longer proved by that run.
        text = _documents()["v2"].replace("max_share: 50", "max_share: 49")
        config_service.update_draft(session, v2, text)
        stale = service.verdict(session, project, v2)
        assert not stale.passed and any("earlier text of v2" in r for r in stale.reasons)
        session.rollback()


def test_a_scenario_keeps_its_history_when_its_feature_is_edited(app: Flask) -> None:
    _setup(app, demo=False)
    with app.app_context():
        session = db.session()
        service.save_feature(session, get_project(session, "ACC"), "accrual.feature", ACCRUAL, actor="test")
        session.commit()
    _run(app, "v1")
    with app.app_context():
        session = db.session()
        project = get_project(session, "ACC")
        feature = service.list_features(session, project)[0]
        kept = next(s for s in feature.scenarios if s.name == "Base accrual is 3% of the check")
        edited = ACCRUAL.replace("Scenario: The member dances", "Scenario: The member waits").replace(
            "When the member dances a jig\n", ""
        )
        service.save_feature(session, project, "accrual.feature", edited, actor="test")
        session.commit()
        assert service.get_scenario(session, kept.id).active
        assert {s.name: s.active for s in feature.scenarios} == {
            "Base accrual is 3% of the check": True,
            "The member dances": False,
            "The member waits": True,
        }
    _run(app, "v2")
    with app.app_context():
        history = service.scenario_history(db.session(), service.get_scenario(db.session(), kept.id))
        assert [(r.run.config_label, r.status) for r in history] == [("v2", "passed"), ("v1", "passed")]


# --- the pages --------------------------------------------------------------------------------


def test_a_consultant_runs_the_scenarios_from_the_page_and_reads_the_results(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    app.config["ACCEPTANCE_RUN_INLINE"] = True
    _setup(app)
    client = login_as("consultant")
    page = client.get("/projects/ACC/acceptance").get_data(as_text=True)
    assert "Run the scenarios" in page and "ru_wholesale.feature" in page
    response = client.post("/projects/ACC/acceptance/runs", data={"version": "v2"})
    assert response.status_code == 302
    run_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "31 passed, 1 failed" in run_page
    assert "expected the receipt to earn 680 points, got 510" in run_page
    with app.app_context():
        session = db.session()
        result = session.query(Result).filter_by(status="failed").one()
        scenario_id, run_id = result.scenario_id, result.run_id
    scenario = client.get(f"/acceptance/scenarios/{scenario_id}").get_data(as_text=True)
    assert "Тогда начислено 680 баллов" in scenario and f"run {run_id}" in scenario
    assert "Дано конфигурация под тестом" in scenario  # the background, readable
    living = client.get("/projects/ACC/acceptance/requirements/6").get_data(as_text=True)
    assert "requirement 6" in living and "Когда участник покупает корзину, списывая 500 баллов" in living
    assert "passed" in living
    index = client.get("/projects/ACC/acceptance/requirements").get_data(as_text=True)
    assert "REQ-15" in index and "REQ-30" in index


def test_the_editor_reports_a_syntax_error_with_its_line_and_keeps_the_text(
    app: Flask, login_as: Callable[[str], FlaskClient]
) -> None:
    _setup(app, demo=False)
    client = login_as("consultant")
    bad = ACCRUAL.replace("  Scenario: The member dances", "  Scenaro: The member dances")
    page = client.post(
        "/projects/ACC/acceptance/features/new", data={"filename": "accrual.feature", "source": bad}
    )
    text = page.get_data(as_text=True)
    assert (
        page.status_code == 200
        and "Not saved: accrual.feature, line 15" in text
        and "Scenaro: The member dances" in text
    )
    good = client.post(
        "/projects/ACC/acceptance/features/new", data={"filename": "accrual.feature", "source": ACCRUAL}
    )
    assert good.status_code == 302
    with app.app_context():
        assert [f.filename for f in db.session().query(Feature).all()] == ["accrual.feature"]


def _form_fields(page: str, form_id: str) -> dict[str, str]:
    """The names and values a browser would post from the form `form_id` of `page`."""
    import re

    form = re.search(rf'<form[^>]*id="{form_id}"[^>]*>(.*?)</form>', page, re.S)
    assert form, form_id
    fields = {
        m["name"]: m["value"]
        for m in re.finditer(r'<input[^>]*name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"', form[1])
    }
    fields.update({m[1]: "" for m in re.finditer(r'<textarea[^>]*name="([^"]+)"', form[1])})
    return fields


def test_a_feature_is_edited_from_its_own_page(app: Flask, login_as: Callable[[str], FlaskClient]) -> None:
    _setup(app, demo=False)
    with app.app_context():
        session = db.session()
        feature_id = service.save_feature(
            session, get_project(session, "ACC"), "accrual.feature", ACCRUAL, actor="t"
        ).id
        session.commit()
    client = login_as("consultant")
    page = client.get(f"/acceptance/features/{feature_id}").get_data(as_text=True)
    fields = _form_fields(page, "edit-feature")
    assert set(fields) == {"source"}  # what the page's form sends (no CSRF token in the test app)
    edited = ACCRUAL.replace("Scenario: The member dances", "Scenario: The member waits")
    response = client.post(f"/acceptance/features/{feature_id}", data={**fields, "source": edited})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        feature = service.get_feature(db.session(), feature_id)
        assert feature.source == edited and feature.filename == "accrual.feature"
        assert {s.name for s in feature.scenarios if s.active} == {
            "Base accrual is 3% of the check",
            "The member waits",
        }
    # A syntax error, or an empty text: the edit page again, with the typed text and why.
    bad = edited.replace("  Scenario: The member waits", "  Scenaro: The member waits")
    failed = client.post(f"/acceptance/features/{feature_id}", data={**fields, "source": bad})
    text = failed.get_data(as_text=True)
    assert (
        failed.status_code == 200
        and "Not saved: accrual.feature, line 15" in text
        and "Scenaro: The member waits" in text
    )
    empty = client.post(f"/acceptance/features/{feature_id}", data={**fields, "source": ""})
    assert empty.status_code == 200 and "source: This field is required." in empty.get_data(as_text=True)
    with app.app_context():
        assert service.get_feature(db.session(), feature_id).source == edited


def test_only_consultants_start_runs_and_change_features(
    app: Flask, client: FlaskClient, login_as: Callable[[str], FlaskClient]
) -> None:
    _setup(app)
    assert client.get("/projects/ACC/acceptance").status_code == 302  # to the sign-in page
    login_as("approver")
    assert client.get("/projects/ACC/acceptance").status_code == 200
    assert client.post("/projects/ACC/acceptance/runs", data={"version": "v2"}).status_code == 403
    assert (
        client.post(
            "/projects/ACC/acceptance/features/new", data={"filename": "x.feature", "source": ACCRUAL}
        ).status_code
        == 403
    )
    with app.app_context():
        assert db.session().query(Run).count() == 0


def test_forms_need_their_csrf_token(csrf_app: Flask) -> None:
    from tests.workbench.conftest import csrf_signed_in

    _setup(csrf_app)
    client, token = csrf_signed_in(csrf_app, "consultant")
    assert client.post("/projects/ACC/acceptance/runs", data={"version": "v2"}).status_code in (302, 400)
    with csrf_app.app_context():
        assert db.session().query(Run).count() == 0


# --- the command line -------------------------------------------------------------------------


def test_workbench_accept_run_on_the_demo(app: Flask) -> None:
    cli = app.test_cli_runner()
    loaded = cli.invoke(args=["demo", "--members", "5"])
    assert loaded.exit_code == 0, loaded.output
    assert "acceptance scenarios" in loaded.output
    result = cli.invoke(args=["accept", "run", "--project", "DEMO", "--config", "v2"])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 1, result.output  # the 17000.00 wholesale check fails on v2
    assert lines[-1] == "31 passed, 1 failed"
    assert any(line.startswith("  [32/32] ") for line in lines)  # progress while it ran
    assert (
        "FAILED: Оптовые покупатели › Оптовый чек бакалеи на 17000.00 начисляется по ставке 4%"
        in result.output
    )
    assert "expected the receipt to earn 680 points, got 510" in result.output
    verdict = cli.invoke(args=["accept", "verdict", "--project", "DEMO", "--config", "v2"])
    assert verdict.exit_code == 0 and verdict.output.startswith("v2: PASSED"), verdict.output
    with app.app_context():
        session = db.session()
        project = session.query(Project).filter_by(key="DEMO").one()
        languages = {f.language for f in service.list_features(session, project)}
        assert languages == {"en", "ru"}
        run = service.latest_run(session, project, session.query(ConfigVersion).filter_by(label="v2").one())
        assert run is not None and run.started_by == "cli"
    runs = cli.invoke(args=["accept", "runs", "--project", "DEMO"])
    assert "v2\tfinished" in runs.output


def test_a_run_that_breaks_ends_as_an_error_from_the_command_line_too(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(app)

    def broken(*_args: object, **_kwargs: object) -> runner.Outcome:
        raise OSError("No space left on device")

    monkeypatch.setattr(runner, "run", broken)  # the machine fails under the run, not the code
    result = app.test_cli_runner().invoke(args=["accept", "run", "--project", "ACC", "--config", "v2"])
    assert result.exit_code == 1, result.output
    assert "the run could not complete: OSError('No space left on device')" in result.output
    with app.app_context():
        run = db.session().query(Run).one()
        assert run.status == "error" and "No space left on device" in run.output


def test_workbench_accept_import_refuses_a_bad_file(app: Flask, tmp_path: Path) -> None:
    _setup(app, demo=False)
    good, bad = tmp_path / "good.feature", tmp_path / "bad.feature"
    good.write_text(ACCRUAL, "utf-8")
    bad.write_text("Feature: x\n  Scenario: a\n    Given b\n  Nonsense here\n", "utf-8")
    cli = app.test_cli_runner()
    refused = cli.invoke(args=["accept", "import", "--project", "ACC", str(good), str(bad)])
    assert refused.exit_code == 2 and "bad.feature, line 4" in refused.output
    done = cli.invoke(args=["accept", "import", "--project", "ACC", str(good)])
    assert done.exit_code == 0 and "good.feature: 2 scenario(s)" in done.output
    passed = cli.invoke(args=["accept", "run", "--project", "ACC", "--config", "v1", "--quiet"])
    assert (
        passed.exit_code == 1 and passed.output.strip().splitlines()[-1] == "1 passed, 0 failed, 1 undefined"
    )


def test_a_run_that_lost_its_process_is_marked_interrupted(app: Flask) -> None:
    """A server restarted mid-run leaves the run "running"; once past the time limit it is shown
    as an error saying why, and a new run can start."""
    cli = app.test_cli_runner()
    assert cli.invoke(args=["demo", "--members", "5"]).exit_code == 0
    with app.app_context():
        project = get_project(db.session(), "DEMO")
        version = config_service.get_version(db.session(), "v2")
        run = service.create_run(db.session(), project, version, actor="consultant")
        run.status = "running"
        run.started_at = dt.datetime.now(dt.UTC) - service.STALE_AFTER - dt.timedelta(minutes=1)
        fresh = service.create_run(
            db.session(), project, version, actor="consultant"
        )  # just queued: left alone
        db.session.commit()
        stale_id, fresh_id = run.id, fresh.id
    listed = cli.invoke(args=["accept", "runs", "--project", "DEMO"])
    assert listed.exit_code == 0, listed.output
    with app.app_context():
        stale = db.session.get(Run, stale_id)
        assert stale is not None and stale.status == "error" and "interrupted" in stale.output
        assert db.session.get(Run, fresh_id).status == "queued"  # type: ignore[union-attr]


def test_a_scenario_name_longer_than_its_column_is_refused_naming_the_line() -> None:
    name = "x" * (gherkin.MAX_NAME + 1)
    with pytest.raises(gherkin.GherkinError) as caught:
        gherkin.parse(
            f"Feature: Long\n\n  Scenario: {name}\n    Given the configuration under test\n", "long.feature"
        )
    assert "line 3" in str(caught.value) and f"at most {gherkin.MAX_NAME} characters" in str(caught.value)
