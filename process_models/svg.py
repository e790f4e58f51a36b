"""A process model as a static SVG diagram (no JavaScript), optionally with a diff drawn on it.

`render_svg(model)` draws lanes as labelled horizontal swimlanes, activities as rounded
rectangles with their wrapped names and a glyph for their kind, events as circles (end events
bold, intermediate ones doubled), gateways as diamonds with their marker (X, +, O), and flows as
polylines with arrowheads and their names (or conditions). A model where some node or lane has no
coordinates is laid out first with `process_models.layout.layout`.

`render_svg(after, diff(before, after))` draws `after` with what changed: added elements green,
changed ones amber (the tooltip says what changed), removed nodes dashed red, taken from
`before` and stacked in a "Removed" strip at the right of the lane of the same name (a removed
lane gets a dashed band of its own below), and removed flows dashed red when both their ends are
still on the diagram. A legend under the title gives the colours and counts.

Every text is escaped (and characters XML forbids dropped), so names from an imported file cannot
break the document. Each element carries `data-id` with its model id and a `<title>` tooltip.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from process_models.diff import FieldChange, ModelDiff, normalise_name
from process_models.enums import LaneKind, NodeKind
from process_models.layout import layout, node_size
from process_models.model import Bounds, Flow, Node, ProcessModel
from process_models.text_metrics import wrap_to_width
from process_models.validation import describe_node, event_definitions

MARGIN = 20.0
TITLE_HEIGHT = 36.0
LEGEND_HEIGHT = 30.0
LANE_HEADER_WIDTH = 30.0
LINE_HEIGHT = 14.0
# Labels are wrapped to these widths (px) with the font's metrics (DejaVu Sans, the first font
# the diagram names, and the one cairo draws the documents' PNGs with; any other is narrower).
FONT_SIZE = 12.0
# An event's or gateway's name goes under the shape, as wide as a column, so names of
# neighbouring columns do not run into each other; a boundary event's gets a narrow one.
LABEL_WIDTH = 104.0
BOUNDARY_LABEL_WIDTH = 60.0
ACTIVITY_PADDING = 8.0  # each side, inside the rounded rectangle
GUTTER_GAP = 50.0  # between the diagram and the strip of removed nodes
REMOVED_SLOT = (140.0, 100.0)  # width and height each removed node gets in that strip
GHOST_LANE_HEIGHT = 120.0

INK = "#222"
COLOURS = {  # state -> (stroke, fill)
    "added": ("#2e7d32", "#e8f5e9"),
    "changed": ("#e65100", "#fff3e0"),
    "removed": ("#c62828", "#ffebee"),
}
LANE_FILL = {LaneKind.role: "#fcfcfc", LaneKind.system: "#f1f6fd"}

# Characters old enough to be in common fonts (DejaVu, Arial); the user task's bust is drawn
# instead, as the emoji for it is missing from most non-emoji fonts.
TASK_GLYPHS = {
    NodeKind.service_task: "\u2699",  # gear
    NodeKind.manual_task: "\u261e",  # pointing hand
    NodeKind.script_task: "\u270e",  # pencil
    NodeKind.send_task: "\u2709",  # envelope
    NodeKind.receive_task: "\u2709",
    NodeKind.business_rule_task: "\u25a4",  # table
}
EVENT_GLYPHS = (  # substring of the event definition -> glyph
    ("message", "\u2709"),
    ("timer", "\u25f7"),
    ("error", "\u26a1"),
    ("signal", "\u25b3"),
    ("escalation", "\u21d1"),
    ("conditional", "\u2261"),
    ("link", "\u2192"),
    ("compensate", "\u00ab"),
)

STYLE = f"""
text {{ fill: {INK}; }}
.lane-name, .pool-name {{ font-weight: bold; }}
.title {{ font-size: 16px; font-weight: bold; }}
.glyph {{ font-size: 13px; font-family: 'DejaVu Sans', 'Segoe UI Symbol', sans-serif; }}
.flow {{ fill: none; stroke: {INK}; stroke-width: 1.5; }}
.message {{ fill: none; stroke: {INK}; stroke-width: 1.5; stroke-dasharray: 8 5; }}
.flow-label {{ font-size: 11px; }}
.flow-label.halo {{ fill: #fff; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }}
.shape {{ fill: #fff; stroke: {INK}; stroke-width: 2; }}
.removed .shape, .removed.flow {{ stroke-dasharray: 6 4; }}
""" + "".join(
    f".{state} .shape {{ fill: {fill}; stroke: {stroke}; }}\n.{state}.flow {{ stroke: {stroke}; "
    f"stroke-width: 2.5; }}\n"
    for state, (stroke, fill) in COLOURS.items()
)

# XML 1.0 forbids most control characters even escaped: drop them so any name renders.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Text content, escaped."""
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    """An attribute value (to go between double quotes), escaped."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


def _n(value: float) -> str:
    """A coordinate, short: 12 rather than 12.0."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def _wrap(text: str, width: float, max_lines: int) -> list[str]:
    """`text` in lines no wider than `width` px at the diagram's font size, measured with the
    font's metrics; at most `max_lines`, the last ending in "…" when the name is longer."""
    text = _NOT_XML.sub("", text)
    return wrap_to_width(text, width, FONT_SIZE, max_lines=max_lines) if text.strip() else []


def _centred_lines(lines: list[str], x: float, first_baseline: float) -> str:
    if not lines:
        return ""
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(first_baseline + i * LINE_HEIGHT)}">{_text(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="middle">{spans}</text>'


# --- shapes ------------------------------------------------------------------------------------


def _node_shape(node: Node, bounds: Bounds) -> str:
    """The shape and label of one node (its group's content)."""
    if node.kind.is_event:
        return _event_shape(node, bounds)
    if node.kind.is_gateway:
        return _gateway_shape(node, bounds)
    return _activity_shape(node, bounds)


def _activity_shape(node: Node, b: Bounds) -> str:
    stroke_width = ' style="stroke-width: 4"' if node.kind is NodeKind.call_activity else ""
    parts = [
        f'<rect class="shape" x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.width)}" height="{_n(b.height)}" '
        f'rx="10"{stroke_width}/>'
    ]
    glyph = TASK_GLYPHS.get(node.kind)
    if glyph:
        parts.append(f'<text class="glyph" x="{_n(b.x + 6)}" y="{_n(b.y + 16)}">{glyph}</text>')
    elif node.kind is NodeKind.user_task:  # a head and shoulders
        parts.append(
            f'<circle cx="{_n(b.x + 13)}" cy="{_n(b.y + 9)}" r="3.5" fill="none" stroke="{INK}"/>'
            f'<path d="M{_n(b.x + 6)},{_n(b.y + 20)} q0,-7 7,-7 q7,0 7,7 z" fill="none" stroke="{INK}"/>'
        )
    if node.kind is NodeKind.sub_process:  # collapsed: the [+] marker at the bottom
        cx, bottom = b.x + b.width / 2, b.y + b.height
        parts.append(
            f'<path class="shape" style="stroke-width: 1" d="M{_n(cx - 7)},{_n(bottom - 16)} h14 v14 h-14 z '
            f'M{_n(cx - 4)},{_n(bottom - 9)} h8 M{_n(cx)},{_n(bottom - 13)} v8"/>'
        )
    lines = _wrap(
        node.name,
        width=max(FONT_SIZE, b.width - 2 * ACTIVITY_PADDING),
        max_lines=max(1, int((b.height - 10) / LINE_HEIGHT)),
    )
    first = b.y + b.height / 2 - (len(lines) - 1) * LINE_HEIGHT / 2 + 4
    parts.append(_centred_lines(lines, b.x + b.width / 2, first))
    return "".join(parts)


def _event_glyph(node: Node) -> str:
    described = " ".join(event_definitions(node)).lower()
    return next((glyph for key, glyph in EVENT_GLYPHS if key in described), "")


def _event_shape(node: Node, b: Bounds) -> str:
    cx, cy, r = b.x + b.width / 2, b.y + b.height / 2, min(b.width, b.height) / 2
    if node.kind is NodeKind.end_event:
        parts = [f'<circle class="shape" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" style="stroke-width: 4"/>']
    elif node.kind is NodeKind.start_event:
        parts = [f'<circle class="shape" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" style="stroke-width: 1.5"/>']
    else:  # intermediate and boundary events: a double ring
        parts = [
            f'<circle class="shape" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" style="stroke-width: 1.5"/>',
            f'<circle class="shape" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r - 3)}" style="stroke-width: 1.5"/>',
        ]
    if any("terminate" in d.lower() for d in event_definitions(node)):
        parts.append(f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r - 6)}" fill="{INK}"/>')
    glyph = _event_glyph(node)
    if glyph:
        parts.append(f'<text class="glyph" text-anchor="middle" x="{_n(cx)}" y="{_n(cy + 5)}">{glyph}</text>')
    # Boundary events sit side by side on their host's edge: their names get a narrow column.
    width = BOUNDARY_LABEL_WIDTH if node.kind is NodeKind.boundary_event else LABEL_WIDTH
    parts.append(_centred_lines(_wrap(node.name, width, 3), cx, b.y + b.height + LINE_HEIGHT))
    return "".join(parts)


def _marker_style(stroke_width: float) -> str:
    return f'style="stroke: {INK}; stroke-width: {_n(stroke_width)}; fill: none"'


def _gateway_shape(node: Node, b: Bounds) -> str:
    cx, cy = b.x + b.width / 2, b.y + b.height / 2
    half_w, half_h = b.width / 2, b.height / 2
    diamond = _points([(cx, b.y), (b.x + b.width, cy), (cx, b.y + b.height), (b.x, cy)])
    parts = [f'<polygon class="shape" points="{diamond}"/>']
    arm = min(half_w, half_h) * 0.4
    marker_style = _marker_style(4)
    if node.kind is NodeKind.exclusive_gateway:
        parts.append(
            f'<path {marker_style} d="M{_n(cx - arm)},{_n(cy - arm)} L{_n(cx + arm)},{_n(cy + arm)} '
            f'M{_n(cx + arm)},{_n(cy - arm)} L{_n(cx - arm)},{_n(cy + arm)}"/>'
        )
    elif node.kind is NodeKind.parallel_gateway:
        parts.append(
            f'<path {marker_style} d="M{_n(cx)},{_n(cy - arm * 1.3)} V{_n(cy + arm * 1.3)} '
            f'M{_n(cx - arm * 1.3)},{_n(cy)} H{_n(cx + arm * 1.3)}"/>'
        )
    elif node.kind is NodeKind.inclusive_gateway:
        parts.append(f'<circle {_marker_style(2.5)} cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(arm * 1.3)}"/>')
    elif node.kind is NodeKind.event_based_gateway:
        parts.append(
            f'<circle style="stroke: {INK}; fill: none" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(arm * 1.4)}"/>'
        )
        parts.append(
            f'<circle style="stroke: {INK}; fill: none" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(arm * 1.1)}"/>'
        )
    else:  # complex: an asterisk
        parts.append(
            f'<path {_marker_style(3)} d="M{_n(cx)},{_n(cy - arm * 1.3)} V{_n(cy + arm * 1.3)} '
            f"M{_n(cx - arm * 1.3)},{_n(cy)} H{_n(cx + arm * 1.3)} "
            f"M{_n(cx - arm)},{_n(cy - arm)} L{_n(cx + arm)},{_n(cy + arm)} M{_n(cx + arm)},{_n(cy - arm)} "
            f'L{_n(cx - arm)},{_n(cy + arm)}"/>'
        )
    parts.append(_centred_lines(_wrap(node.name, LABEL_WIDTH, 3), cx, b.y + b.height + LINE_HEIGHT))
    return "".join(parts)


def _flow_points(flow: Flow, bounds: dict[str, Bounds]) -> tuple[tuple[float, float], ...]:
    if len(flow.waypoints) >= 2:
        return flow.waypoints
    source, target = bounds.get(flow.source), bounds.get(flow.target)
    if source is None or target is None:
        return ()
    return _straight(source, target)


def _straight(source: Bounds, target: Bounds) -> tuple[tuple[float, float], ...]:
    """Source's right edge to target's left edge, with one vertical leg when they are not level."""
    start = (source.x + source.width, source.y + source.height / 2)
    end = (target.x, target.y + target.height / 2)
    if abs(start[1] - end[1]) < 0.5:
        return (start, end)
    middle = (start[0] + end[0]) / 2
    return (start, (middle, start[1]), (middle, end[1]), end)


def _label_anchor(points: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    """Where a flow's label goes: above the left end of its longest horizontal leg (each branch
    out of a gateway has its own), or beside its first point when it has none."""
    legs = [
        (abs(b[0] - a[0]), min(a[0], b[0]), a[1])
        for a, b in itertools.pairwise(points)
        if abs(a[1] - b[1]) < 0.5
    ]
    if legs:
        _, x, y = max(legs)
        return (x + 6, y - 5)
    return (points[0][0] + 6, points[0][1] + 14)


def _flow_label(flow: Flow) -> str:
    if flow.name.strip():
        return flow.name.strip()
    return f"[{flow.condition.strip()}]" if flow.condition.strip() else ""


def _flow_svg(flow: Flow, points: tuple[tuple[float, float], ...], state: str, tooltip: str) -> str:
    marker = f"arrow-{state}" if state else "arrow"
    parts = [
        f'<g data-id="{_attr(flow.id)}"><title>{_text(tooltip)}</title>',
        f'<polyline class="{"flow " + state if state else "flow"}" points="{_points(points)}" '
        f'marker-end="url(#{marker})"/>',
    ]
    label = _flow_label(flow)
    if label:
        x, y = _label_anchor(points)
        text = _text(textwrap.shorten(label, 40, placeholder=chr(0x2026)))
        # A white copy under the label keeps it readable where it crosses a line. Drawn as a second
        # text rather than with `paint-order`, which renderers other than browsers (cairo) ignore.
        parts.append(
            f'<text class="flow-label halo" x="{_n(x)}" y="{_n(y)}" aria-hidden="true">{text}</text>'
        )
        parts.append(f'<text class="flow-label" x="{_n(x)}" y="{_n(y)}">{text}</text>')
    parts.append("</g>")
    return "".join(parts)


# --- the document ------------------------------------------------------------------------------


@dataclass
class _Canvas:
    """The extent of everything drawn, in model coordinates."""

    left: float = float("inf")
    top: float = float("inf")
    right: float = float("-inf")
    bottom: float = float("-inf")

    def include(self, x: float, y: float, width: float = 0.0, height: float = 0.0) -> None:
        self.left, self.top = min(self.left, x), min(self.top, y)
        self.right, self.bottom = max(self.right, x + width), max(self.bottom, y + height)

    def include_bounds(self, bounds: Bounds | None) -> None:
        if bounds is not None:
            self.include(bounds.x, bounds.y, bounds.width, bounds.height)

    @property
    def empty(self) -> bool:
        return self.left == float("inf")


def _needs_layout(model: ProcessModel) -> bool:
    return any(n.bounds is None for n in model.nodes()) or any(
        lane.bounds is None for lane in model.lanes.values()
    )


def _markers() -> str:
    def arrow(marker_id: str, colour: str) -> str:
        return (
            f'<marker id="{marker_id}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" '
            'markerWidth="11" markerHeight="11" orient="auto">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        )

    return (
        "<defs>"
        + arrow("arrow", INK)
        + "".join(arrow(f"arrow-{state}", stroke) for state, (stroke, _) in COLOURS.items())
        + '<marker id="message-start" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="8" '
        f'markerHeight="8"><circle cx="5" cy="5" r="4" fill="#fff" stroke="{INK}"/></marker>'
        + '<marker id="message-end" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
        f'orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#fff" stroke="{INK}"/></marker>' + "</defs>"
    )


def _lane_svg(name: str, kind: LaneKind, b: Bounds, lane_id: str, css_class: str = "lane") -> str:
    label = (
        textwrap.shorten(" ".join(name.split()), max(4, int(b.height / 7.5)), placeholder="\u2026")
        if name.strip()
        else ""
    )
    cx, cy = b.x + LANE_HEADER_WIDTH / 2, b.y + b.height / 2
    dashed = ' stroke-dasharray="6 4"' if css_class == "ghost-lane" else ""
    stroke = COLOURS["removed"][0] if css_class == "ghost-lane" else "#888"
    return (
        f'<g class="{css_class}" '
        f'data-id="{_attr(lane_id)}"><title>{_text(f"{kind.value} lane {name!r} ({lane_id})")}</title>'
        f'<rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.width)}" height="{_n(b.height)}" '
        f'fill="{LANE_FILL[kind]}" stroke="{stroke}"{dashed}/>'
        f'<line x1="{_n(b.x + LANE_HEADER_WIDTH)}" y1="{_n(b.y)}" x2="{_n(b.x + LANE_HEADER_WIDTH)}" '
        f'y2="{_n(b.y + b.height)}" stroke="{stroke}"{dashed}/>'
        f'<text class="lane-name" text-anchor="middle" transform="translate({_n(cx + 4)},{_n(cy)}) '
        f'rotate(-90)">{_text(label)}</text></g>'
    )


def _change_tooltip(prefix: str, changes: Iterable[FieldChange]) -> str:
    return prefix + "; ".join(f"{c.field} {c.old!r} \u2192 {c.new!r}" for c in changes)


@dataclass
class _RemovedPlacement:
    node: Node
    bounds: Bounds


def _place_removed(
    diff: ModelDiff, model: ProcessModel, canvas: _Canvas
) -> tuple[list[_RemovedPlacement], list[tuple[str, Bounds]]]:
    """Removed nodes in a strip right of the diagram, each level with the lane of its old lane's
    name; nodes whose lane is gone get dashed "ghost" lanes below. Returns the placements and the
    ghost lanes (name, bounds)."""
    lane_band: dict[str, Bounds] = {}
    for lane in model.lanes.values():
        if lane.bounds is not None:
            lane_band.setdefault(normalise_name(lane.name), lane.bounds)
    whole = Bounds(canvas.left, canvas.top, canvas.right - canvas.left, canvas.bottom - canvas.top)
    gutter_x = canvas.right + GUTTER_GAP
    by_band: dict[str, list[Node]] = defaultdict(list)
    ghost_names: dict[str, str] = {}
    for node in diff.removed_nodes:
        lane_name = diff.removed_node_lane_name(node) or ""
        key = normalise_name(lane_name)
        by_band[key].append(node)
        if key not in lane_band and not (key == "" and not model.lanes):
            ghost_names.setdefault(key, lane_name or "(no lane)")
    ghosts: list[tuple[str, Bounds]] = []
    ghost_top = canvas.bottom + MARGIN
    for key, name in ghost_names.items():
        rows = len(by_band[key])
        height = max(GHOST_LANE_HEIGHT, rows * REMOVED_SLOT[1] + 20)
        band = Bounds(canvas.left, ghost_top, gutter_x + REMOVED_SLOT[0] - canvas.left, height)
        lane_band[key] = band
        ghosts.append((name, band))
        ghost_top += height
    placements: list[_RemovedPlacement] = []
    slot_width, slot_height = REMOVED_SLOT
    for key, nodes in by_band.items():
        band = lane_band.get(key, whole)
        per_column = max(1, int((band.height - 20) // slot_height))
        for index, node in enumerate(nodes):
            column, row = divmod(index, per_column)
            width, height = node_size(node.kind)
            centre_x = gutter_x + column * slot_width + slot_width / 2
            centre_y = band.y + 10 + row * slot_height + slot_height / 2
            placements.append(
                _RemovedPlacement(node, Bounds(centre_x - width / 2, centre_y - height / 2, width, height))
            )
    return placements, ghosts


def _removed_tooltip(
    node: Node, diff: ModelDiff, after_names: dict[str, str], removed_names: dict[str, str]
) -> str:
    def name_of(before_id: str) -> str:
        after_id = diff.node_pairs.get(before_id)
        return (
            after_names.get(after_id, before_id)
            if after_id is not None
            else removed_names.get(before_id, before_id)
        )

    came_from = [name_of(f.source) for f in diff.removed_flows if f.target == node.id]
    went_to = [name_of(f.target) for f in diff.removed_flows if f.source == node.id]
    text = f"Removed: {describe_node(node)}"
    lane = diff.removed_node_lane_name(node)
    if lane:
        text += f", was in lane {lane!r}"
    if came_from:
        text += ", after " + ", ".join(repr(n) for n in came_from)
    if went_to:
        text += ", before " + ", ".join(repr(n) for n in went_to)
    return text


def _legend(diff: ModelDiff, y: float) -> str:
    def count(nodes: int, flows: int) -> str:
        return f"{nodes} node{'s' * (nodes != 1)}, {flows} flow{'s' * (flows != 1)}"

    entries = [
        ("added", "Added", count(len(diff.added_nodes), len(diff.added_flows))),
        ("changed", "Changed", count(len(diff.changed_nodes), len(diff.changed_flows))),
        ("removed", "Removed", count(len(diff.removed_nodes), len(diff.removed_flows))),
    ]
    parts = [
        f'<g class="legend" transform="translate({_n(MARGIN)},{_n(y)})"><text x="0" y="15">Legend:</text>'
    ]
    x = 60.0
    for state, label, counted in entries:
        stroke, fill = COLOURS[state]
        dashed = ' stroke-dasharray="6 4"' if state == "removed" else ""
        parts.append(
            f'<rect x="{_n(x)}" y="2" width="26" height="18" rx="4" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="2"{dashed}/>'
            f'<text x="{_n(x + 32)}" y="15">{_text(f"{label} ({counted})")}</text>'
        )
        x += 32 + 6.5 * len(f"{label} ({counted})") + 24
    parts.append("</g>")
    return "".join(parts)


def render_svg(model: ProcessModel, diff: ModelDiff | None = None) -> str:
    """The model as an SVG document; with `diff` (from `diff(before, model)`), the changes drawn on it."""
    if _needs_layout(model):
        model = layout(model)
    bounds = _drawn_bounds(model)
    canvas = _extent(model, bounds)
    removed: list[_RemovedPlacement] = []
    ghosts: list[tuple[str, Bounds]] = []
    if diff is not None and diff.removed_nodes:
        removed, ghosts = _place_removed(diff, model, canvas)
        for placement in removed:
            canvas.include(
                placement.bounds.x,
                placement.bounds.y,
                placement.bounds.width,
                placement.bounds.height + 3 * LINE_HEIGHT,
            )
        for _, ghost in ghosts:
            canvas.include_bounds(ghost)

    header = TITLE_HEIGHT + (LEGEND_HEIGHT if diff is not None else 0.0)
    width = canvas.right - canvas.left + 2 * MARGIN
    height = canvas.bottom - canvas.top + 2 * MARGIN + header
    variant = model.variant.value.upper()
    # Names often carry their variant already ("Returns (TO-BE)"); say it once.
    title = (
        model.name
        if variant in model.name.upper()
        else f"{model.name} ({variant})"
        if model.name
        else variant
    )
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" viewBox="0 0 '
        f'{_n(width)} {_n(height)}" '
        'font-family="\'DejaVu Sans\', Helvetica, Arial, sans-serif" font-size="12" role="img">',
        f"<title>{_text(title)}</title>",
        _markers(),
        f"<style>{STYLE}</style>",
        f'<rect width="{_n(width)}" height="{_n(height)}" fill="#fff"/>',
        f'<text class="title" x="{_n(MARGIN)}" y="{_n(TITLE_HEIGHT - 12)}">{_text(title)}</text>',
    ]
    if diff is not None:
        out.append(_legend(diff, TITLE_HEIGHT - 4))
    # Model coordinates may start anywhere (modelers use offsets, even negative ones).
    out.append(f'<g transform="translate({_n(MARGIN - canvas.left)},{_n(MARGIN + header - canvas.top)})">')
    out.extend(_backdrop_svg(model, ghosts, removed))
    out.extend(_flows_svg(model, bounds, diff))
    out.extend(_nodes_svg(model, bounds, diff, removed))
    out.append("</g></svg>")
    return "\n".join(out)


def _drawn_bounds(model: ProcessModel) -> dict[str, Bounds]:
    """Bounds of every node and pool that has them, by id (what flows and messages join)."""
    bounds = {node.id: node.bounds for node in model.nodes() if node.bounds is not None}
    for pool in ([model.pool] if model.pool is not None else []) + model.partners:
        if pool.bounds is not None:
            bounds[pool.id] = pool.bounds
    return bounds


def _extent(model: ProcessModel, bounds: dict[str, Bounds]) -> _Canvas:
    canvas = _Canvas()
    for lane in model.lanes.values():
        canvas.include_bounds(lane.bounds)
    for box in bounds.values():
        canvas.include(box.x, box.y, box.width, box.height + 3 * LINE_HEIGHT)  # names go below events
    for flow in model.flows():
        for x, y in flow.waypoints:
            canvas.include(x, y)
    if canvas.empty:
        canvas.include(0, 0, 200, 100)
    return canvas


def _backdrop_svg(
    model: ProcessModel, ghosts: list[tuple[str, Bounds]], removed: list[_RemovedPlacement]
) -> list[str]:
    """Pools, lanes, the bands of removed lanes and the heading of the removed nodes' strip."""
    out: list[str] = []
    if model.pool is not None and model.pool.bounds is not None:
        out.append(_pool_svg(model.pool.id, model.pool.name, model.pool.bounds, with_header=True))
    for partner in model.partners:
        if partner.bounds is not None:
            out.append(_pool_svg(partner.id, partner.name, partner.bounds, with_header=False))
    for lane in model.lanes.values():
        if lane.bounds is not None:
            out.append(_lane_svg(lane.name, lane.kind, lane.bounds, lane.id))
    for name, ghost in ghosts:
        out.append(
            _lane_svg(
                f"{name} (removed lane)", LaneKind.role, ghost, f"removed-lane:{name}", css_class="ghost-lane"
            )
        )
    if removed:
        top = min(p.bounds.y for p in removed)
        left = min(p.bounds.x for p in removed)
        out.append(
            f'<text class="lane-name" x="{_n(left)}" y="{_n(top - 12)}" '
            f'fill="{COLOURS["removed"][0]}">Removed</text>'
        )
    return out


def _flows_svg(model: ProcessModel, bounds: dict[str, Bounds], diff: ModelDiff | None) -> list[str]:
    """Sequence flows (coloured by the diff), removed flows between nodes still drawn, messages."""
    added = {f.id for f in diff.added_flows} if diff else set()
    changed = {c.id: c for c in diff.changed_flows} if diff else {}
    names = {node.id: node.name or node.id for node in model.nodes() if node.id in bounds}
    out = ['<g class="flows">']
    for flow in model.flows():
        points = _flow_points(flow, bounds)
        if not points:
            continue
        if flow.id in added:
            out.append(_flow_svg(flow, points, "added", f"Added: flow {flow.id}"))
        elif flow.id in changed:
            tooltip = _change_tooltip(f"Changed: flow {flow.id}: ", changed[flow.id].changes)
            out.append(_flow_svg(flow, points, "changed", tooltip))
        else:
            out.append(_flow_svg(flow, points, "", f"flow {flow.id}"))
    removed_flows = diff.removed_flows if diff is not None else []
    pairs = diff.node_pairs if diff is not None else {}
    for flow in removed_flows:
        source, target = pairs.get(flow.source, ""), pairs.get(flow.target, "")
        if source in names and target in names:  # both ends still drawn: show the lost link
            tooltip = f"Removed: flow {flow.id} from {names[source]!r} to {names[target]!r}"
            out.append(_flow_svg(flow, _straight(bounds[source], bounds[target]), "removed", tooltip))
    for message in model.message_flows:
        if len(message.waypoints) >= 2:
            title = _text(f"message flow {message.name!r} ({message.id})")
            out.append(
                f'<g data-id="{_attr(message.id)}"><title>{title}</title>'
                f'<polyline class="message" points="{_points(message.waypoints)}" '
                'marker-start="url(#message-start)" marker-end="url(#message-end)"/></g>'
            )
    out.append("</g>")
    return out


def _nodes_svg(
    model: ProcessModel, bounds: dict[str, Bounds], diff: ModelDiff | None, removed: list[_RemovedPlacement]
) -> list[str]:
    """Nodes (coloured by the diff), then the removed ones in their strip."""
    added = {n.id for n in diff.added_nodes} if diff else set()
    changed = {c.id: c for c in diff.changed_nodes} if diff else {}
    out = ['<g class="nodes">']
    for node in model.nodes():
        if node.id not in bounds:
            continue
        if node.id in added:
            out.append(_node_svg(node, bounds[node.id], "added", f"Added: {describe_node(node)}"))
        elif node.id in changed:
            tooltip = _change_tooltip(f"Changed: {describe_node(node)}: ", changed[node.id].changes)
            out.append(_node_svg(node, bounds[node.id], "changed", tooltip))
        else:
            out.append(_node_svg(node, bounds[node.id], "", describe_node(node)))
    if diff is not None:
        after_names = {node.id: node.name or node.id for node in model.nodes()}
        removed_names = {node.id: node.name or node.id for node in diff.removed_nodes}
        for placement in removed:
            tooltip = _removed_tooltip(placement.node, diff, after_names, removed_names)
            out.append(_node_svg(placement.node, placement.bounds, "removed", tooltip))
    out.append("</g>")
    return out


def _node_svg(node: Node, bounds: Bounds, state: str, tooltip: str) -> str:
    kind_class = "event" if node.kind.is_event else "gateway" if node.kind.is_gateway else "activity"
    classes = " ".join(c for c in ("node", kind_class, state) if c)
    return (
        f'<g class="{classes}" '
        f'data-id="{_attr(node.id)}"><title>{_text(tooltip)}</title>{_node_shape(node, bounds)}</g>'
    )


def _pool_svg(pool_id: str, name: str, b: Bounds, *, with_header: bool) -> str:
    if with_header:  # the process's pool: its name in a strip on the left, as the lanes have
        cx, cy = b.x + LANE_HEADER_WIDTH / 2, b.y + b.height / 2
        label = (
            f'<line x1="{_n(b.x + LANE_HEADER_WIDTH)}" y1="{_n(b.y)}" x2="{_n(b.x + LANE_HEADER_WIDTH)}" '
            f'y2="{_n(b.y + b.height)}" stroke="{INK}"/>'
            f'<text class="pool-name" text-anchor="middle" transform="translate({_n(cx + 4)},{_n(cy)}) '
            f'rotate(-90)">{_text(name)}</text>'
        )
    else:  # a partner pool ("black box"): its name in the middle
        label = (
            f'<text class="pool-name" text-anchor="middle" x="{_n(b.x + b.width / 2)}" '
            f'y="{_n(b.y + b.height / 2 + 4)}">{_text(name)}</text>'
        )
    return (
        f'<g class="pool" data-id="{_attr(pool_id)}"><title>{_text(f"pool {name!r} ({pool_id})")}</title>'
        f'<rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.width)}" height="{_n(b.height)}" fill="#fff" '
        f'stroke="{INK}"/>{label}</g>'
    )
