"""A project's acceptance scenarios: store and import features (syntax-checked), run them against a
configuration version, record the results; what the gap map and the sign-off read from them.

Plain functions taking a session; every change is audited in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from gap_analysis.records import ScenarioLabel
from loyalty_core.config.models import ConfigVersion
from loyalty_core.db import utcnow
from workbench.acceptance import gherkin, runner
from workbench.acceptance.enums import ResultStatus, RunStatus
from workbench.acceptance.models import Feature, Result, Run, Scenario, ScenarioRequirement
from workbench.audit import service as audit
from workbench.i18n.labels import status_label
from workbench.projects.models import Project
from workbench.requirements.models import Requirement

MAX_FILES = 200

logger = logging.getLogger(__name__)


class AcceptanceError(Exception):
    """A refusal of the acceptance domain, naming the file, line or field."""


@dataclass(frozen=True)
class Verdict:
    """Whether a configuration version passes the project's acceptance scenarios.

    `passed` when, in the latest finished run of the project against the version, every active
    scenario tagged with a Must requirement passed (none failed, undefined, skipped or missing
    from the run), and there is at least one such scenario. `reasons` says why not, one line each.
    """

    passed: bool
    run_id: int | None
    reasons: list[str] = field(default_factory=list)
    config_label: str = ""
    must_scenarios: int = 0

    @property
    def status(self) -> str:
        """What pages show: passed, failed, or not_run (no finished run against the version)."""
        if self.passed:
            return ResultStatus.passed.value
        return ResultStatus.failed.value if self.run_id is not None else ResultStatus.not_run.value


# --- features and scenarios -----------------------------------------------------------------


def save_feature(session: Session, project: Project, filename: str, source: str, *, actor: str) -> Feature:
    """Store a feature (new, or the new text of the file with that name): syntax-checked first,
    nothing stored when it does not parse. Scenarios keep their ids by name across edits."""
    parsed = gherkin.parse(source, filename) if source.strip() else _empty(filename)
    return _store_feature(session, project, parsed, source, actor=actor)


def _store_feature(
    session: Session, project: Project, parsed: gherkin.ParsedFeature, source: str, *, actor: str
) -> Feature:
    feature = session.scalar(
        select(Feature).where(Feature.project_id == project.id, Feature.filename == parsed.filename)
    )
    created = feature is None
    if feature is None:
        feature = Feature(project_id=project.id, filename=parsed.filename, created_by=actor)
        session.add(feature)
    feature.name = parsed.name[:300]
    feature.language = parsed.language
    feature.source = source.replace("\r\n", "\n")
    feature.updated_by = actor
    session.flush()
    _sync_scenarios(session, project, feature, parsed)
    audit.record(
        session,
        actor,
        "acceptance.feature.create" if created else "acceptance.feature.update",
        "acceptance_feature",
        feature.id,
        {"project": project.key, "file": feature.filename, "scenarios": len(parsed.scenarios)},
    )
    return feature


def _empty(filename: str) -> gherkin.ParsedFeature:
    raise gherkin.GherkinError(gherkin.check_filename(filename), "the text is empty")


def _sync_scenarios(
    session: Session, project: Project, feature: Feature, parsed: gherkin.ParsedFeature
) -> None:
    by_name = {s.name: s for s in feature.scenarios}
    seen = set()
    for position, item in enumerate(parsed.scenarios):
        scenario = by_name.get(item.name)
        if scenario is None:
            scenario = Scenario(
                feature=feature, project_id=project.id, name=item.name
            )  # at most gherkin.MAX_NAME
            session.add(scenario)
        scenario.line, scenario.position = item.line, position
        scenario.tags, scenario.text, scenario.active = list(item.tags), item.text, True
        wanted = set(item.requirements)
        for link in list(scenario.requirements):
            if link.number not in wanted:
                scenario.requirements.remove(link)
        have = {link.number for link in scenario.requirements}
        for number in sorted(wanted - have):
            scenario.requirements.append(ScenarioRequirement(project_id=project.id, number=number))
        seen.add(item.name)
    for name, scenario in by_name.items():
        if name not in seen:
            # Kept (inactive) so its results in earlier runs keep their history.
            scenario.active = False
            scenario.requirements.clear()
    session.flush()


def import_features(
    session: Session, project: Project, files: Iterable[tuple[str, bytes | str]], *, actor: str
) -> list[Feature]:
    """Store several `.feature` files at once: every file is checked first, and when any fails
    nothing is stored; the error lists every bad file with its line."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise AcceptanceError(gettext("at most %(MAX_FILES)s files at once", MAX_FILES=MAX_FILES))
    parsed: list[tuple[gherkin.ParsedFeature, str]] = []
    problems: list[str] = []
    for name, data in files:
        if isinstance(data, bytes):
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                problems.append(f"{name}: not UTF-8 text (byte {error.start})")
                continue
        else:
            text = data
        try:
            parsed.append((gherkin.parse(text, name), text))
        except gherkin.GherkinError as error:
            problems.append(str(error))
    if problems:
        raise AcceptanceError("nothing imported: " + "; ".join(problems))
    if not parsed:
        raise AcceptanceError(gettext("no .feature file to import"))
    return [_store_feature(session, project, feature, text, actor=actor) for feature, text in parsed]


