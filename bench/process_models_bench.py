"""Process models at size: import + validate + layout + SVG, and diff, of 500-node models.

    .venv/bin/python bench/process_models_bench.py [--nodes 500] [--lanes 5] [--runs 7]

Builds a process of N nodes over several lanes (sequences, exclusive and parallel splits and
joins, rework loops back to an earlier step), then times, as medians over the runs:

* the path of an uploaded file: BPMN import (when `process_models.bpmn` provides
  `import_bpmn`/`export_bpmn`; the file is the model exported once, untimed), validation, the
  automatic layout and the SVG diagram. Target (stage 1-2 issue): under 1 s in total.
* the diff of the model against a mutated copy (20 steps added, 20 removed, 30 renamed or moved
  to another lane). Target: under 200 ms.
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import time
from collections.abc import Callable
from typing import Any, TypeVar

from process_models.diff import diff
from process_models.enums import LaneKind, NodeKind, Variant
from process_models.layout import layout
from process_models.model import ProcessModel
from process_models.svg import render_svg
from process_models.validation import validate

PIPELINE_TARGET_MS = 1000.0
DIFF_TARGET_MS = 200.0
LANES = [
    ("Cashier", LaneKind.role),
    ("Store manager", LaneKind.role),
    ("POS", LaneKind.system),
    ("Loyalty core", LaneKind.system),
    ("Marketing", LaneKind.role),
    ("Back office", LaneKind.role),
    ("CRM", LaneKind.system),
]
TASK_KINDS = [
    NodeKind.user_task,
    NodeKind.service_task,
    NodeKind.manual_task,
    NodeKind.task,
    NodeKind.send_task,
]

T = TypeVar("T")


class _Builder:
    """Adds numbered nodes and flows to a model, cycling lanes and task kinds."""

    def __init__(self, model: ProcessModel, lanes: list[str]) -> None:
        self.model = model
        self.lanes = lanes
        self.count = 0

    def node(self, kind: NodeKind, name: str, lane_index: int) -> str:
        self.count += 1
        return self.model.add_node(
            kind, f"{name} {self.count}", lane=self.lanes[lane_index % len(self.lanes)], id=f"n{self.count}"
        ).id

    def task(self, lane_index: int) -> str:
        return self.node(TASK_KINDS[self.count % len(TASK_KINDS)], "Step", lane_index)

    def flow(self, source: str, target: str, condition: str = "") -> None:
        self.model.add_flow(
            source, target, name=condition, condition=f"${{{condition}}}" if condition else ""
        )


def build_model(nodes: int, lane_count: int) -> ProcessModel:
    """A valid process of exactly `nodes` nodes: blocks of sequences, exclusive and parallel
    splits (with their joins) and rework loops, each block spread over two or three lanes."""
    model = ProcessModel("Bench enrolment", Variant.as_is)
    lanes = [
        model.add_lane(name, kind, id=f"Lane_{i}").id for i, (name, kind) in enumerate(LANES[:lane_count])
    ]
    build = _Builder(model, lanes)
    previous = build.node(NodeKind.start_event, "Start", 0)
    block = 0
    largest_block = 6  # nodes in the largest block (the parallel one)
    while len(model) < nodes - 1 - largest_block:
        lane = block
        pattern = block % 4
        if pattern == 0:  # a sequence over two lanes
            for offset in (0, 0, 1):
                step = build.task(lane + offset)
                build.flow(previous, step)
                previous = step
        elif pattern == 1:  # an exclusive choice of three paths, joined
            split = build.node(NodeKind.exclusive_gateway, "Which path?", lane)
            join = build.node(NodeKind.exclusive_gateway, "", lane)
            build.flow(previous, split)
            for branch in range(3):
                step = build.task(lane + branch)
                build.flow(split, step, f"path{branch}")
                build.flow(step, join)
            previous = join
        elif pattern == 2:  # two parallel paths of two steps, synchronised
            fork = build.node(NodeKind.parallel_gateway, "", lane)
            sync = build.node(NodeKind.parallel_gateway, "", lane)
            build.flow(previous, fork)
            for branch in range(2):
                first, second = build.task(lane + branch * 2), build.task(lane + branch * 2)
                build.flow(fork, first)
                build.flow(first, second)
                build.flow(second, sync)
            previous = sync
        else:  # a step reworked until it passes
            merge = build.node(NodeKind.exclusive_gateway, "", lane)
            step = build.task(lane + 1)
            check = build.node(NodeKind.exclusive_gateway, "Passed?", lane)
            build.flow(previous, merge)
            build.flow(merge, step)
            build.flow(step, check)
            build.flow(check, merge, "rework")
            after_check = build.task(lane)
            build.flow(check, after_check, "passed")
            previous = after_check
        block += 1
    while len(model) < nodes - 1:
        step = build.task(block)
        build.flow(previous, step)
        previous = step
    build.flow(previous, build.node(NodeKind.end_event, "Done", 0))
    return model


def mutate(
    model: ProcessModel, added: int = 20, removed: int = 20, renamed_or_moved: int = 30, seed: int = 7
) -> ProcessModel:
    """A TO-BE copy: steps removed (their neighbours bridged), new steps inserted on flows,
    steps renamed and steps moved to another lane."""
    after = model.copy()
    after.variant = Variant.to_be
    rng = random.Random(seed)
    lanes = list(after.lanes)
    plain_steps = [
        n.id
        for n in after.nodes()
        if n.kind.is_activity and after.graph.in_degree(n.id) == 1 and after.graph.out_degree(n.id) == 1
    ]
    for node_id in rng.sample(plain_steps, removed):
        (source,) = after.graph.predecessors(node_id)
        (target,) = after.graph.successors(node_id)
        after.remove_node(node_id)
        after.add_flow(source, target)
    flows = list(after.flows())
    for index, flow in enumerate(rng.sample(flows, added)):
        step = after.add_node(
            NodeKind.service_task, f"New step {index}", lane=after.node(flow.source).lane, id=f"new{index}"
        ).id
        after.remove_flow(flow.id)
        after.add_flow(flow.source, step, name=flow.name, condition=flow.condition)
        after.add_flow(step, flow.target)
    survivors = [n.id for n in after.nodes() if n.kind.is_activity and not n.id.startswith("new")]
    for index, node_id in enumerate(rng.sample(survivors, renamed_or_moved)):
        node = after.node(node_id)
        if index % 2:
            after.update_node(node_id, name=node.name + " (revised)")
        else:
            after.update_node(node_id, lane=lanes[(lanes.index(node.lane or lanes[0]) + 1) % len(lanes)])
    return after


def _median_ms(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    """Median wall time of `work` over `runs` calls, in ms, and its last result."""
    times: list[float] = []
    result: T | None = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    assert result is not None
    return statistics.median(times), result


def _bpmn_functions() -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """`(import_bpmn, export_bpmn)` when the BPMN package provides them (it may not exist yet)."""
    try:
        bpmn = importlib.import_module("process_models.bpmn")
    except ImportError:
        return None
    importer, exporter = getattr(bpmn, "import_bpmn", None), getattr(bpmn, "export_bpmn", None)
    return (importer, exporter) if callable(importer) and callable(exporter) else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--lanes", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    model = build_model(args.nodes, args.lanes)
    flows = sum(1 for _ in model.flows())
    print(
        f"process models: {len(model)} nodes, {len(model.lanes)} lanes, {flows} flows; median of {args.runs} "
        "runs"
    )

    steps: list[tuple[str, float, str]] = []
    bpmn = _bpmn_functions()
    working = model
    if bpmn is None:
        print("  (process_models.bpmn has no import_bpmn/export_bpmn yet: BPMN import not timed)")
    else:
        import_bpmn, export_bpmn = bpmn
        document = export_bpmn(model)
        import_ms, imported = _median_ms(args.runs, lambda: import_bpmn(document, source="bench.bpmn"))
        working = imported.models[0]
        steps.append(
            ("BPMN import", import_ms, f"{len(document) / 1024:.0f} KB of XML, {len(working)} nodes read")
        )
    validate_ms, findings = _median_ms(args.runs, lambda: validate(working))
    steps.append(("validate", validate_ms, f"{len(findings)} findings"))
    layout_ms, laid = _median_ms(args.runs, lambda: layout(working))
    steps.append(("layout", layout_ms, ""))
    svg_ms, svg = _median_ms(args.runs, lambda: render_svg(laid))
    steps.append(("render_svg", svg_ms, f"{len(svg) / 1024:.0f} KB of SVG"))
    for name, ms, note in steps:
        print(f"  {name:<12} {ms:8.1f} ms  {note}")
    total = sum(ms for _, ms, _ in steps)
    verdict = "OK" if total < PIPELINE_TARGET_MS else "TOO SLOW"
    print(f"  {'total':<12} {total:8.1f} ms  target < {PIPELINE_TARGET_MS:.0f} ms: {verdict}")

    after = mutate(model)
    diff_ms, result = _median_ms(args.runs, lambda: diff(model, after))
    verdict = "OK" if diff_ms < DIFF_TARGET_MS else "TOO SLOW"
    print(
        f"  {'diff':<12} {diff_ms:8.1f} ms  target < {DIFF_TARGET_MS:.0f} ms: {verdict} "
        f"({len(after)} nodes after; {len(result.added_nodes)} added, {len(result.removed_nodes)} removed, "
        f"{len(result.changed_nodes)} changed nodes; {len(result.added_flows)} added, "
        f"{len(result.removed_flows)} removed, "
        f"{len(result.changed_flows)} changed flows)"
    )


if __name__ == "__main__":
    main()
