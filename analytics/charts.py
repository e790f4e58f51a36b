"""Charts of the analytics pages and documents, drawn with matplotlib's object API (no pyplot
global state, so it is safe in a threaded server): SVG for pages, PNG for DOCX.

Every chart has a title, axis labels with units and a legend, and reads in black-and-white
print: series differ by line style and marker, not only by colour; the heat map is greyscale
with its numbers written in the cells. Text is DejaVu Sans, which has Cyrillic. Callers pass
labels already translated.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers; chosen before any figure exists

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

STYLE: Any = {"font.family": "DejaVu Sans", "svg.fonttype": "none", "axes.grid": True, "grid.alpha": 0.3}
LINES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D")]
INK = ["#000000", "#555555", "#1f4e79", "#7f3f00"]


@dataclass(frozen=True)
class Line:
    label: str
    x: Sequence[dt.date] | Sequence[float]
    y: Sequence[float | None]


def line_chart(
    title: str,
    x_label: str,
    y_label: str,
    lines: Sequence[Line],
    marker: tuple[dt.date | float, str] | None = None,
) -> Figure:
    """Lines over time (or weeks); `marker` draws a labelled vertical line (a pilot's start)."""
    with rc_context(STYLE):
        figure = Figure(figsize=(8, 3.6), layout="constrained")
        axes = figure.add_subplot()
        for i, line in enumerate(lines):
            style, mark = LINES[i % len(LINES)]
            ys = [float("nan") if v is None else float(v) for v in line.y]
            axes.plot(
                list(line.x),  # type: ignore[arg-type]
                ys,
                linestyle=style,
                marker=mark,
                markersize=4,
                color=INK[i % len(INK)],
                label=line.label,
            )
        if marker is not None:
            axes.axvline(marker[0], color="#000000", linewidth=1, linestyle=(0, (1, 3)), label=marker[1])  # type: ignore[arg-type]
        axes.set_title(title)
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        axes.legend(loc="best", fontsize="small")
        figure.autofmt_xdate()
    return figure


def heat_map(
    title: str,
    x_label: str,
    y_label: str,
    rows: Sequence[str],
    matrix: Sequence[Sequence[float | None]],
    legend: str,
) -> Figure:
    """A greyscale table of shares (0..1), each cell labelled with its percentage."""
    width = max((len(r) for r in matrix), default=1)
    values = [
        [float("nan") if v is None else float(v) for v in row] + [float("nan")] * (width - len(row))
        for row in matrix
    ]
    with rc_context(STYLE | {"axes.grid": False}):
        figure = Figure(figsize=(8, 0.5 + 0.45 * max(len(rows), 2)), layout="constrained")
        axes = figure.add_subplot()
        image = axes.imshow(values, cmap="Greys", vmin=0, vmax=1, aspect="auto")
        for r, row in enumerate(values):
            for c, v in enumerate(row):
                if v == v:  # not NaN
                    axes.text(
                        c,
                        r,
                        f"{v:.0%}",
                        ha="center",
                        va="center",
                        fontsize=8,
                        color="white" if v > 0.55 else "black",
                    )
        axes.set_xticks(range(width))
        axes.set_yticks(range(len(rows)), labels=list(rows))
        axes.set_title(title)
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        figure.colorbar(image, ax=axes, label=legend)
    return figure


def svg(figure: Figure) -> str:
    """The figure as an inline <svg> element (text kept as text, so pages stay searchable)."""
    buffer = io.StringIO()
    with rc_context(STYLE):
        figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def png(figure: Figure, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    with rc_context(STYLE):
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