def delete_feature(session: Session, feature: Feature, *, actor: str) -> None:
    """Remove a feature and its scenarios (their past results stay in their runs, unlinked)."""
    audit.record(
        session,
        actor,
        "acceptance.feature.delete",
        "acceptance_feature",
        feature.id,
        {"project": feature.project.key, "file": feature.filename},
    )
    session.delete(feature)
    session.flush()


def list_features(session: Session, project: Project) -> list[Feature]:
    return list(
        session.scalars(
            select(Feature)
            .where(Feature.project_id == project.id)
            .options(selectinload(Feature.scenarios).selectinload(Scenario.requirements))
            .order_by(Feature.filename)
        )
    )


def get_feature(session: Session, feature_id: int) -> Feature:
    feature = session.get(Feature, feature_id)
    if feature is None:
        raise AcceptanceError(gettext("no feature %(feature_id)s", feature_id=feature_id))
    return feature


def get_scenario(session: Session, scenario_id: int) -> Scenario:
    scenario = session.get(Scenario, scenario_id)
    if scenario is None:
        raise AcceptanceError(gettext("no scenario %(scenario_id)s", scenario_id=scenario_id))
    return scenario


def active_scenarios(session: Session, project: Project) -> list[Scenario]:
    return list(
        session.scalars(
            select(Scenario)
            .join(Feature)
            .where(Scenario.project_id == project.id, Scenario.active.is_(True))
            .options(selectinload(Scenario.requirements), selectinload(Scenario.feature))
            .order_by(Feature.filename, Scenario.position)
        )
    )


# --- runs -----------------------------------------------------------------------------------


# A run still queued or running this long after it started lost its process (the server was
# restarted or killed mid-run): behave itself is stopped after runner.TIMEOUT_SECONDS.
STALE_AFTER = dt.timedelta(seconds=runner.TIMEOUT_SECONDS + 120)


def interrupt_stale_runs(session: Session, project: Project, *, now: dt.datetime | None = None) -> int:
    """Mark the project's runs that can no longer finish as errors, saying why; how many."""
    cutoff = (now or utcnow()) - STALE_AFTER
    stale = list(
        session.scalars(
            select(Run).where(
                Run.project_id == project.id,
                Run.status.in_((RunStatus.queued.value, RunStatus.running.value)),
                Run.started_at < cutoff,
            )
        )
    )
    for run in stale:
        run.status = RunStatus.error.value
        run.output = (run.output + "\n" if run.output else "") + (
            "interrupted: the run did not finish within its time limit (was the server restarted?); start it "
            "again"
        )
        audit.record(
            session, "system", "acceptance.run.interrupt", "acceptance_run", run.id, {"project": project.key}
        )
    session.flush()
    return len(stale)


