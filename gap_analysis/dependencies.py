"""Dependencies between modifications as a DAG: cycles refused, total effort, the critical path.

"MOD-3 depends on MOD-1" is an edge MOD-1 -> MOD-3 (MOD-1 must be done first). The critical path
is the chain of dependent modifications with the largest summed estimate: the shortest time the
whole list can take with unlimited people, and the modifications whose delay delays everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import networkx as nx

from gap_analysis.errors import N_, GapAnalysisError


@dataclass(frozen=True)
class Schedule:
    """The effort figures of a modifications list."""

    total_days: Decimal
    critical_path: tuple[str, ...]  # refs, first to last
    critical_days: Decimal


def dependency_graph(estimates: Mapping[str, Decimal], depends_on: Mapping[str, Iterable[str]]) -> nx.DiGraph:
    """The DAG of `estimates` (ref -> person-days) with an edge prerequisite -> dependant for each
    entry of `depends_on` (ref -> refs it depends on). Raises GapAnalysisError on an unknown ref
    or a cycle, naming the cycle."""
    graph = nx.DiGraph()
    for ref, days in estimates.items():
        graph.add_node(ref, days=Decimal(days))
    for ref, prerequisites in depends_on.items():
        for prerequisite in prerequisites:
            for name in (ref, prerequisite):
                if name not in graph:
                    raise GapAnalysisError.formatted(
                        N_("no modification %(name)s"), field="depends_on", name=name
                    )
            graph.add_edge(prerequisite, ref)
    cycle = find_cycle(graph)
    if cycle:
        raise GapAnalysisError.formatted(
            N_("dependency cycle: %(cycle)s"), field="depends_on", cycle=" -> ".join(cycle)
        )
    return graph


def find_cycle(graph: nx.DiGraph) -> list[str]:
    """A cycle of `graph` as refs in dependency order, closed (first = last); [] when acyclic."""
    try:
        edges = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return []
    # Edges run prerequisite -> dependant; people read "A depends on B", so name it that way.
    refs = [edge[1] for edge in reversed(edges)]
    return [*refs, refs[0]]


def check_new_dependency(graph: nx.DiGraph, ref: str, depends_on: str) -> None:
    """Refuse "`ref` depends on `depends_on`" when it would close a cycle (or is a self-loop)."""
    if ref == depends_on:
        raise GapAnalysisError.formatted(N_("%(ref)s cannot depend on itself"), field="depends_on", ref=ref)
    if ref in graph and depends_on in graph and nx.has_path(graph, ref, depends_on):
        # The graph runs prerequisite -> dependant, so a path ref -> ... -> depends_on means
        # depends_on already waits for ref; the new edge would close the loop.
        path = nx.shortest_path(graph, ref, depends_on)
        through = f" (through {', '.join(path[1:-1])})" if len(path) > 2 else ""
        raise GapAnalysisError(
            f"{ref} cannot depend on {depends_on}: that would be a cycle, {depends_on} already depends on "
            f"{ref}{through}",
            field="depends_on",
        )


def schedule(graph: nx.DiGraph) -> Schedule:
    """Total effort and the critical path (the heaviest chain by summed estimate; among equal
    chains, the one with the lower numbers, so the answer never depends on insertion order)."""
    total = sum((graph.nodes[n]["days"] for n in graph), Decimal("0.0"))
    best: dict[str, tuple[Decimal, tuple[str, ...]]] = {}
    for node in nx.lexicographical_topological_sort(graph, key=_sort_key):
        days = graph.nodes[node]["days"]
        options = [(best[p][0] + days, (*best[p][1], node)) for p in graph.predecessors(node)]
        options.append((days, (node,)))
        best[node] = max(options, key=_preference)
    if not best:
        return Schedule(total.quantize(TENTH), (), Decimal("0.0"))
    days, path = max(best.values(), key=_preference)
    return Schedule(total.quantize(TENTH), path, days.quantize(TENTH))


TENTH = Decimal("0.1")


def _number(ref: str) -> int:
    tail = ref.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


def _sort_key(ref: str) -> str:
    return f"{_number(ref):09d}{ref}"


def _preference(option: tuple[Decimal, tuple[str, ...]]) -> tuple[Decimal, tuple[int, ...]]:
    # The most days first; on equal days, max() of the negated numbers picks MOD-1 over MOD-9.
    days, path = option
    return days, tuple(-_number(ref) for ref in path)
