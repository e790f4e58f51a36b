"""An automatic layered layout for models that come without coordinates.

`layout(model)` returns a copy of the model in which every node has `Bounds`, every lane has
`Bounds` and every flow has waypoints, drawn left to right as bpmn.io does:

* Columns: a layered layout. A depth-first search from the start events marks the flows that
  close a loop (back edges); without them the graph is acyclic and each node's column is the
  length of the longest path reaching it, so every forward flow goes at least one column right.
  A boundary event with a known host (`extra["attachedToRef"]`) sits on the host's bottom edge,
  and what follows it is laid out as following the host.
* Lanes: horizontal swimlanes stacked top to bottom in the model's lane order, all as wide as the
  diagram. Nodes without a (known) lane go in an unnamed band below the lanes. A column's width
  is its widest node plus a gap, so columns of events and gateways stay narrow.
* Rows: within a lane, the nodes of one column get distinct rows. Each node asks for the median
  row of its predecessors in the same lane (so a straight sequence stays on one line) and takes
  the first free row at or below it.
* Pools: when the model shows its process in a pool, the pool wraps the lanes (with its own
  name strip); partner pools are bands below it and message flows run vertically between them.
* Flows: a forward flow leaves the source's right edge and enters the target's left edge, in
  horizontal and vertical legs. Vertical legs run in the gaps between columns; the horizontal
  one runs along the target's row when the source splits (so each branch's label sits on its own
  line), along the source's row otherwise, and along the free line between two rows when a node
  is in the way. A flow closing a loop leaves the source's bottom and enters the target's bottom,
  along the free lines under their rows; one out of a boundary event leaves its bottom.

Sizes are bpmn.io's: activities 100x80, events 36x36, gateways 50x50. Existing coordinates are
replaced: mixing kept and computed positions would overlap. Runs in linear time plus a sort
(500 nodes in a few ms).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, replace

from process_models.enums import NodeKind
from process_models.model import Bounds, Flow, Node, ProcessModel

ACTIVITY_SIZE = (100.0, 80.0)
EVENT_SIZE = (36.0, 36.0)
GATEWAY_SIZE = (50.0, 50.0)

ORIGIN_X = 20.0
ORIGIN_Y = 20.0
LANE_HEADER_WIDTH = 30.0  # the strip holding the lane's rotated name
CONTENT_MARGIN = 30.0  # between the lane header and the first column, and after the last one
COLUMN_GAP = 70.0  # room for a flow label between two columns
ROW_HEIGHT = 120.0  # an activity (80) and room for an event's name below it
LANE_PADDING = 10.0
BEND_OFFSET = 15.0  # how far from a node an orthogonal flow turns
POOL_HEADER_WIDTH = 30.0  # a pool's name strip, left of its lanes' own
PARTNER_HEIGHT = 60.0  # a collapsed partner pool ("black box")
PARTNER_GAP = 40.0
BOUNDARY_EVENT_SPACING = 60.0  # centre to centre, for boundary events sharing a host


def node_size(kind: NodeKind) -> tuple[float, float]:
    """Width and height of a node of this kind (bpmn.io's defaults)."""
    if kind.is_event:
        return EVENT_SIZE
    if kind.is_gateway:
        return GATEWAY_SIZE
    return ACTIVITY_SIZE


@dataclass(frozen=True)
class _Edge:
    source: str
    target: str


def _nodes(model: ProcessModel) -> dict[str, Node]:
    """The model's nodes by id, in model order (graph entries without a Node are skipped)."""
    found: dict[str, Node] = {}
    for node_id, data in model.graph.nodes(data=True):
        node = data.get("node")
        if isinstance(node, Node):
            found[node_id] = node
    return found


def _hosts(nodes: dict[str, Node]) -> dict[str, str]:
    """Boundary event id -> the id of the activity it is attached to (when that is a node here)."""
    hosts: dict[str, str] = {}
    for node in nodes.values():
        host = node.extra.get("attachedToRef")
        if (
            node.kind is NodeKind.boundary_event
            and isinstance(host, str)
            and host in nodes
            and host != node.id
        ):
            hosts[node.id] = host
    return hosts


def _layout_edge(flow: Flow, hosts: dict[str, str]) -> _Edge:
    # What follows a boundary event is laid out as following its host (the event is on the
    # host's border, not in a column of its own).
    return _Edge(hosts.get(flow.source, flow.source), flow.target)


def _layout_edges(model: ProcessModel, nodes: dict[str, Node], hosts: dict[str, str]) -> list[_Edge]:
    return [_layout_edge(f, hosts) for f in model.flows() if f.source in nodes and f.target in nodes]


def _back_edges(
    nodes: dict[str, Node], successors: dict[str, list[str]], has_incoming: set[str]
) -> set[_Edge]:
    """Edges that close a cycle, found by an iterative depth-first search (no recursion limit)."""
    # Start where a reader starts: start events, then other nodes nobody flows into, then the
    # rest (loops reachable from nowhere), all in model order.
    roots = (
        [n for n in nodes if nodes[n].kind is NodeKind.start_event]
        + [n for n in nodes if n not in has_incoming and nodes[n].kind is not NodeKind.start_event]
        + list(nodes)
    )
    finished: set[str] = set()
    on_stack: set[str] = set()
    back: set[_Edge] = set()
    for root in roots:
        if root in finished or root in on_stack:
            continue
        on_stack.add(root)
        stack: list[tuple[str, int]] = [(root, 0)]
        while stack:
            current, next_index = stack[-1]
            children = successors.get(current, [])
            if next_index < len(children):
                stack[-1] = (current, next_index + 1)
                child = children[next_index]
                if child in on_stack:
                    back.add(_Edge(current, child))
                elif child not in finished:
                    on_stack.add(child)
                    stack.append((child, 0))
            else:
                stack.pop()
                on_stack.discard(current)
                finished.add(current)
    return back


def _columns(nodes: dict[str, Node], edges: list[_Edge]) -> tuple[dict[str, int], set[_Edge]]:
    """Each node's column (longest path over forward edges) and the back edges left out."""
    successors: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        successors[edge.source].append(edge.target)
    back = _back_edges(nodes, successors, {e.target for e in edges})
    forward = [e for e in edges if e not in back]
    indegree = dict.fromkeys(nodes, 0)
    forward_successors: dict[str, list[str]] = defaultdict(list)
    for edge in forward:
        indegree[edge.target] += 1
        forward_successors[edge.source].append(edge.target)
    column = dict.fromkeys(nodes, 0)
    ready = deque(n for n in nodes if indegree[n] == 0)
    while ready:  # Kahn's topological order; the forward graph is acyclic by construction
        current = ready.popleft()
        for child in forward_successors.get(current, []):
            column[child] = max(column[child], column[current] + 1)
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    return column, back


def _rows(
    nodes: dict[str, Node],
    band_of: dict[str, int],
    column: dict[str, int],
    forward: list[_Edge],
    hosts: dict[str, str],
) -> dict[str, int]:
    """Each node's row within its band: distinct per (band, column), near its predecessors'.
    A boundary event takes its host's row (it is drawn on the host's border, in no cell)."""
    predecessors: dict[str, list[str]] = defaultdict(list)
    for edge in forward:
        if band_of[edge.source] == band_of[edge.target] and edge.target not in hosts:
            predecessors[edge.target].append(edge.source)
    order = {node_id: index for index, node_id in enumerate(nodes)}
    row: dict[str, int] = {}
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    for node_id in nodes:
        if node_id not in hosts:
            by_cell[(column[node_id], band_of[node_id])].append(node_id)
    # Columns left to right, so predecessors (always in earlier columns) are placed first.
    for cell in sorted(by_cell):
        wanted: dict[str, int] = {}
        for node_id in by_cell[cell]:
            placed = sorted(row[p] for p in predecessors[node_id] if p in row)
            wanted[node_id] = placed[(len(placed) - 1) // 2] if placed else 0
        next_free = 0
        for node_id in sorted(by_cell[cell], key=lambda n: (wanted[n], order[n])):
            row[node_id] = max(wanted[node_id], next_free)
            next_free = row[node_id] + 1
    for event, host in hosts.items():
        row[event] = row[host]
    return row


def _copy_with_new_graph(model: ProcessModel) -> ProcessModel:
    """A copy sharing the (frozen) nodes and flows: `ProcessModel.copy()` re-adds every flow,
    checking its id against all others: quadratic, about 0.1 s at 500 nodes."""
    return replace(model, lanes=dict(model.lanes), graph=model.graph.copy())


class _Router:
    """Routes forward flows orthogonally around the nodes: vertical legs run in the gaps between
    columns (never through a node), horizontal legs along a row's centre line only when no other
    node sits on that stretch of it, else along the free line between two rows."""

    def __init__(self, bounds: dict[str, Bounds], column_span: dict[str, tuple[float, float]]) -> None:
        self.bounds = bounds
        self.column_span = column_span  # node id -> (left, right) of its column
        # Nodes of one row share a centre line, and rows are further apart than any node is
        # tall, so a horizontal leg on a centre line can only hit nodes of that line.
        self.on_line: dict[float, list[tuple[float, float, str]]] = defaultdict(list)
        for node_id, box in bounds.items():
            self.on_line[_centre_y(box)].append((box.x, box.x + box.width, node_id))

    def _blocked(self, y: float, x1: float, x2: float, ends: tuple[str, str]) -> bool:
        low, high = min(x1, x2), max(x1, x2)
        return any(
            left < high and low < right and node_id not in ends
            for left, right, node_id in self.on_line.get(y, ())
        )

    def route(self, source_id: str, target_id: str, splits: bool) -> tuple[tuple[float, float], ...]:
        source, target = self.bounds[source_id], self.bounds[target_id]
        ends = (source_id, target_id)
        start = (source.x + source.width, _centre_y(source))
        end = (target.x, _centre_y(target))
        after_source = self.column_span[source_id][1] + BEND_OFFSET
        before_target = self.column_span[target_id][0] - BEND_OFFSET
        if start[1] == end[1] and not self._blocked(start[1], start[0], end[0], ends):
            return (start, end)
        # Along the target's line (bending just after the source's column): each branch out of a
        # split gets its own line for its label. Along the source's line: joins merge late.
        along_target = (start, (after_source, start[1]), (after_source, end[1]), end)
        along_source = (start, (before_target, start[1]), (before_target, end[1]), end)
        options = (along_target, along_source) if splits else (along_source, along_target)
        if start[1] != end[1]:
            for first, bend, turn, last in options:
                if not self._blocked(first[1], first[0], bend[0], ends) and not self._blocked(
                    turn[1], turn[0], last[0], ends
                ):
                    return (first, bend, turn, last)
        # Both lines are taken: run along the free line under the source's row.
        free_y = start[1] + ROW_HEIGHT / 2
        return (
            start,
            (after_source, start[1]),
            (after_source, free_y),
            (before_target, free_y),
            (before_target, end[1]),
            end,
        )

    def loop(self, source_id: str, target_id: str) -> tuple[tuple[float, float], ...]:
        """A flow back to an earlier column: out of the source's bottom, along the free line
        under its row, up or down in the gap before the target's column, along the free line
        under the target's row, into the target's bottom."""
        source, target = self.bounds[source_id], self.bounds[target_id]
        source_x, target_x = source.x + source.width / 2, target.x + target.width / 2
        if source_id == target_id:  # a node flowing into itself: a small loop under it
            source_x, target_x = source_x + 10, source_x - 10
        source_free = _centre_y(source) + ROW_HEIGHT / 2
        target_free = _centre_y(target) + ROW_HEIGHT / 2
        start, end = (source_x, source.y + source.height), (target_x, target.y + target.height)
        if source_free == target_free:
            return (start, (source_x, source_free), (target_x, target_free), end)
        gap_x = self.column_span[target_id][0] - BEND_OFFSET
        return (
            start,
            (source_x, source_free),
            (gap_x, source_free),
            (gap_x, target_free),
            (target_x, target_free),
            end,
        )

    def from_boundary(self, event: Bounds, host_id: str, target_id: str) -> tuple[tuple[float, float], ...]:
        """Out of a boundary event's bottom, along the free line under its host's row, to the
        gap before the target's column, then into the target's left edge."""
        target = self.bounds[target_id]
        start = (event.x + event.width / 2, event.y + event.height)
        free_y = max(_centre_y(self.bounds[host_id]) + ROW_HEIGHT / 2, start[1])
        end = (target.x, _centre_y(target))
        gap_x = self.column_span[target_id][0] - BEND_OFFSET
        return (start, (start[0], free_y), (gap_x, free_y), (gap_x, end[1]), end)


def _centre(bounds: Bounds) -> tuple[float, float]:
    return (bounds.x + bounds.width / 2, bounds.y + bounds.height / 2)


def _centre_y(bounds: Bounds) -> float:
    return round(bounds.y + bounds.height / 2, 3)


def _boundary_bounds(
    nodes: dict[str, Node], hosts: dict[str, str], placed: dict[str, Bounds]
) -> dict[str, Bounds]:
    """Boundary events on their host's bottom edge, spread evenly along it (as modelers draw them)."""
    on_host: dict[str, list[str]] = defaultdict(list)
    for event, host in hosts.items():
        on_host[host].append(event)
    result: dict[str, Bounds] = {}
    for host, events in on_host.items():
        host_bounds = placed.get(host)
        if host_bounds is None:  # a host that is itself a hosted boundary event: not drawable
            host_bounds = Bounds(ORIGIN_X, ORIGIN_Y, *ACTIVITY_SIZE)
        # Evenly along the edge, but far enough apart for their (narrowly wrapped) names.
        spacing = max(host_bounds.width / (len(events) + 1), BOUNDARY_EVENT_SPACING)
        first_x = host_bounds.x + host_bounds.width / 2 - spacing * (len(events) - 1) / 2
        for index, event in enumerate(events):
            width, height = node_size(nodes[event].kind)
            centre_x = first_x + index * spacing
            result[event] = Bounds(
                centre_x - width / 2, host_bounds.y + host_bounds.height - height / 2, width, height
            )
    return result


@dataclass(frozen=True)
class _Grid:
    """Where columns and bands (lanes) start, and how wide and tall they are."""

    column_left: list[float]
    column_width: list[float]
    band_top: list[float]
    band_height: list[float]
    left: float  # the lanes' left edge
    width: float  # the lanes' width

    @property
    def bottom(self) -> float:
        return self.band_top[-1] + self.band_height[-1] if self.band_top else ORIGIN_Y


def _grid(
    nodes: dict[str, Node],
    hosts: dict[str, str],
    column: dict[str, int],
    band_of: dict[str, int],
    row: dict[str, int],
    band_count: int,
    left: float,
) -> _Grid:
    column_width = [0.0] * (max(column.values(), default=-1) + 1)
    for node_id, node in nodes.items():
        if node_id not in hosts:  # boundary events sit on their host, in no column
            column_width[column[node_id]] = max(column_width[column[node_id]], node_size(node.kind)[0])
    column_left: list[float] = []
    x = left + LANE_HEADER_WIDTH + CONTENT_MARGIN
    for width in column_width:
        column_left.append(x)
        x += width + COLUMN_GAP
    lane_width = max(
        x - COLUMN_GAP + CONTENT_MARGIN - left, LANE_HEADER_WIDTH + 2 * CONTENT_MARGIN + ACTIVITY_SIZE[0]
    )

    rows_in_band = [1] * band_count  # an empty lane still shows as one row
    for node_id in nodes:
        rows_in_band[band_of[node_id]] = max(rows_in_band[band_of[node_id]], row[node_id] + 1)
    band_height = [rows * ROW_HEIGHT + 2 * LANE_PADDING for rows in rows_in_band]
    band_top = [ORIGIN_Y + sum(band_height[:band]) for band in range(band_count)]
    return _Grid(column_left, column_width, band_top, band_height, left, lane_width)


def layout(model: ProcessModel) -> ProcessModel:
    """A copy of `model` with bounds for every node, lane and pool and waypoints for every flow."""
    nodes = _nodes(model)
    hosts = _hosts(nodes)
    edges = _layout_edges(model, nodes, hosts)
    column, back = _columns(nodes, edges)
    forward = [e for e in edges if e not in back]

    lane_ids = list(model.lanes)
    band_index = {lane_id: index for index, lane_id in enumerate(lane_ids)}
    # Nodes in no (known) lane get a band of their own below the lanes; a model without lanes
    # has only that band.
    laneless_band = len(lane_ids)
    band_of = {node_id: band_index.get(node.lane or "", laneless_band) for node_id, node in nodes.items()}
    band_of.update({event: band_of[host] for event, host in hosts.items()})  # on the host's border
    band_count = laneless_band + 1 if (not lane_ids or laneless_band in band_of.values()) else laneless_band
    row = _rows(nodes, band_of, column, forward, hosts)
    grid = _grid(
        nodes,
        hosts,
        column,
        band_of,
        row,
        band_count,
        ORIGIN_X + (POOL_HEADER_WIDTH if model.pool is not None else 0.0),
    )

    result = _copy_with_new_graph(model)
    for band, lane_id in enumerate(lane_ids):
        lane_bounds = Bounds(grid.left, grid.band_top[band], grid.width, grid.band_height[band])
        result.lanes[lane_id] = replace(model.lanes[lane_id], bounds=lane_bounds)

    bounds: dict[str, Bounds] = {}
    for node_id, node in nodes.items():
        if node_id in hosts:
            continue
        width, height = node_size(node.kind)
        # Centred in its column and row, so flows between nodes on one row are straight.
        centre_x = grid.column_left[column[node_id]] + grid.column_width[column[node_id]] / 2
        centre_y = grid.band_top[band_of[node_id]] + LANE_PADDING + (row[node_id] + 0.5) * ROW_HEIGHT
        bounds[node_id] = Bounds(centre_x - width / 2, centre_y - height / 2, width, height)
    bounds.update(_boundary_bounds(nodes, hosts, bounds))
    for node_id, node in nodes.items():
        result.graph.nodes[node_id]["node"] = replace(node, bounds=bounds[node_id])

    column_span = {
        node_id: (
            grid.column_left[column[node_id]],
            grid.column_left[column[node_id]] + grid.column_width[column[node_id]],
        )
        for node_id in nodes
        if node_id not in hosts
    }
    router = _Router({n: b for n, b in bounds.items() if n not in hosts}, column_span)
    splits = {source for source, count in _count_outgoing(edges).items() if count > 1}
    _route_flows(result, bounds, hosts, back, router, splits)
    _place_pools(result, bounds, ORIGIN_X, grid.bottom, grid.left + grid.width - ORIGIN_X)
    return result


def _route_flows(
    result: ProcessModel,
    bounds: dict[str, Bounds],
    hosts: dict[str, str],
    back: set[_Edge],
    router: _Router,
    splits: set[str],
) -> None:
    """Give every flow of `result` (whose ends are placed) its waypoints."""
    for _, _, data in result.graph.edges(data=True):
        flow = data.get("flow")
        if not isinstance(flow, Flow) or flow.source not in bounds or flow.target not in bounds:
            continue
        waypoints: tuple[tuple[float, float], ...]
        if flow.target in hosts:
            # Into a boundary event (not valid BPMN, but drawable): centre to centre.
            waypoints = (_centre(bounds[flow.source]), _centre(bounds[flow.target]))
        elif _layout_edge(flow, hosts) in back:
            waypoints = router.loop(hosts.get(flow.source, flow.source), flow.target)
        elif flow.source in hosts:
            waypoints = router.from_boundary(bounds[flow.source], hosts[flow.source], flow.target)
        else:
            waypoints = router.route(flow.source, flow.target, flow.source in splits)
        data["flow"] = replace(flow, waypoints=waypoints)


def _place_pools(
    result: ProcessModel, bounds: dict[str, Bounds], pool_x: float, process_bottom: float, pool_width: float
) -> None:
    """The process's own pool around the lanes, partner pools as bands below it, and message
    flows as vertical lines between them (what BPMN export needs to write a collaboration)."""
    if result.pool is not None:
        pool_bounds = Bounds(pool_x, ORIGIN_Y, pool_width, process_bottom - ORIGIN_Y)
        result.pool = replace(result.pool, bounds=pool_bounds)
        bounds[result.pool.id] = pool_bounds
    y = process_bottom + PARTNER_GAP
    partners = []
    for partner in result.partners:
        partner_bounds = Bounds(pool_x, y, pool_width, PARTNER_HEIGHT)
        partners.append(replace(partner, bounds=partner_bounds))
        bounds[partner.id] = partner_bounds
        y += PARTNER_HEIGHT + PARTNER_GAP
    result.partners = partners
    messages = []
    for message in result.message_flows:
        source, target = bounds.get(message.source), bounds.get(message.target)
        if source is None or target is None:
            messages.append(message)
            continue
        messages.append(replace(message, waypoints=_message_waypoints(source, target)))
    result.message_flows = messages


def _message_waypoints(source: Bounds, target: Bounds) -> tuple[tuple[float, float], ...]:
    # A message runs vertically between pools: at the narrower end's centre, kept inside the
    # wider one (a pool spans the whole diagram, a node does not).
    narrow = source if source.width <= target.width else target
    x = narrow.x + narrow.width / 2
    if source.y + source.height <= target.y:  # source above target
        return ((x, source.y + source.height), (x, target.y))
    return ((x, source.y), (x, target.y + target.height))


def _count_outgoing(edges: list[_Edge]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for edge in edges:
        counts[edge.source] += 1
    return counts