def create_run(session: Session, project: Project, version: ConfigVersion, *, actor: str) -> Run:
    """A queued run of the project's scenarios against `version` (execute_run runs it)."""
    interrupt_stale_runs(session, project)
    total = (
        session.scalar(
            select(func.count(Scenario.id)).where(
                Scenario.project_id == project.id, Scenario.active.is_(True)
            )
        )
        or 0
    )
    if not total:
        raise AcceptanceError(
            gettext(
                "project %(key)s has no scenario to run; import or write a feature first", key=project.key
            )
        )
    run = Run(
        project_id=project.id,
        config_version_id=version.id,
        config_label=version.label,
        config_hash=version.content_hash,
        status=RunStatus.queued.value,
        started_by=actor,
        total=total,
    )
    session.add(run)
    session.flush()
    audit.record(
        session,
        actor,
        "acceptance.run.start",
        "acceptance_run",
        run.id,
        {
            "project": project.key,
            "config": version.label,
            "hash": version.content_hash[:12],
            "scenarios": total,
        },
    )
    return run


def execute_run(
    session: Session, run: Run, *, on_progress: Callable[[Run, str], None] | None = None, jobs: int = 1
) -> Run:
    """Run behave over the run's project features against its configuration version (in a
    separate process) and store every result. `on_progress(run, "file:line status")` is called
    after each finished scenario (the caller may commit there, so other sessions see the progress).
    Whatever breaks on the way, the run ends as `error` saying why (it must never stay "running");
    what it wrote before is rolled back."""
    run_id = run.id
    try:
        return _execute_run(session, run, on_progress, jobs)
    except Exception as error:  # noqa: BLE001 - whatever broke, the run must not stay "running"
        logger.exception("acceptance run %s failed", run_id)
        session.rollback()
        failed = session.get(Run, run_id)
        if failed is None:
            raise
        failed.status, failed.output = RunStatus.error.value, f"the run could not complete: {error!r}"
        session.flush()
        return failed


def _execute_run(
    session: Session, run: Run, on_progress: Callable[[Run, str], None] | None, jobs: int
) -> Run:
    features = list_features(session, run.project)
    version = session.get(ConfigVersion, run.config_version_id)
    assert version is not None
    run.status, run.started_at, run.done = RunStatus.running.value, utcnow(), 0
    if on_progress:
        on_progress(run, "")

    def progress(done: int, label: str) -> None:
        run.done = min(done, run.total)
        if on_progress:
            on_progress(run, label)

    outcome = runner.run(
        [runner.FeatureFile(f.filename, f.source) for f in features],
        version.document,
        config_label=version.label,
        on_progress=progress,
        jobs=jobs,
    )
    _record(session, run, features, outcome)
    return run


def _record(session: Session, run: Run, features: list[Feature], outcome: runner.Outcome) -> None:
    by_file = {f.filename: f for f in features}
    counts = dict.fromkeys(("passed", "failed", "skipped", "undefined", "error"), 0)
    for item in outcome.results:
        feature = by_file.get(item.filename)
        scenario = None
        if feature is not None and item.scenario_name:
            scenario = next((s for s in feature.scenarios if s.name == item.scenario_name and s.active), None)
        session.add(
            Result(
                run_id=run.id,
                scenario_id=scenario.id if scenario else None,
                feature_id=feature.id if feature else None,
                feature_name=item.feature_name[:300],
                scenario_name=item.scenario_name[:300],
                status=item.status,
                duration_seconds=item.duration,
                failing_step=item.failing_step,
                message=item.message,
                snippet=item.snippet,
                steps=item.steps,
            )
        )
        counts[item.status] = counts.get(item.status, 0) + 1
    run.passed, run.failed, run.skipped = counts["passed"], counts["failed"], counts["skipped"]
    run.undefined, run.errors = counts["undefined"], counts["error"]
    run.output = outcome.output[-20_000:]
    run.done = run.total
    run.finished_at = utcnow()
    run.duration_seconds = round(outcome.duration, 3)
    run.status = RunStatus.error.value if outcome.crashed else RunStatus.finished.value
    session.flush()
    audit.record(
        session,
        run.started_by or "system",
        "acceptance.run.finish",
        "acceptance_run",
        run.id,
        {"config": run.config_label, "summary": run.summary, "status": run.status},
    )


