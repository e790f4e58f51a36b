"""200 acceptance scenarios against one configuration: wall time of a run (target under 20 s).

    .venv/bin/python bench/acceptance_bench.py [--scenarios 200] [--config v2] [--jobs 1] [--runs 3]

The scenarios are the DEMO project's client scenarios (workbench/demo/scenarios/, Russian and
English; pure-engine ones and ledger-backed ones that enrol a member on an in-memory ledger),
copied under new names until there are N. Each run is what `workbench accept run` does apart
from the database writes: syntax-check every file, lay out the run folder, start behave in a
separate process with the JSON formatter and the progress formatter, read its progress, parse
its report into one result per scenario. Prints the wall time of each run and the median.
"""

from __future__ import annotations

import argparse
import statistics
import textwrap
import time
from pathlib import Path

from loyalty_core.config import service as config_service
from workbench.acceptance import gherkin, runner
from workbench.acceptance.demo import demo_feature_files

DEMO = Path(__file__).resolve().parents[1] / "workbench" / "demo"


def build(count: int) -> list[runner.FeatureFile]:
    """Feature files holding `count` scenarios, copies of the demo's with numbered names."""
    sources = [(p.name, p.read_text("utf-8")) for p in demo_feature_files()]
    parsed = [gherkin.parse(text, name) for name, text in sources]
    files: list[runner.FeatureFile] = []
    total, copy = 0, 0
    while total < count:
        copy += 1
        for feature in parsed:
            if total >= count:
                break
            take = feature.scenarios[: count - total]
            header = f"# language: {feature.language}\n" if feature.language != "en" else ""
            keyword = "Функция" if feature.language == "ru" else "Feature"
            tags = " ".join(f"@{t}" for t in feature.tags)
            parts = [
                f"{header}{tags}\n{keyword}: {feature.name} #{copy}\n"
                if tags
                else f"{header}{keyword}: {feature.name} #{copy}\n"
            ]
            if feature.background:
                parts.append(textwrap.indent(feature.background, "  "))
            for scenario in take:
                text = scenario.text.replace(scenario.name, f"{scenario.name} #{copy}", 1)
                parts.append(textwrap.indent(text, "  "))
            name = feature.filename.removesuffix(".feature")
            files.append(runner.FeatureFile(f"{name}_{copy}.feature", "\n".join(parts)))
            total += len(take)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--config", default="v2", help="demo configuration: v1 or v2")
    parser.add_argument("--jobs", type=int, default=1, help="behave processes side by side")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    document, _ = config_service.read_text((DEMO / f"{args.config}.yaml").read_text("utf-8"))
    files = build(args.scenarios)
    stored = sum(len(gherkin.parse(f.source, f.filename).scenarios) for f in files)
    print(f"{stored} scenarios in {len(files)} feature files against demo {args.config}, jobs={args.jobs}")
    times = []
    for n in range(1, args.runs + 1):
        seen = [0]
        started = time.perf_counter()
        outcome = runner.run(
            files,
            document,
            config_label=args.config,
            jobs=args.jobs,
            on_progress=lambda done, _label, seen=seen: seen.__setitem__(0, done),  # this run's counter
        )
        wall = time.perf_counter() - started
        times.append(wall)
        ledger = sum(
            1
            for f in files
            for line in f.source.splitlines()
            if "enrol" in line or "зарегистрирован" in line or "регистрируется" in line
        )
        print(
            f"run {n}: {wall:.2f} s wall; {outcome.summary}; progress seen {seen[0]}/{stored}; "
            f"{ledger} ledger-backed step(s); crashed={outcome.crashed}"
        )
    print(f"median {statistics.median(times):.2f} s for {stored} scenarios (target < 20 s)")


if __name__ == "__main__":
    main()
