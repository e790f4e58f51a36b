"""The automatic layered layout: invariants every laid-out model keeps, model by model."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from process_models.enums import LaneKind, NodeKind, Variant
from process_models.layout import ACTIVITY_SIZE, EVENT_SIZE, GATEWAY_SIZE, layout, node_size
from process_models.model import Bounds, MessageFlow, Pool, ProcessModel

K = NodeKind


@dataclass
class Sample:
    model: ProcessModel
    loops: set[str] = field(default_factory=set)  # flows that close a cycle (drawn under, leftwards)


def enrolment() -> Sample:
    model = ProcessModel("Enrolment", Variant.to_be)
    model.add_lane("Cashier", id="L_cashier")
    model.add_lane("POS", LaneKind.system, id="L_pos")
    model.add_node(K.start_event, "Customer at the till", lane="L_cashier", id="start")
    model.add_node(K.user_task, "Ask for the phone", lane="L_cashier", id="ask")
    model.add_node(K.exclusive_gateway, "Member already?", lane="L_cashier", id="split")
    model.add_node(K.service_task, "Look up member", lane="L_pos", id="lookup")
    model.add_node(K.service_task, "Enrol", lane="L_pos", id="enrol")
    model.add_node(K.exclusive_gateway, "", lane="L_cashier", id="join")
    model.add_node(K.end_event, "Member at the till", lane="L_cashier", id="end")
    model.add_flow("start", "ask", id="f_start")
    model.add_flow("ask", "split", id="f_ask")
    model.add_flow("split", "lookup", id="f_yes", name="yes", condition="${member}")
    model.add_flow("split", "enrol", id="f_no", name="no", condition="${!member}")
    model.add_flow("lookup", "join", id="f_lookup")
    model.add_flow("enrol", "join", id="f_enrol")
    model.add_flow("join", "end", id="f_end")
    return Sample(model)


def with_retry_loop() -> Sample:
    sample = enrolment()
    model = sample.model
    model.add_node(K.exclusive_gateway, "Phone valid?", lane="L_cashier", id="valid")
    model.remove_flow("f_ask")
    model.add_flow("ask", "valid", id="f_check")
    model.add_flow("valid", "split", id="f_valid", name="yes", condition="${valid}")
    model.add_flow("valid", "ask", id="f_retry", name="no", condition="${!valid}")
    model.add_flow("enrol", "enrol", id="f_self")  # a node looping on itself
    return Sample(model, loops={"f_retry", "f_self"})


def without_lanes() -> Sample:
    model = ProcessModel("Plain")
    previous = model.add_node(K.start_event, "Start").id
    for index in range(6):
        previous_task = model.add_node(K.task, f"Step {index}").id
        model.add_flow(previous, previous_task)
        previous = previous_task
    model.add_flow(previous, model.add_node(K.end_event, "End").id)
    return Sample(model)


def with_a_laneless_node() -> Sample:
    sample = enrolment()
    sample.model.add_node(K.task, "Print receipt", id="print")
    sample.model.remove_flow("f_end")
    sample.model.add_flow("join", "print")
    sample.model.add_flow("print", "end")
    sample.model.add_lane("Back office", id="L_empty")  # a lane with no node still gets a band
    return Sample(sample.model)


def with_boundary_events() -> Sample:
    sample = enrolment()
    model = sample.model
    for index, name in enumerate(("Timeout", "Card declined")):
        event = model.add_node(
            K.boundary_event, name, lane="L_pos", id=f"boundary_{index}", extra={"attachedToRef": "lookup"}
        )
        handler = model.add_node(
            K.user_task,
            f"Handle {name.lower()}",
            lane="L_cashier" if index else "L_pos",
            id=f"handler_{index}",
        )
        model.add_flow(event.id, handler.id)
        model.add_flow(handler.id, "join")
    return Sample(model)


def big(blocks: int = 30) -> Sample:
    """Blocks of: a task, an exclusive split over two lanes, a join, and every third block a
    rework loop back to the block's task; lanes cycle through four."""
    model = ProcessModel("Big")
    lanes = [
        model.add_lane(name, id=f"L{i}").id
        for i, name in enumerate(("Cashier", "POS", "Loyalty core", "Back office"))
    ]
    loops: set[str] = set()
    previous = model.add_node(K.start_event, "Start", lane=lanes[0], id="start").id
    for block in range(blocks):
        lane, other = lanes[block % 4], lanes[(block + 1) % 4]
        task = model.add_node(K.user_task, f"Task {block}", lane=lane, id=f"t{block}").id
        model.add_flow(previous, task)
        split = model.add_node(K.exclusive_gateway, f"Ok {block}?", lane=lane, id=f"s{block}").id
        model.add_flow(task, split)
        left = model.add_node(K.service_task, f"Left {block}", lane=lane, id=f"l{block}").id
        right = model.add_node(K.manual_task, f"Right {block}", lane=other, id=f"r{block}").id
        join = model.add_node(K.exclusive_gateway, "", lane=lane, id=f"j{block}").id
        model.add_flow(split, left, name="yes", condition="a")
        model.add_flow(split, right, name="no", condition="b")
        model.add_flow(left, join)
        model.add_flow(right, join)
        previous = join
        if block % 3 == 2:
            check = model.add_node(K.exclusive_gateway, f"Rework {block}?", lane=lane, id=f"c{block}").id
            model.add_flow(join, check)
            loops.add(model.add_flow(check, task, name="rework", condition="r", id=f"loop{block}").id)
            previous = check
    model.add_flow(previous, model.add_node(K.end_event, "End", lane=lanes[0], id="end").id)
    return Sample(model, loops)


