"""Runs a project's feature files with behave in a separate process, against one configuration.

The run happens in a temporary folder laid out the way behave expects: the step library of
`features/` (its environment.py and steps/, linked, not copied), the client's features under
`client/`, and the configuration under test as a JSON file that the step "Given the
configuration under test" loads (behave gets its path with `-D config=...`). behave writes its
JSON report to a file; a small formatter (`workbench.acceptance.progress`) prints one line per
finished scenario on stdout, which is read while the process runs to report progress.

Every file is syntax-checked first: one that does not parse becomes an `error` result naming its
line and is left out, so the other files still run and their results are kept.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.acceptance import gherkin
from workbench.acceptance.enums import SEVERITY, ResultStatus, summary_line, worst


def _library() -> Path:
    """The step library: the source tree's features/ (a clone, an editable install), else the copy
    `pip install .` puts under <prefix>/share (pyproject's data-files)."""
    in_tree = Path(__file__).resolve().parents[2] / "features"
    if (in_tree / "environment.py").exists():
        return in_tree
    return Path(sys.prefix) / "share" / "loyalty-workbench" / "features"


LIBRARY = _library()
CLIENT_DIR = "client"
TIMEOUT_SECONDS = 900
STEP_KEYWORDS = ("given", "when", "then")  # the decorators a snippet may use; any other: @step


@dataclass(frozen=True)
class FeatureFile:
    filename: str
    source: str


@dataclass
class ScenarioOutcome:
    filename: str
    feature_name: str
    scenario_name: str  # "" for a feature that could not be parsed
    status: str
    duration: float = 0.0
    failing_step: str = ""
    message: str = ""
    snippet: str = ""
    steps: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Outcome:
    results: list[ScenarioOutcome]
    output: str  # what behave printed (stdout and stderr), for the run's page
    duration: float  # wall time of the whole run, seconds
    crashed: bool = False  # behave did not produce its report

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def summary(self) -> str:
        return summary_line(*(self.count(s) for s in ("passed", "failed", "skipped", "undefined", "error")))


def run(
    features: list[FeatureFile],
    document: dict[str, Any],
    *,
    config_label: str = "",
    on_progress: Callable[[int, str], None] | None = None,
    jobs: int = 1,
    library: Path = LIBRARY,
    timeout: float = TIMEOUT_SECONDS,
) -> Outcome:
    """Run `features` against the configuration `document`; `on_progress(done, "file:line status")`
    after each scenario. `jobs` > 1 splits the files over that many behave processes run side by side;
    each is killed after `timeout` seconds (the run then counts as crashed, saying so)."""
    started = time.perf_counter()
    results: list[ScenarioOutcome] = []
    runnable: list[tuple[FeatureFile, gherkin.ParsedFeature]] = []
    for item in features:
        try:
            runnable.append((item, gherkin.parse(item.source, item.filename)))
        except gherkin.GherkinError as error:
            results.append(
                ScenarioOutcome(
                    item.filename, item.filename, "", ResultStatus.error.value, message=str(error)
                )
            )
    if not runnable:
        return Outcome(results, "", time.perf_counter() - started)
    groups = [runnable[i :: max(1, jobs)] for i in range(max(1, min(jobs, len(runnable))))]
    lock = threading.Lock()
    done = [0]

    def tick(label: str) -> None:
        with lock:
            done[0] += 1
            count = done[0]
            if on_progress:
                on_progress(count, label)

    with tempfile.TemporaryDirectory(prefix="acceptance-") as tmp:
        root = Path(tmp)
        config_path = root / "config-under-test.json"
        config_path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
        outcomes: list[tuple[list[ScenarioOutcome], str, bool]] = [([], "", False)] * len(groups)

        def work(index: int, group: list[tuple[FeatureFile, gherkin.ParsedFeature]]) -> None:
            outcomes[index] = _run_group(
                root / f"job{index}", group, config_path, config_label, library, tick, timeout
            )

        if len(groups) == 1:
            work(0, groups[0])
        else:
            threads = [threading.Thread(target=work, args=(i, g)) for i, g in enumerate(groups)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    output = []
    crashed = False
    order = {item.filename: n for n, (item, _) in enumerate(runnable)}
    produced: list[ScenarioOutcome] = []
    for group_results, group_output, group_crashed in outcomes:
        produced += group_results
        output.append(group_output)
        crashed = crashed or group_crashed
    produced.sort(key=lambda r: order.get(r.filename, 0))
    return Outcome(
        results + produced, "\n".join(o for o in output if o), time.perf_counter() - started, crashed
    )


def _run_group(
    folder: Path,
    group: list[tuple[FeatureFile, gherkin.ParsedFeature]],
    config_path: Path,
    config_label: str,
    library: Path,
    tick: Callable[[str], None],
    timeout: float,
) -> tuple[list[ScenarioOutcome], str, bool]:
    (folder / CLIENT_DIR).mkdir(parents=True)
    (folder / "environment.py").symlink_to(library / "environment.py")
    (folder / "steps").symlink_to(library / "steps", target_is_directory=True)
    for item, parsed in group:
        (folder / CLIENT_DIR / parsed.filename).write_text(item.source, "utf-8")
    report = folder / "report.json"
    command = [
        sys.executable,
        "-m",
        "behave",
        str(folder),
        "--format",
        "json",
        "--outfile",
        str(report),
        "--format",
        "workbench.acceptance.progress:ScenarioLines",
        "--no-summary",
        "--no-snippets",
        "--no-color",
        "-D",
        f"config={config_path}",
        "-D",
        f"config_label={config_label}",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen(
        command,
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env=env,
    )
    lines: list[str] = []
    ranges = {parsed.filename: [(s.line, s.end_line) for s in parsed.scenarios] for _, parsed in group}
    finished: set[tuple[str, int]] = set()
    killed = threading.Event()

    def kill() -> None:
        # A timer, not a check between lines: a hanging step prints nothing.
        if process.poll() is None:
            killed.set()
            process.kill()

    timer = threading.Timer(timeout, kill)
    timer.start()
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("SCENARIO "):
                where = line.split()[1]
                filename, _, number = where.rpartition(":")
                key = _scenario_of(ranges, Path(filename).name, int(number) if number.isdigit() else 0)
                if key is not None and key not in finished:
                    finished.add(key)
                    tick(f"{key[0]}:{key[1]} {line.split()[-1]}")
            elif not line.startswith("USING RUNNER"):
                lines.append(line.rstrip("\n"))
        process.wait()
    finally:
        timer.cancel()
    if killed.is_set():
        lines.append(f"behave took longer than {timeout:g} s and was stopped")
        return [], "\n".join(lines).strip(), True
    output = "\n".join(lines).strip()
    if not report.exists() or report.stat().st_size == 0:
        return [], output or f"behave exited with code {process.returncode} and wrote no report", True
    try:
        data = json.loads(report.read_text("utf-8"))
    except json.JSONDecodeError as error:
        return [], f"{output}\nbehave's report is not JSON: {error}".strip(), True
    return _results(data, group), output, False


def _scenario_of(
    ranges: dict[str, list[tuple[int, int]]], filename: str, line: int
) -> tuple[str, int] | None:
    for start, end in ranges.get(filename, []):
        if start <= line <= end:
            return filename, start
    return None


def _results(
    report: list[dict[str, Any]], group: list[tuple[FeatureFile, gherkin.ParsedFeature]]
) -> list[ScenarioOutcome]:
    """One outcome per stored scenario (an outline's example rows folded into one, the worst
    status winning); a scenario behave did not report is `skipped`."""
    by_file: dict[str, list[dict[str, Any]]] = {}
    for feature in report:
        filename = Path(str(feature.get("location", "")).rpartition(":")[0]).name
        by_file.setdefault(filename, []).extend(
            e for e in feature.get("elements", []) if e.get("type") != "background"
        )
    outcomes = []
    for _, parsed in group:
        elements = by_file.get(parsed.filename, [])
        for scenario in parsed.scenarios:
            rows = [e for e in elements if scenario.line <= _line(e.get("location", "")) <= scenario.end_line]
            outcomes.append(_fold(parsed, scenario, rows))
    return outcomes


def _line(location: str) -> int:
    number = str(location).rpartition(":")[2]
    return int(number) if number.isdigit() else 0


def _fold(
    parsed: gherkin.ParsedFeature, scenario: gherkin.ParsedScenario, rows: list[dict[str, Any]]
) -> ScenarioOutcome:
    outcome = ScenarioOutcome(parsed.filename, parsed.name, scenario.name, ResultStatus.skipped.value)
    if not rows:
        outcome.message = "behave did not run this scenario"
        return outcome
    statuses = []
    snippets: list[str] = []
    for row in rows:
        status, steps, failing, message = _row(row)
        statuses.append(status)
        outcome.duration += sum(s.get("duration", 0.0) for s in steps)
        for step in steps:
            if step["status"] == ResultStatus.undefined.value:
                snippet = _snippet(step)
                if snippet not in snippets:
                    snippets.append(snippet)
        worse = SEVERITY.get(status, 0) > SEVERITY.get(outcome.status, 0) or not outcome.steps
        if worse or (failing and not outcome.failing_step):
            outcome.steps = steps
            if failing:
                name = row.get("name", "")
                outcome.failing_step = failing + (
                    f" (example {name.split(' -- ')[-1].strip()})" if " -- " in name else ""
                )
                outcome.message = message
        outcome.status = worst(statuses)
    outcome.snippet = "\n\n".join(snippets)
    outcome.duration = round(outcome.duration, 4)
    return outcome


def _row(row: dict[str, Any]) -> tuple[str, list[dict[str, Any]], str, str]:
    """A behave element's status (undefined when a step is undefined), its steps, the failing
    step and its message."""
    steps = []
    failing = message = ""
    undefined = False
    for step in row.get("steps", []):
        result = step.get("result") or {}
        status = result.get("status", ResultStatus.skipped.value)
        entry = {
            "keyword": step.get("keyword", ""),
            "name": step.get("name", ""),
            "status": status,
            "line": _line(step.get("location", "")),
            "step_type": step.get("step_type", ""),
            "duration": round(float(result.get("duration") or 0.0), 5),
        }
        if status == "undefined":
            undefined = True
            if not failing:
                failing = f"{entry['keyword']} {entry['name']} (line {entry['line']})"
                message = "undefined step: no step of the library matches this text"
        if status in ("failed", "error") and not failing:
            failing = f"{entry['keyword']} {entry['name']} (line {entry['line']})"
            message = _message(result.get("error_message"))
            entry["error"] = message
        steps.append(entry)
    status = str(row.get("status", "skipped"))
    if undefined:
        status = ResultStatus.undefined.value
    elif status not in SEVERITY:
        status = ResultStatus.error.value
    elif status == "error" and not failing:
        message = "the scenario raised an error outside its steps (a hook)"
    return status, steps, failing, message


def _message(raw: Any) -> str:
    """The assertion's own words (expected vs actual), without behave's prefix or a traceback."""
    text = "\n".join(raw) if isinstance(raw, list) else str(raw or "")
    text = text.strip()
    if text.startswith("ASSERT FAILED:"):
        return text.removeprefix("ASSERT FAILED:").strip()
    if "Traceback" in text:
        last = [line for line in text.splitlines() if line.strip()][-1:]
        return last[0].strip() if last else text
    return text


def _snippet(step: dict[str, Any]) -> str:
    """Code that would implement an undefined step, in the library's style (regex matcher)."""
    step_type = str(step.get("step_type", ""))
    decorator = step_type if step_type in STEP_KEYWORDS else "step"
    text = str(step.get("name", "")).replace("\\", "\\\\").replace('"', '\\"')
    pattern = "".join("\\" + ch if ch in ".^$*+?{}[]|()" else ch for ch in text)
    return (
        f'@{decorator}(r"{pattern}")\n'
        f"def step_impl(context):\n"
        f'    raise NotImplementedError("STEP: {step.get("keyword", "")} {text}")'
    )
