"""Dependencies between modifications: a DAG (cycles refused, naming them), total effort, the
critical path."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gap_analysis.dependencies import check_new_dependency, dependency_graph, find_cycle, schedule
from gap_analysis.errors import GapAnalysisError


def D(text: str) -> Decimal:
    return Decimal(text)


def test_a_chain_is_a_dag_with_its_total_and_critical_path() -> None:
    graph = dependency_graph(
        {"MOD-1": D("5"), "MOD-2": D("3"), "MOD-3": D("4"), "MOD-4": D("9"), "MOD-5": D("1.5")},
        {"MOD-3": ["MOD-1", "MOD-2"], "MOD-5": ["MOD-3"]},
    )
    plan = schedule(graph)
    assert plan.total_days == D("22.5")
    # MOD-1 (5) -> MOD-3 (4) -> MOD-5 (1.5) = 10.5 beats MOD-4 alone (9) and MOD-2 -> MOD-3 -> MOD-5 (8.5).
    assert plan.critical_path == ("MOD-1", "MOD-3", "MOD-5")
    assert plan.critical_days == D("10.5")


def test_one_long_modification_is_the_critical_path_on_its_own() -> None:
    plan = schedule(
        dependency_graph({"MOD-1": D("2"), "MOD-2": D("30"), "MOD-3": D("3")}, {"MOD-3": ["MOD-1"]})
    )
    assert plan.critical_path == ("MOD-2",)
    assert plan.critical_days == D("30.0")


def test_equal_chains_pick_the_lower_numbers_whatever_the_insertion_order() -> None:
    estimates = {"MOD-9": D("4"), "MOD-2": D("4"), "MOD-1": D("4")}
    assert schedule(dependency_graph(estimates, {})).critical_path == ("MOD-1",)
    assert schedule(dependency_graph(dict(reversed(list(estimates.items()))), {})).critical_path == ("MOD-1",)


def test_an_empty_list_has_no_effort_and_no_path() -> None:
    plan = schedule(dependency_graph({}, {}))
    assert (plan.total_days, plan.critical_path, plan.critical_days) == (D("0.0"), (), D("0.0"))


@pytest.mark.parametrize(
    ("depends_on", "cycle"),
    [
        ({"MOD-1": ["MOD-2"], "MOD-2": ["MOD-1"]}, "MOD-1 -> MOD-2 -> MOD-1"),
        ({"MOD-1": ["MOD-3"], "MOD-2": ["MOD-1"], "MOD-3": ["MOD-2"]}, "->"),
        ({"MOD-2": ["MOD-2"]}, "MOD-2 -> MOD-2"),
    ],
    ids=["two", "three", "self"],
)
def test_a_cycle_is_refused_and_named(depends_on: dict[str, list[str]], cycle: str) -> None:
    with pytest.raises(GapAnalysisError, match="dependency cycle") as caught:
        dependency_graph({"MOD-1": D("1"), "MOD-2": D("1"), "MOD-3": D("1")}, depends_on)
    assert cycle in str(caught.value)
    assert caught.value.field == "depends_on"
    named = str(caught.value).removeprefix("dependency cycle: ").split(" -> ")
    assert named[0] == named[-1] and set(named) <= {"MOD-1", "MOD-2", "MOD-3"}


def test_an_unknown_modification_is_refused() -> None:
    with pytest.raises(GapAnalysisError, match="no modification MOD-7"):
        dependency_graph({"MOD-1": D("1")}, {"MOD-1": ["MOD-7"]})


def test_a_new_dependency_that_would_close_a_cycle_is_refused_with_the_path() -> None:
    graph = dependency_graph(
        {"MOD-1": D("1"), "MOD-2": D("1"), "MOD-3": D("1")}, {"MOD-2": ["MOD-1"], "MOD-3": ["MOD-2"]}
    )
    with pytest.raises(GapAnalysisError) as caught:
        check_new_dependency(graph, "MOD-1", "MOD-3")
    assert str(caught.value) == (
        "MOD-1 cannot depend on MOD-3: that would be a cycle, MOD-3 already depends on MOD-1 (through MOD-2)"
    )
    with pytest.raises(GapAnalysisError, match="cannot depend on itself"):
        check_new_dependency(graph, "MOD-2", "MOD-2")
    check_new_dependency(graph, "MOD-3", "MOD-1")  # already implied: allowed, no cycle
    assert find_cycle(graph) == []