def in_a_pool_with_a_partner() -> Sample:
    sample = enrolment()
    sample.model.pool = Pool("Participant_shop", "Shop")
    sample.model.partners = [Pool("Participant_customer", "Customer")]
    sample.model.message_flows = [MessageFlow("Message_sms", "enrol", "Participant_customer", "welcome SMS")]
    return sample


SAMPLES: dict[str, Callable[[], Sample]] = {
    "two lanes, acyclic": enrolment,
    "with a retry loop and a self-loop": with_retry_loop,
    "no lanes": without_lanes,
    "a node in no lane and an empty lane": with_a_laneless_node,
    "boundary events": with_boundary_events,
    "150 nodes with loops": big,
    "in a pool with a partner": in_a_pool_with_a_partner,
}


@pytest.fixture(params=list(SAMPLES.values()), ids=list(SAMPLES))
def sample(request: pytest.FixtureRequest) -> Sample:
    made: Sample = request.param()
    return made


def _hosted(model: ProcessModel) -> dict[str, str]:
    return {
        n.id: n.extra["attachedToRef"]
        for n in model.nodes()
        if n.kind is K.boundary_event and "attachedToRef" in n.extra
    }


def _bounds(model: ProcessModel, node_id: str) -> Bounds:
    bounds = model.node(node_id).bounds
    assert bounds is not None
    return bounds


def _overlap(a: Bounds, b: Bounds) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


def test_every_node_gets_bounds_of_its_kinds_size(sample: Sample) -> None:
    laid = layout(sample.model)
    for node in laid.nodes():
        assert node.bounds is not None, node.id
        assert (node.bounds.width, node.bounds.height) == node_size(node.kind)


@pytest.mark.parametrize(
    ("kind", "size"),
    [
        (K.user_task, ACTIVITY_SIZE),
        (K.sub_process, ACTIVITY_SIZE),
        (K.end_event, EVENT_SIZE),
        (K.inclusive_gateway, GATEWAY_SIZE),
    ],
    ids=["task", "sub-process", "event", "gateway"],
)
def test_sizes_are_bpmn_io_defaults(kind: NodeKind, size: tuple[float, float]) -> None:
    assert node_size(kind) == size


def test_lanes_are_stacked_swimlanes_spanning_the_diagram(sample: Sample) -> None:
    laid = layout(sample.model)
    lanes = [lane.bounds for lane in laid.lanes.values()]
    assert all(bounds is not None for bounds in lanes)
    bands = [b for b in lanes if b is not None]
    for upper, lower in itertools.pairwise(bands):
        assert upper.y + upper.height <= lower.y
        assert (upper.x, upper.width) == (lower.x, lower.width)
    if bands:
        left, right = bands[0].x, bands[0].x + bands[0].width
        for node in laid.nodes():
            assert node.bounds is not None
            assert left <= node.bounds.x and node.bounds.x + node.bounds.width <= right


def test_every_node_sits_inside_its_lanes_band(sample: Sample) -> None:
    laid = layout(sample.model)
    for node in laid.nodes():
        if node.lane is None:
            continue
        band = laid.lanes[node.lane].bounds
        assert band is not None and node.bounds is not None
        assert band.y <= node.bounds.y and node.bounds.y + node.bounds.height <= band.y + band.height, node.id


def test_laneless_nodes_go_below_the_lanes() -> None:
    laid = layout(with_a_laneless_node().model)
    lowest_lane = max(lane.bounds.y + lane.bounds.height for lane in laid.lanes.values() if lane.bounds)
    assert _bounds(laid, "print").y >= lowest_lane


def test_no_two_nodes_overlap(sample: Sample) -> None:
    laid = layout(sample.model)
    hosted = _hosted(laid)
    nodes = list(laid.nodes())
    for a, b in itertools.combinations(nodes, 2):
        if hosted.get(a.id) == b.id or hosted.get(b.id) == a.id:
            continue  # a boundary event sits on its host's border by design
        assert a.bounds is not None and b.bounds is not None
        assert not _overlap(a.bounds, b.bounds), (a.id, b.id)


