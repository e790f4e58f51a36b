"""The comparison's rows by kind of change: a paired step with another name is "renamed" (one
row, not a removal and an addition), another lane "moved", another kind "retyped"."""

from __future__ import annotations

from process_models.diff import ChangeKind, diff
from process_models.diff_rows import change_rows, kinds_of
from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ProcessModel


def _model() -> ProcessModel:
    model = ProcessModel("Возврат", Variant.as_is)
    model.add_lane("Кассир", id="Lane_cashier")
    model.add_lane("Касса", LaneKind.system, id="Lane_till")
    model.add_node(NodeKind.start_event, "Покупатель с чеком", lane="Lane_cashier", id="Start")
    model.add_node(NodeKind.user_task, "Найти чек", lane="Lane_cashier", id="Find")
    model.add_node(NodeKind.user_task, "Вернуть деньги", lane="Lane_cashier", id="Refund")
    model.add_node(NodeKind.end_event, "Возврат оформлен", lane="Lane_till", id="End")
    model.add_flow("Start", "Find", id="F1")
    model.add_flow("Find", "Refund", id="F2")
    model.add_flow("Refund", "End", id="F3")
    return model


def test_each_paired_step_gets_the_kinds_of_its_changes() -> None:
    before, after = _model(), _model()
    after.update_node("Find", name="Найти чек в приложении")
    after.update_node("Refund", lane="Lane_till", kind=NodeKind.service_task)
    after.add_node(NodeKind.user_task, "Сверить чек", lane="Lane_cashier", id="Check")
    rows = {(row.before_id, row.after_id): row for row in change_rows(diff(before, after))}
    assert rows[("Find", "Find")].kinds == (ChangeKind.renamed,)
    # a task that became a service task is automated too (the staged comparison's kind)
    refund = set(rows[("Refund", "Refund")].kinds)
    assert refund == {ChangeKind.moved, ChangeKind.retyped, ChangeKind.automated}
    assert rows[(None, "Check")].kinds == (ChangeKind.added,)
    assert not any(row.kinds == (ChangeKind.removed,) for row in rows.values())
    assert kinds_of(list(rows.values())) == [
        ChangeKind.added,
        ChangeKind.renamed,
        ChangeKind.moved,
        ChangeKind.retyped,
        ChangeKind.automated,
    ]


def test_removed_steps_and_flows_are_rows_of_the_before_model() -> None:
    before, after = _model(), _model()
    after.remove_node("Refund")
    after.add_flow("Find", "End", id="F4")
    rows = change_rows(diff(before, after))
    removed = {(row.element, row.before_id) for row in rows if row.kinds == (ChangeKind.removed,)}
    assert ("step", "Refund") in removed and ("flow", "F2") in removed and ("flow", "F3") in removed
    assert all(row.after_id is None for row in rows if ChangeKind.removed in row.kinds)
    assert change_rows(diff(_model(), _model())) == []


def test_kinds_the_comparison_engine_gives_are_taken_as_they_are() -> None:
    """A comparison that says the kinds itself (e.g. "automated" for a manual task made a
    service task) is shown with them, not with the ones read off the fields."""
    from dataclasses import dataclass

    from process_models.diff import ModelDiff, NodeChange

    @dataclass(frozen=True)
    class TellingChange(NodeChange):
        kinds: tuple[str, ...] = ()

    before, after = _model(), _model()
    after.update_node("Refund", kind=NodeKind.service_task)
    change = diff(before, after).changed_nodes[0]
    told = TellingChange(change.before, change.after, change.changes, kinds=("automated", "unknown"))
    [row] = change_rows(ModelDiff(changed_nodes=[told]))
    assert row.kinds == (ChangeKind.automated,)