def get_run(session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise AcceptanceError(gettext("no run %(run_id)s", run_id=run_id))
    return run


def list_runs(session: Session, project: Project, limit: int = 100) -> list[Run]:
    """A project's runs, newest first (runs that lost their process are marked as errors first:
    the caller commits)."""
    interrupt_stale_runs(session, project)
    return list(
        session.scalars(select(Run).where(Run.project_id == project.id).order_by(Run.id.desc()).limit(limit))
    )


def latest_run(session: Session, project: Project, version: ConfigVersion | None = None) -> Run | None:
    """The newest finished run of the project (against `version` when given)."""
    query = select(Run).where(Run.project_id == project.id, Run.status == RunStatus.finished.value)
    if version is not None:
        query = query.where(Run.config_version_id == version.id)
    return session.scalar(query.order_by(Run.id.desc()).limit(1))


def _newest_result_ids(project: Project) -> Select[tuple[int]]:
    """The ids of each scenario's result in the newest finished run of the project that has it."""
    return (
        select(func.max(Result.id))
        .join(Run, Run.id == Result.run_id)
        .where(
            Run.project_id == project.id,
            Result.scenario_id.is_not(None),
            Run.status == RunStatus.finished.value,
        )
        .group_by(Result.scenario_id)
    )


def latest_results(session: Session, project: Project) -> dict[int, Result]:
    """For every scenario of the project that some run included, its result in the newest run."""
    newest = _newest_result_ids(project)
    results = session.scalars(select(Result).where(Result.id.in_(newest)).options(selectinload(Result.run)))
    return {r.scenario_id: r for r in results if r.scenario_id is not None}


def scenario_history(session: Session, scenario: Scenario) -> list[Result]:
    """Every result of a scenario, newest first, with its run (configuration version, when)."""
    return list(
        session.scalars(
            select(Result)
            .where(Result.scenario_id == scenario.id)
            .options(selectinload(Result.run))
            .order_by(Result.id.desc())
        )
    )


# --- what the gap map and the sign-off read ---------------------------------------------------


def requirement_scenarios(session: Session, project: Project) -> dict[int, list[ScenarioLabel]]:
    """For every requirement number tagged (@REQ-n) on a stored scenario of the project, its scenarios
    with the latest result of each (status 'not_run' when no run has included it).

    Column rows, not ORM objects: the gap map reads this for every requirement on every page
    (2,000 requirements, 500 scenarios in the benchmark)."""
    newest = _newest_result_ids(project)
    latest = {
        row.scenario_id: row
        for row in session.execute(
            select(Result.scenario_id, Result.status, Result.run_id, Run.config_label)
            .join(Run, Run.id == Result.run_id)
            .where(Result.id.in_(newest))
        )
    }
    found: dict[int, list[ScenarioLabel]] = {}
    tagged = session.execute(
        select(
            ScenarioRequirement.number,
            Scenario.id,
            Scenario.name,
            Scenario.text,
            Feature.name.label("feature"),
            Feature.language,
        )
        .join(Scenario, Scenario.id == ScenarioRequirement.scenario_id)
        .join(Feature, Feature.id == Scenario.feature_id)
        .where(Scenario.project_id == project.id, Scenario.active.is_(True))
        .order_by(Feature.filename, Scenario.position, ScenarioRequirement.number)
    )
    labels: dict[int, ScenarioLabel] = {}
    for row in tagged:
        label = labels.get(row.id)
        if label is None:
            result = latest.get(row.id)
            label = labels[row.id] = ScenarioLabel(
                feature=row.feature,
                # an outline reads as its examples' names, never with "<spend>" left in
                name="; ".join(gherkin.example_names(row.name, row.text, row.language) or (row.name,)),
                status=result.status if result else ResultStatus.not_run.value,
                config_label=result.config_label if result else None,
                scenario_id=row.id,
                run_id=result.run_id if result else None,
            )
        found.setdefault(row.number, []).append(label)
    return dict(sorted(found.items()))


def requirement_titles(session: Session, project: Project) -> dict[int, tuple[str, str]]:
    """Every requirement of the project: number -> (title, priority)."""
    rows = session.execute(
        select(Requirement.number, Requirement.title, Requirement.priority).where(
            Requirement.project_id == project.id
        )
    )
    return {number: (title, priority) for number, title, priority in rows}


def must_numbers(session: Session, project: Project) -> set[int]:
    return set(
        session.scalars(
            select(Requirement.number).where(
                Requirement.project_id == project.id, Requirement.priority == "must"
            )
        )
    )


def verdict(session: Session, project: Project, version: ConfigVersion) -> Verdict:
    """Pass/fail of a configuration version: passed when, in the latest run of this project against
    this version, every scenario tagged with a Must requirement passed (none failed, undefined, skipped),
    and there is at least one such scenario. Verdict has .passed: bool, .run_id, .reasons: list[str]."""
    return verdicts(session, project, [version])[0]


def verdicts(session: Session, project: Project, versions: Sequence[ConfigVersion]) -> list[Verdict]:
    """`verdict` of each version, reading the project's Must scenarios once for all of them."""
    must = must_numbers(session, project)
    scenarios = [s for s in active_scenarios(session, project) if must & set(s.requirement_numbers)]
    return [_verdict(session, project, version, must, scenarios) for version in versions]


def _verdict(
    session: Session, project: Project, version: ConfigVersion, must: set[int], scenarios: list[Scenario]
) -> Verdict:
    run = latest_run(session, project, version)
    reasons: list[str] = []
    if not scenarios:
        reasons.append(gettext("no scenario is tagged with a Must requirement"))
    if run is None:
        reasons.append(
            gettext("no finished run of %(key)s against %(label)s", key=project.key, label=version.label)
        )
        return Verdict(False, None, reasons, version.label, len(scenarios))
    if run.config_hash != version.content_hash:
        reasons.append(
            gettext(
                "run %(id)s ran an earlier text of %(label)s (the draft changed since); run it again",
                id=run.id,
                label=version.label,
            )
        )
    results: dict[int, str] = {}
    for result in run.results:
        if result.scenario_id is not None:
            results[result.scenario_id] = result.status
        elif result.status == ResultStatus.error.value:
            reasons.append(
                f"{result.feature_name}: "
                f"{result.message.splitlines()[0] if result.message else gettext('error')}"
            )
    for scenario in scenarios:
        refs = ", ".join(f"REQ-{n}" for n in scenario.requirement_numbers if n in must)
        status = results.get(scenario.id)
        if status is None:
            reasons.append(
                gettext("%(refs)s «%(name)s»: not in run %(id)s", refs=refs, name=scenario.name, id=run.id)
            )
        elif status != ResultStatus.passed.value:
            reasons.append(f"{refs} «{scenario.name}»: {status_label(status)}")
    return Verdict(not reasons, run.id, reasons, version.label, len(scenarios))


def results_by_requirement(
    session: Session, project: Project, number: int
) -> tuple[Requirement | None, list[tuple[Scenario, Result | None]]]:
    """The living documentation of one requirement: the requirement (None if not written yet)
    and its scenarios with the latest result of each."""
    requirement = session.scalar(
        select(Requirement).where(Requirement.project_id == project.id, Requirement.number == number)
    )
    latest = latest_results(session, project)
    scenarios = [s for s in active_scenarios(session, project) if number in s.requirement_numbers]
    return requirement, [(s, latest.get(s.id)) for s in scenarios]