def test_columns_increase_along_forward_flows(sample: Sample) -> None:
    laid = layout(sample.model)
    for flow in laid.flows():
        source, target = _bounds(laid, flow.source), _bounds(laid, flow.target)
        if flow.id in sample.loops:
            assert target.x <= source.x, flow.id
        else:
            assert target.x > source.x + source.width / 2, flow.id


def test_flows_are_orthogonal_from_right_edge_to_left_edge(sample: Sample) -> None:
    laid = layout(sample.model)
    hosted = _hosted(laid)
    for flow in laid.flows():
        points = flow.waypoints
        assert len(points) >= 2, flow.id
        for (x1, y1), (x2, y2) in itertools.pairwise(points):
            assert x1 == x2 or y1 == y2, (flow.id, points)
        source, target = _bounds(laid, flow.source), _bounds(laid, flow.target)
        if flow.id in sample.loops:  # out of the source's bottom, into the target's bottom
            assert points[0][1] == source.y + source.height and points[-1][1] == target.y + target.height
            continue
        if flow.source in hosted:  # out of the boundary event's bottom
            assert points[0] == (source.x + source.width / 2, source.y + source.height)
        else:
            assert points[0] == (source.x + source.width, source.y + source.height / 2), flow.id
        assert points[-1] == (target.x, target.y + target.height / 2), flow.id


def _crosses(segment: tuple[tuple[float, float], tuple[float, float]], box: Bounds) -> bool:
    """Whether an axis-parallel segment enters the box's interior (running along its border does not)."""
    (x1, y1), (x2, y2) = segment
    return (
        min(x1, x2) < box.x + box.width
        and box.x < max(x1, x2)
        and min(y1, y2) < box.y + box.height
        and box.y < max(y1, y2)
    )


def test_flows_go_around_the_nodes_they_do_not_join(sample: Sample) -> None:
    laid = layout(sample.model)
    hosted = _hosted(laid)
    boxes = {n.id: n.bounds for n in laid.nodes() if n.bounds is not None}
    for flow in laid.flows():
        ends = {flow.source, flow.target}
        ends |= {hosted[e] for e in ends if e in hosted} | {
            event for event, host in hosted.items() if host in ends
        }
        for segment in itertools.pairwise(flow.waypoints):
            hit = [
                node_id for node_id, box in boxes.items() if node_id not in ends and _crosses(segment, box)
            ]
            assert not hit, (flow.id, segment, hit)


def test_a_straight_sequence_stays_on_one_line() -> None:
    laid = layout(without_lanes().model)
    centres = {n.bounds.y + n.bounds.height / 2 for n in laid.nodes() if n.bounds}
    assert len(centres) == 1
    assert all(len(f.waypoints) == 2 for f in laid.flows())


def test_boundary_events_sit_on_their_hosts_bottom_edge() -> None:
    laid = layout(with_boundary_events().model)
    host = _bounds(laid, "lookup")
    for event_id in ("boundary_0", "boundary_1"):
        event = _bounds(laid, event_id)
        assert event.y + event.height / 2 == host.y + host.height
        assert host.x < event.x + event.width / 2 < host.x + host.width


def test_pools_wrap_the_lanes_and_messages_get_waypoints() -> None:
    laid = layout(in_a_pool_with_a_partner().model)
    pool, partner = laid.pool, laid.partners[0]
    assert pool is not None and pool.bounds is not None and partner.bounds is not None
    for lane in laid.lanes.values():
        assert lane.bounds is not None
        assert (
            pool.bounds.x < lane.bounds.x
            and lane.bounds.x + lane.bounds.width == pool.bounds.x + pool.bounds.width
        )
    assert partner.bounds.y >= pool.bounds.y + pool.bounds.height
    (message,) = laid.message_flows
    enrol = _bounds(laid, "enrol")
    assert message.waypoints == (
        (enrol.x + enrol.width / 2, enrol.y + enrol.height),
        (enrol.x + enrol.width / 2, partner.bounds.y),
    )


def test_layout_returns_a_copy_and_is_deterministic() -> None:
    model = with_retry_loop().model
    before = model.to_dict()
    first, second = layout(model), layout(model)
    assert model.to_dict() == before  # the input keeps its (missing) coordinates
    assert first.to_dict() == second.to_dict()
    assert first.to_dict()["nodes"][0]["bounds"] is not None


def test_existing_coordinates_are_replaced() -> None:
    model = enrolment().model
    model.update_node("ask", bounds=Bounds(5000, 5000, 10, 10))
    assert _bounds(layout(model), "ask") != Bounds(5000, 5000, 10, 10)


def test_an_empty_model_lays_out() -> None:
    laid = layout(ProcessModel("Empty"))
    assert len(laid) == 0 and not laid.lanes
