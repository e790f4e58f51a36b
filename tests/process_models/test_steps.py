"""The step table: steps in the order the process runs, each with its role and system."""

from __future__ import annotations

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.model import ProcessModel
from process_models.steps import ordered_nodes, step_role, step_rows, step_system


def _purchase() -> ProcessModel:
    model = ProcessModel("Покупка", Variant.to_be)
    cashier = model.add_lane("Кассир", LaneKind.role, id="cashier")
    core = model.add_lane("СУЛ", LaneKind.system, id="core")
    # Added out of order on purpose: the table follows the flows, not the insertion order.
    model.add_node(NodeKind.end_event, "Чек пробит", lane=cashier.id, id="end")
    model.add_node(
        NodeKind.service_task, "Начислить баллы", lane=core.id, id="accrue", description="По уровню участника"
    )
    model.add_node(NodeKind.exclusive_gateway, "Карта есть?", lane=cashier.id, id="has_card")
    model.add_node(NodeKind.user_task, "Сканировать карту", lane=cashier.id, id="scan", system="Касса (POS)")
    model.add_node(NodeKind.start_event, "Покупатель у кассы", lane=cashier.id, id="start")
    model.add_node(NodeKind.exclusive_gateway, "", lane=cashier.id, id="join")
    model.add_flow("start", "scan")
    model.add_flow("scan", "has_card")
    model.add_flow("has_card", "accrue", name="Да", condition="card != null")
    model.add_flow("has_card", "join", name="Нет")
    model.add_flow("accrue", "join")
    model.add_flow("join", "end")
    return model


def test_steps_follow_the_flows_from_the_start() -> None:
    assert [n.id for n in ordered_nodes(_purchase())] == [
        "start",
        "scan",
        "has_card",
        "accrue",
        "join",
        "end",
    ]


def test_a_row_names_the_role_the_system_and_where_a_decision_leads() -> None:
    rows = {row.node_id: row for row in step_rows(_purchase())}
    assert (rows["scan"].role, rows["scan"].system) == ("Кассир", "Касса (POS)")
    # A step in a system lane runs in that system, with no role.
    assert (rows["accrue"].role, rows["accrue"].system, rows["accrue"].description) == (
        "",
        "СУЛ",
        "По уровню участника",
    )
    assert rows["has_card"].next_steps == ("Да → Начислить баллы", "Нет → join")
    assert rows["scan"].kind == "User task" and rows["has_card"].kind == "Decision, one way"
    assert [row.number for row in rows.values()] == [1, 2, 3, 4, 5, 6]


def test_unnamed_plumbing_can_be_left_out() -> None:
    assert "join" not in [row.node_id for row in step_rows(_purchase(), named_only=True)]


def test_nodes_no_start_reaches_still_appear_once() -> None:
    model = _purchase()
    model.add_node(NodeKind.task, "Сверить кассу", id="island_a")
    model.add_node(NodeKind.task, "Закрыть смену", id="island_b")
    model.add_flow("island_b", "island_a")
    order = [n.id for n in ordered_nodes(model)]
    assert sorted(order) == sorted(model.graph.nodes) and len(order) == len(set(order))
    assert order.index("island_b") < order.index("island_a")


def test_a_steps_role_and_system_are_read_by_one_rule() -> None:
    model = _purchase()
    model.add_node(NodeKind.task, "Без дорожки", id="laneless")
    steps = {node.id: node for node in ordered_nodes(model)}
    # The step's own system wins over its (role) lane; a system lane is the system; no lane, neither.
    assert (step_role(model, steps["scan"]), step_system(model, steps["scan"])) == ("Кассир", "Касса (POS)")
    assert (step_role(model, steps["accrue"]), step_system(model, steps["accrue"])) == ("", "СУЛ")
    assert (step_role(model, steps["laneless"]), step_system(model, steps["laneless"])) == ("", "")
    rows = {row.node_id: row for row in step_rows(model)}
    for node_id, node in steps.items():
        assert (rows[node_id].role, rows[node_id].system) == (
            step_role(model, node),
            step_system(model, node),
        )
