"""The IT landscape drawn as SVG: systems as boxes, integrations as labelled arrows.

Plain Python (no Flask, no database), so the page, the DOCX export and the tests share it. The
layout is a hub and spoke: the system with the most integrations (in a loyalty landscape, the
loyalty core) sits in the middle and the others on a circle around it, so every arrow to or from
the hub is short and none crosses a box. With fewer than four systems they stand on one circle.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

BOX_WIDTH = 170.0
BOX_HEIGHT = 56.0
MARGIN = 40.0
TITLE_HEIGHT = 40.0
LABEL_FONT = 11
LABEL_WRAP = 34  # characters per line of an integration's name on its arrow
PARALLEL_OFFSET = 34.0  # between two arrows joining the same pair of systems
HUB_CLEARANCE = 130.0  # how far from the hub's centre a bent arrow between two ring systems stays


@dataclass(frozen=True)
class Interface:
    """An integration between two systems, as drawn."""

    source: str
    target: str
    name: str = ""
    transport: str = ""
    frequency: str = ""


@dataclass(frozen=True)
class _Box:
    cx: float
    cy: float

    def edge_point(self, towards_x: float, towards_y: float) -> tuple[float, float]:
        """Where the line from the box's centre towards a point leaves the box."""
        dx, dy = towards_x - self.cx, towards_y - self.cy
        if dx == 0 and dy == 0:
            return self.cx, self.cy
        scale = min(
            (BOX_WIDTH / 2) / abs(dx) if dx else math.inf,
            (BOX_HEIGHT / 2) / abs(dy) if dy else math.inf,
        )
        return self.cx + dx * scale, self.cy + dy * scale


def _positions(systems: Sequence[str], interfaces: Sequence[Interface]) -> tuple[dict[str, _Box], str | None]:
    """Where each system's box is centred, and which system is the hub (None on a plain ring)."""
    degree = Counter[str]()
    for interface in interfaces:
        degree[interface.source] += 1
        degree[interface.target] += 1
    ring = list(systems)
    hub: str | None = None
    if len(ring) >= 4:
        hub = max(ring, key=lambda name: (degree[name], -ring.index(name)))
        ring.remove(hub)
        ring = _neighbours_together(ring, interfaces)
    count = max(len(ring), 1)
    # The ring is wide enough that neighbouring boxes do not touch and that the widest label fits
    # between the hub and a box beside it, and flattened to suit a page.
    widest = max((_label_width(_label_lines(i)) for i in interfaces), default=0.0)
    radius_x = max(340.0, count * (BOX_WIDTH + 30) / (2 * math.pi) * 1.3, widest + BOX_WIDTH + 30)
    radius_y = max(230.0, radius_x * 0.65)
    centre_x = MARGIN + BOX_WIDTH / 2 + radius_x
    centre_y = TITLE_HEIGHT + MARGIN + BOX_HEIGHT / 2 + radius_y
    boxes = {hub: _Box(centre_x, centre_y)} if hub is not None else {}
    for index, name in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * index / count
        boxes[name] = _Box(centre_x + radius_x * math.cos(angle), centre_y + radius_y * math.sin(angle))
    return boxes, hub


def _neighbours_together(ring: list[str], interfaces: Sequence[Interface]) -> list[str]:
    """The ring in an order that seats systems joined to each other side by side, so the arrows
    between them are short arcs on the outside (greedy: each next seat goes to the system most
    joined to the one before it; ties keep the given order)."""
    links = Counter[frozenset[str]](frozenset((i.source, i.target)) for i in interfaces)
    left = list(ring)
    order = [left.pop(0)] if left else []
    while left:
        best = max(left, key=lambda name: (links[frozenset((order[-1], name))], -left.index(name)))
        left.remove(best)
        order.append(best)
    return order


