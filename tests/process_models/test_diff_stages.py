"""The stages of pairing steps (id, the consultant's links, similar names across lanes) and the
kinds of change and layout changes they report."""

from __future__ import annotations

from dataclasses import replace

import pytest

from process_models.diff import ChangeKind, MatchStage, StepLink, diff
from process_models.enums import LaneKind, NodeKind
from process_models.model import Bounds, ProcessModel
from process_models.similarity import NAME_SIMILARITY_THRESHOLD, name_similarity

K = NodeKind


def _model(prefix: str, steps: list[tuple[str, NodeKind, str, str]]) -> ProcessModel:
    """Steps (id, kind, name, lane name) in lanes named as given, ids prefixed."""
    model = ProcessModel(prefix)
    for _, _, _, lane in steps:
        if lane not in {item.name for item in model.lanes.values()}:
            model.add_lane(lane, LaneKind.system if lane == "POS" else LaneKind.role, id=f"{prefix}_{lane}")
    for step_id, kind, name, lane in steps:
        model.add_node(kind, name, lane=f"{prefix}_{lane}", id=f"{prefix}_{step_id}")
    return model


def test_a_link_merges_several_steps_and_another_splits_one() -> None:
    before = _model("a", [("give", K.manual_task, "Выдать анкету", "Кассир"),
                          ("fill", K.manual_task, "Заполнить анкету", "Покупатель"),
                          ("check", K.user_task, "Проверить чек", "Кассир")])  # fmt: skip
    after = _model("b", [("phone", K.user_task, "Ввести телефон", "Кассир"),
                         ("scan", K.service_task, "Сканировать чек", "POS"),
                         ("lines", K.user_task, "Выбрать позиции", "Кассир")])  # fmt: skip
    links = [
        StepLink(("a_give", "a_fill"), ("b_phone",), "no paper"),
        StepLink(("a_check",), ("b_scan", "b_lines")),
    ]
    result = diff(before, after, links)
    assert not result.added_nodes and not result.removed_nodes
    merge, split = result.matches
    assert merge.stage is MatchStage.link and merge.note == "no paper"
    assert ChangeKind.merged in merge.kinds and ChangeKind.split_up not in merge.kinds
    assert split.after == ("b_scan", "b_lines") and ChangeKind.split_up in split.kinds
    assert ChangeKind.automated in split.kinds  # a user task became a service task in the POS
    assert result.node_pairs == {"a_give": "b_phone", "a_fill": "b_phone", "a_check": "b_scan"}


def test_a_link_with_one_side_empty_explains_without_pairing() -> None:
    before = _model("a", [("archive", K.manual_task, "Отложить анкету в архив", "Бэк-офис")])
    after = _model("b", [("archive", K.manual_task, "Отложить анкету в архив", "Бэк-офис"),
                         ("sms", K.send_task, "Отправить SMS", "POS")])  # fmt: skip
    result = diff(
        before, after, [StepLink(("a_archive",), (), "paper is gone"), StepLink((), ("b_sms",), "new")]
    )
    # The dropped step is not paired by its name: the consultant said it has no counterpart.
    assert [n.id for n in result.removed_nodes] == ["a_archive"]
    assert [n.id for n in result.added_nodes] == ["b_archive", "b_sms"]
    assert [n.id for n in result.unexplained_added] == ["b_archive"] and result.unexplained_removed == []
    assert result.link_notes == {"a_archive": "paper is gone", "b_sms": "new"}


@pytest.mark.parametrize(
    ("old", "new", "paired"),
    [
        ("Выдать деньги покупателю", "Вернуть деньги покупателю", True),
        ("Списать возврат вручную в ERP 1С", "Списание возврата в ERP 1С", True),
        ("Fill in the paper forms", "Fill the paper form", True),
        ("Проверить чек", "Проверить товар", False),
        ("Order a pizza", "Eat the pizza", False),
    ],
)
def test_names_pair_by_their_stems_across_lanes(old: str, new: str, paired: bool) -> None:
    before = _model("a", [("x", K.manual_task, old, "Администратор")])
    after = _model("b", [("y", K.user_task, new, "Кассир")])
    result = diff(before, after)
    assert (name_similarity(old, new) >= NAME_SIMILARITY_THRESHOLD) is paired
    assert (result.node_pairs == {"a_x": "b_y"}) is paired
    if paired:
        (match,) = result.matches
        assert match.stage is MatchStage.name and ChangeKind.moved in match.kinds


def test_a_gateway_never_pairs_with_a_task_of_the_same_name() -> None:
    before = _model("a", [("x", K.user_task, "Проверить чек", "Кассир")])
    after = _model("b", [("y", K.exclusive_gateway, "Проверить чек", "Кассир")])
    assert diff(before, after).node_pairs == {}


@pytest.mark.parametrize(("dx", "reported"), [(2.0, False), (12.0, True)], ids=["a nudge", "a move"])
def test_layout_changed_beyond_a_few_pixels(dx: float, reported: bool) -> None:
    before = ProcessModel("m")
    before.add_node(K.task, "Step", id="t", bounds=Bounds(100, 100, 100, 80))
    after = before.copy()
    node = after.node("t")
    after.graph.nodes["t"]["node"] = replace(node, bounds=Bounds(100 + dx, 100, 100, 80))
    result = diff(before, after)
    assert result.layout_changed == (["t"] if reported else [])
    assert result.is_empty  # a layout change alone is not a change of the process
