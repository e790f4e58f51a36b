"""The AS-IS -> TO-BE comparison of two 500-step models with name matching (issue 16).

    .venv/bin/python bench/process_compare_bench.py [--nodes 500] [--lanes 5] [--runs 7]

The AS-IS is bench/process_models_bench.py's model with Russian step names drawn from a small
vocabulary (so names share words, as real ones do: the worst case for name matching, where every
step is a candidate for many). The TO-BE is the same process redrawn: every lane, step and flow
gets a new id (so no step pairs by id, and stage 3, names by their stems across lanes, does the
work), 30 steps are renamed (one word changed), 30 moved to another lane, 20 removed and 20 new
ones inserted. Times `process_models.diff.diff` as the median of the runs. Target: under 300 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from process_models_bench import build_model  # noqa: E402

from process_models.diff import diff  # noqa: E402
from process_models.enums import NodeKind  # noqa: E402
from process_models.model import ProcessModel  # noqa: E402

TARGET_MS = 300.0
VERBS = ["Проверить", "Оформить", "Выдать", "Передать", "Списать", "Найти", "Ввести", "Отправить", "Принять"]
OBJECTS = ["чек", "заявление", "карту", "возврат", "баллы", "анкету", "документ", "товар", "оплату"]
QUALIFIERS = ["покупателя", "на кассе", "в ERP 1С", "в СУЛ", "по телефону", "вручную", "в офисе"]


def _named(model: ProcessModel, rng: random.Random) -> ProcessModel:
    """The model with its named steps renamed from the vocabulary (numbered, so names stay apart)."""
    for node in list(model.nodes()):
        if node.name:
            words = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}"
            model.update_node(node.id, name=f"{words} {node.id[1:]}")
    return model


def _redrawn(model: ProcessModel, rng: random.Random) -> ProcessModel:
    """The TO-BE: new ids everywhere, then renames, moves, removals and insertions."""
    data = model.to_dict()
    lane_ids = {lane["id"]: f"L{i}" for i, lane in enumerate(data["lanes"])}
    node_ids = {node["id"]: f"Activity_{i:04d}" for i, node in enumerate(data["nodes"])}
    for lane in data["lanes"]:
        lane["id"] = lane_ids[lane["id"]]
    for node in data["nodes"]:
        node["id"], node["lane"] = node_ids[node["id"]], lane_ids.get(node["lane"])
    for i, flow in enumerate(data["flows"]):
        flow["id"], flow["source"], flow["target"] = (
            f"Flow_{i}",
            node_ids[flow["source"]],
            node_ids[flow["target"]],
        )
    after = ProcessModel.from_dict(data)
    steps = [n.id for n in after.nodes() if n.kind.is_activity]
    lanes = list(after.lanes)
    chosen = rng.sample(steps, 100)
    for node_id in chosen[:30]:  # renamed: one word of three changed
        name = after.node(node_id).name.split(" ")
        after.update_node(node_id, name=" ".join([rng.choice(VERBS), *name[1:]]))
    for node_id in chosen[30:60]:  # moved to the next lane
        lane = after.node(node_id).lane or lanes[0]
        after.update_node(node_id, lane=lanes[(lanes.index(lane) + 1) % len(lanes)])
    for node_id in chosen[60:80]:  # removed, neighbours bridged
        sources, targets = list(after.graph.predecessors(node_id)), list(after.graph.successors(node_id))
        after.remove_node(node_id)
        if sources and targets:
            after.add_flow(sources[0], targets[0])
    for index, flow in enumerate(rng.sample(list(after.flows()), 20)):  # new steps on flows
        lane = after.node(flow.source).lane
        step = after.add_node(NodeKind.service_task, f"Новый шаг СУЛ {index}", lane=lane, id=f"New_{index}")
        after.remove_flow(flow.id)
        after.add_flow(flow.source, step.id)
        after.add_flow(step.id, flow.target)
    return after


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--lanes", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(16)
    before = _named(build_model(args.nodes, args.lanes), rng)
    after = _redrawn(before, rng)
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = diff(before, after)
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    by_stage: dict[str, int] = {}
    for match in result.matches:
        by_stage[match.stage.value] = by_stage.get(match.stage.value, 0) + 1
    print(f"comparison: {len(before)} -> {len(after)} steps, new ids everywhere; median of {args.runs} runs")
    print(
        f"  diff {median:8.1f} ms  target < {TARGET_MS:.0f} ms: {'OK' if median < TARGET_MS else 'TOO SLOW'}"
        f"  (min {min(times):.1f}, max {max(times):.1f})"
    )
    print(
        f"  paired by stage {by_stage}; {len(result.added_nodes)} added, "
        f"{len(result.removed_nodes)} removed, {len(result.changed_nodes)} changed steps"
    )


if __name__ == "__main__":
    main()