def _wrap(text: str, limit: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines[:3] or [""]


def render_landscape(title: str, systems: Sequence[str], interfaces: Sequence[Interface]) -> str:
    """An SVG document of the landscape. Integrations naming an unknown system get a dashed box
    for it, so nothing the inventory holds is left out of the picture."""
    names = list(dict.fromkeys(systems))
    unknown = [n for i in interfaces for n in (i.source, i.target) if n not in names]
    names += list(dict.fromkeys(unknown))
    boxes, hub = _positions(names, interfaces)
    width = max((b.cx for b in boxes.values()), default=0) + BOX_WIDTH / 2 + MARGIN
    height = max((b.cy for b in boxes.values()), default=0) + BOX_HEIGHT / 2 + MARGIN
    width, height = max(width, 400.0), max(height, 120.0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12" '
        'role="img">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="landscape-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="10" '
        'markerHeight="10" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#1f4e79"/></marker></defs>',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>',
        f'<text x="{MARGIN}" y="{MARGIN - 8:.0f}" font-size="16" font-weight="bold" '
        f'fill="#222">{escape(title)}</text>',
    ]
    if not names:
        parts.append(
            f'<text x="{MARGIN}" y="{MARGIN + 30:.0f}" fill="#555">No system in this inventory yet.</text>'
        )

    # Arrows first, so boxes and labels sit on top of them.
    pair_seen = Counter[frozenset[str]]()
    pair_total = Counter(frozenset((i.source, i.target)) for i in interfaces)
    labels = []
    for interface in interfaces:
        a, b = boxes[interface.source], boxes[interface.target]
        pair = frozenset((interface.source, interface.target))
        # Spread several arrows between one pair side by side, centred on the straight line.
        rank, total = pair_seen[pair], pair_total[pair]
        slot = rank - (total - 1) / 2
        pair_seen[pair] += 1
        length = math.hypot(b.cx - a.cx, b.cy - a.cy) or 1.0
        # The normal is taken in one fixed orientation of the pair (by name), so the slots of A->B
        # and B->A lie on one axis and the arrows spread apart instead of overlapping.
        first, second = sorted((interface.source, interface.target))
        nx_, ny_ = (
            -(boxes[second].cy - boxes[first].cy) / length,
            (boxes[second].cx - boxes[first].cx) / length,
        )
        if hub is not None and hub not in (interface.source, interface.target):
            # Between two systems of the ring a straight arrow could cross the hub: bend it
            # outwards, far enough that its apex clears the hub's box.
            centre = boxes[hub]
            mid_x, mid_y = (a.cx + b.cx) / 2, (a.cy + b.cy) / 2
            away = math.hypot(mid_x - centre.cx, mid_y - centre.cy)
            ux, uy = ((mid_x - centre.cx) / away, (mid_y - centre.cy) / away) if away > 1 else (nx_, ny_)
            bulge = max(0.3 * length, 2 * (HUB_CLEARANCE - away)) + slot * 2 * PARALLEL_OFFSET
            control = (mid_x + ux * bulge, mid_y + uy * bulge)
            start, end = a.edge_point(*control), b.edge_point(*control)
            parts.append(
                f'<path d="M{start[0]:.1f},{start[1]:.1f} Q{control[0]:.1f},{control[1]:.1f} '
                f'{end[0]:.1f},{end[1]:.1f}" '
                f'fill="none" stroke="#1f4e79" stroke-width="1.6" marker-end="url(#landscape-arrow)">'
                f"<title>{escape(_describe(interface))}</title></path>"
            )
            anchor = (
                0.25 * start[0] + 0.5 * control[0] + 0.25 * end[0],
                0.25 * start[1] + 0.5 * control[1] + 0.25 * end[1],
            )
        else:
            ox, oy = nx_ * slot * PARALLEL_OFFSET, ny_ * slot * PARALLEL_OFFSET
            start = _Box(a.cx + ox, a.cy + oy).edge_point(b.cx + ox, b.cy + oy)
            end = _Box(b.cx + ox, b.cy + oy).edge_point(a.cx + ox, a.cy + oy)
            parts.append(
                f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}" '
                f'stroke="#1f4e79" stroke-width="1.6" marker-end="url(#landscape-arrow)">'
                f"<title>{escape(_describe(interface))}</title></line>"
            )
            # Labels of parallel arrows are staggered along them, so they do not sit on each other.
            along = (rank + 1) / (total + 1)
            anchor = (start[0] + (end[0] - start[0]) * along, start[1] + (end[1] - start[1]) * along)
        text = _label_lines(interface)
        if text:
            labels.append((anchor[0], anchor[1], text))
    for name, box in boxes.items():
        dashed = ' stroke-dasharray="5 3"' if name in unknown else ""
        parts.append(
            f'<g class="system"><rect x="{box.cx - BOX_WIDTH / 2:.1f}" y="{box.cy - BOX_HEIGHT / 2:.1f}" '
            f'width="{BOX_WIDTH:.0f}" height="{BOX_HEIGHT:.0f}" rx="6" fill="#e8f0f8" stroke="#1f4e79" '
            f'stroke-width="1.5"{dashed}/>'
        )
        lines = _wrap(name, 22)
        first_y = box.cy - (len(lines) - 1) * 7 + 4
        for index, line in enumerate(lines):
            parts.append(
                f'<text x="{box.cx:.1f}" y="{first_y + index * 14:.1f}" text-anchor="middle" '
                'font-weight="bold" fill="#123">'
                f"{escape(line)}</text>"
            )
        parts.append("</g>")
    for x, y, text in labels:
        widest = _label_width(text)
        top = y - len(text) * 7 - 2
        parts.append(
            f'<rect x="{x - widest / 2:.1f}" y="{top:.1f}" width="{widest:.1f}" '
            f'height="{len(text) * 14 + 4}" '
            f'fill="#fff" fill-opacity="0.9"/>'
        )
        for index, line in enumerate(text):
            parts.append(
                f'<text x="{x:.1f}" y="{top + 13 + index * 14:.1f}" text-anchor="middle" '
                f'font-size="{LABEL_FONT}" fill="#333">'
                f"{escape(line)}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts)


def _label_lines(interface: Interface) -> list[str]:
    """An arrow's label: the integration's name (wrapped), then its transport and frequency."""
    details = " · ".join(p for p in (interface.transport, interface.frequency) if p)
    return [*(_wrap(interface.name, LABEL_WRAP) if interface.name else []), *([details] if details else [])]


def _label_width(lines: list[str]) -> float:
    # An estimate (no font metrics here): the average advance of Helvetica-like fonts is ~0.55 em.
    return max((len(line) for line in lines), default=0) * LABEL_FONT * 0.55 + 8


def _describe(interface: Interface) -> str:
    details = ", ".join(p for p in (interface.transport, interface.frequency) if p)
    return f"{interface.source} → {interface.target}: {interface.name}" + (f" ({details})" if details else "")
