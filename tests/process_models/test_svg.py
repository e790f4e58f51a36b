"""The SVG diagram: well-formed, every name on it, the diff coloured with a legend, no script."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from process_models.diff import diff
from process_models.enums import LaneKind, NodeKind, Variant
from process_models.layout import layout
from process_models.model import Bounds, ProcessModel
from process_models.svg import render_svg
from tests.process_models.support import enrolment

K = NodeKind
SVG = "{http://www.w3.org/2000/svg}"


def to_be() -> ProcessModel:
    model = enrolment(Variant.to_be)
    model.remove_node("form")
    model.add_lane("Loyalty app", LaneKind.system, id="L_app")
    model.add_node(K.send_task, "Send the sign-up link", lane="L_app", id="sms")
    model.add_flow("split", "sms", id="f_sms", name="no", condition="${!member}")
    model.add_flow("sms", "join", id="f_sms_done")
    model.update_node("lookup", name="Look up member by phone")
    model.remove_flow("f2")
    model.add_flow("ask", "split", id="f2", name="phone given")
    return model


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> str:
    return " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


def _group(root: ET.Element, element_id: str) -> ET.Element:
    return next(g for g in root.iter(f"{SVG}g") if g.get("data-id") == element_id)


def _classes(element: ET.Element) -> set[str]:
    return set((element.get("class") or "").split())


def _every_kind() -> ProcessModel:
    model = ProcessModel("Every kind")
    model.add_lane("Everyone", id="L")
    previous = model.add_node(K.start_event, "Begin", lane="L").id
    for kind in NodeKind:
        if kind in (K.start_event, K.end_event):
            continue
        node = model.add_node(
            kind,
            f"A {kind.value}",
            lane="L",
            extra={"eventDefinition": "timerEventDefinition"} if kind.is_event else None,
        )
        model.add_flow(previous, node.id)
        previous = node.id
    model.add_flow(previous, model.add_node(K.end_event, "Finish", lane="L").id)
    return model


def _loop_of(size: int) -> ProcessModel:
    model = ProcessModel("Loop")
    model.add_lane("Cashier", id="L0")
    model.add_lane("POS", LaneKind.system, id="L1")
    ids = [model.add_node(K.start_event, "Start", lane="L0").id]
    for index in range(size):
        ids.append(model.add_node(K.task, f"Step {index}", lane=f"L{index % 2}").id)
        model.add_flow(ids[-2], ids[-1])
    model.add_flow(ids[-1], ids[1], name="again", condition="${again}")
    model.add_flow(
        ids[-1], model.add_node(K.end_event, "End", lane="L0").id, name="done", condition="${done}"
    )
    return model


DIAGRAMS: dict[str, Callable[[], str]] = {
    "AS-IS": lambda: render_svg(enrolment()),
    "TO-BE with its diff": lambda: render_svg(to_be(), diff(enrolment(), to_be())),
    "every node kind": lambda: render_svg(_every_kind()),
    "120 nodes with a loop": lambda: render_svg(_loop_of(120)),
    "empty model": lambda: render_svg(ProcessModel("Nothing yet")),
}


@pytest.mark.parametrize("render", DIAGRAMS.values(), ids=DIAGRAMS.keys())
def test_the_svg_is_well_formed_and_script_free(render: Callable[[], str]) -> None:
    svg = render()
    root = _parse(svg)
    assert (
        root.tag == f"{SVG}svg" and float(root.get("width", "0")) > 0 and float(root.get("height", "0")) > 0
    )
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    assert not any(name.lower().startswith("on") for element in root.iter() for name in element.attrib)
    assert "javascript:" not in svg.lower()


def test_every_name_is_on_the_diagram() -> None:
    model = enrolment()
    text = _texts(_parse(render_svg(model)))
    for name in ["Enrolment at the till (AS-IS)", "Cashier", "POS", "yes", "[${!member}]"] + [
        n.name for n in model.nodes() if n.name
    ]:
        # Long task names wrap over lines: compare without the line breaks.
        assert name.replace(" ", "") in text.replace(" ", ""), name


@pytest.mark.parametrize(
    ("kind", "shape"),
    [
        (K.user_task, "rect"),
        (K.end_event, "circle"),
        (K.start_event, "circle"),
        (K.parallel_gateway, "polygon"),
    ],
    ids=[
        "task as a rounded rectangle",
        "end event as a circle",
        "start event as a circle",
        "gateway as a diamond",
    ],
)
def test_each_kind_has_its_shape(kind: NodeKind, shape: str) -> None:
    model = ProcessModel("One")
    model.add_node(kind, "The one", id="one")
    group = _group(_parse(render_svg(model)), "one")
    assert group.find(f"{SVG}{shape}") is not None
    if kind is K.user_task:
        assert group.find(f"{SVG}rect").get("rx") == "10"  # type: ignore[union-attr]


def test_end_events_are_bold_and_gateways_carry_their_marker() -> None:
    root = _parse(render_svg(_every_kind()))
    end = next(g for g in root.iter(f"{SVG}g") if "Finish" in "".join(g.itertext()) and "node" in _classes(g))
    assert "stroke-width: 4" in (end.find(f"{SVG}circle").get("style") or "")  # type: ignore[union-attr]
    for kind in (K.exclusive_gateway, K.parallel_gateway, K.inclusive_gateway):
        gateway = next(
            g
            for g in root.iter(f"{SVG}g")
            if f"A {kind.value}" in "".join(g.itertext()) and "node" in _classes(g)
        )
        marker = gateway.find(f"{SVG}circle") if kind is K.inclusive_gateway else gateway.find(f"{SVG}path")
        assert marker is not None, kind


def test_lanes_are_labelled_swimlanes() -> None:
    root = _parse(render_svg(enrolment()))
    lanes = [g for g in root.iter(f"{SVG}g") if "lane" in _classes(g)]
    assert [g.get("data-id") for g in lanes] == ["L_cashier", "L_pos"]
    assert ["".join(g.itertext()).split("(")[-1] for g in lanes] == ["L_cashier)Cashier", "L_pos)POS"]


def test_flows_have_arrowheads() -> None:
    root = _parse(render_svg(enrolment()))
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 7 and all(line.get("marker-end") == "url(#arrow)" for line in lines)


def test_text_is_escaped_and_forbidden_characters_dropped() -> None:
    model = enrolment()
    model.update_node("ask", name='Ask <b>"phone"</b> & card\x00\x07')
    model.lanes["L_pos"] = model.lanes["L_pos"].__class__("L_pos", "POS & <script>", LaneKind.system)
    svg = render_svg(model)
    root = _parse(svg)
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}b"))
    text = _texts(root)
    assert "POS & <script>" in text and '"phone"' in text and "\x00" not in svg


def test_with_a_diff_changes_are_coloured_and_a_legend_explains_them() -> None:
    before, after = enrolment(), to_be()
    root = _parse(render_svg(after, diff(before, after)))
    assert "added" in _classes(_group(root, "sms"))
    assert "changed" in _classes(_group(root, "lookup"))
    assert "changed" in _classes(_group(root, "f2").find(f"{SVG}polyline"))  # type: ignore[arg-type]
    assert "added" in _classes(_group(root, "f_sms").find(f"{SVG}polyline"))  # type: ignore[arg-type]
    removed = _group(root, "form")
    assert "removed" in _classes(removed) and "Fill in the paper form" in "".join(removed.itertext())
    tooltip = removed.find(f"{SVG}title").text or ""  # type: ignore[union-attr]
    assert "was in lane 'Cashier'" in tooltip and "after 'Member already?'" in tooltip
    assert "Look up member" in (_group(root, "lookup").find(f"{SVG}title").text or "")  # type: ignore[union-attr]
    legend = next(g for g in root.iter(f"{SVG}g") if "legend" in _classes(g))
    assert "".join(legend.itertext()).split("Legend:")[1].split(")")[:3] == [
        "Added (1 node, 2 flows",
        "Changed (1 node, 1 flow",
        "Removed (1 node, 2 flows",
    ]


def test_a_removed_node_is_drawn_level_with_its_old_lane() -> None:
    before, after = enrolment(), to_be()
    laid = layout(after)
    root = _parse(render_svg(laid, diff(before, laid)))
    cashier = laid.lanes["L_cashier"].bounds
    assert cashier is not None
    rect = _group(root, "form").find(f"{SVG}rect")
    assert rect is not None
    y, height = float(rect.get("y", "0")), float(rect.get("height", "0"))
    assert cashier.y <= y and y + height <= cashier.y + cashier.height
    right_of_everything = max(n.bounds.x + n.bounds.width for n in laid.nodes() if n.bounds)
    assert float(rect.get("x", "0")) > right_of_everything


def test_a_removed_lane_gets_a_ghost_band() -> None:
    before = enrolment()
    before.add_lane("Back office", id="L_back")
    before.add_node(K.manual_task, "Type in the paper form", lane="L_back", id="type")
    root = _parse(render_svg(to_be(), diff(before, to_be())))
    ghost = next(g for g in root.iter(f"{SVG}g") if "ghost-lane" in _classes(g))
    assert "Back office (removed lane)" in "".join(ghost.itertext())
    assert "removed" in _classes(_group(root, "type"))


def test_without_a_diff_there_is_no_legend() -> None:
    root = _parse(render_svg(to_be()))
    assert not any("legend" in _classes(g) for g in root.iter(f"{SVG}g"))
    assert not any({"added", "changed", "removed"} & _classes(e) for e in root.iter())


def test_a_model_with_coordinates_is_drawn_where_they_say() -> None:
    model = ProcessModel("Placed")
    model.add_node(K.task, "Here", id="here", bounds=Bounds(-300, 40, 100, 80))
    model.add_node(K.task, "There", id="there", bounds=Bounds(400, 40, 100, 80))
    model.add_flow("here", "there", id="f", waypoints=((-200, 80), (400, 80)))
    root = _parse(render_svg(model))
    assert _group(root, "here").find(f"{SVG}rect").get("x") == "-300"  # type: ignore[union-attr]
    assert _group(root, "f").find(f"{SVG}polyline").get("points") == "-200,80 400,80"  # type: ignore[union-attr]
    # Negative model coordinates are shifted into view.
    shifted = next(g for g in root.iter(f"{SVG}g") if (g.get("transform") or "").startswith("translate("))
    assert shifted.get("transform", "").startswith("translate(320,")


def test_a_model_without_coordinates_is_laid_out() -> None:
    root = _parse(render_svg(enrolment()))
    tasks = [(r.get("x"), r.get("y")) for r in root.iter(f"{SVG}rect") if r.get("rx") == "10"]
    assert len(tasks) == 3 and len(set(tasks)) == 3


def test_a_removed_flow_between_nodes_still_there_is_drawn_dashed_red() -> None:
    before = enrolment()
    after = enrolment(Variant.to_be)
    after.remove_flow("f5")
    after.add_node(K.task, "Print the card", lane="L_pos", id="print")
    after.add_flow("lookup", "print", id="f_print")
    after.add_flow("print", "join", id="f_printed")
    root = _parse(render_svg(after, diff(before, after)))
    lost = _group(root, "f5")
    assert _classes(lost.find(f"{SVG}polyline")) == {"flow", "removed"}  # type: ignore[arg-type]
    assert "from 'Look up member' to 'join'" in (lost.find(f"{SVG}title").text or "")  # type: ignore[union-attr]


def test_a_terminate_end_event_has_its_filled_disc() -> None:
    model = ProcessModel("Stop")
    model.add_node(K.end_event, "Cancelled", id="stop", extra={"eventDefinition": "terminateEventDefinition"})
    circles = _group(_parse(render_svg(model)), "stop").findall(f"{SVG}circle")
    assert len(circles) == 2 and circles[1].get("fill") == "#222"
