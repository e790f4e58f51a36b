"""How wide a text is when printed in DejaVu Sans, from the font's own metrics.

The diagrams (SVG, then PNG through cairo) and the documents' tables wrap and size their text
with these widths rather than with a count of characters: "ШШШШ" is twice as wide as "iiii", and
a Cyrillic name is wider than a Latin one of the same length. DejaVu Sans is the font the
diagrams are drawn in; it ships with matplotlib (a dependency), so the figures do not depend on
the fonts of the machine. Among the common sans fonts it is one of the widest, so a width measured
with it is enough for Arial / Liberation Sans, which the documents name.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font

FONT_FAMILY = "DejaVu Sans"
# Widths are measured once at this size and scaled: a text's width is proportional to its size.
_REFERENCE_SIZE = 100.0
try:  # matplotlib 3.10 and later
    from matplotlib.ft2font import LoadFlags

    NO_HINTING: Any = LoadFlags.NO_HINTING
except ImportError:  # earlier releases (pyproject allows 3.8)
    from matplotlib.ft2font import LOAD_NO_HINTING as NO_HINTING  # type: ignore[attr-defined,no-redef]


@lru_cache(maxsize=8)
def _face(bold: bool, family: str) -> FT2Font:
    font = FT2Font(findfont(FontProperties(family=family, weight="bold" if bold else "normal")))
    font.set_size(_REFERENCE_SIZE, 72)  # 72 dpi: one pixel is one point
    return font


@lru_cache(maxsize=8)
def installed(family: str) -> bool:
    """Whether the machine has the font `family` (matplotlib's own fonts included)."""
    try:
        findfont(FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=16384)
def _advance(char: str, bold: bool, family: str) -> float:
    """A character's advance width at the reference size, unhinted (as printed, not as snapped
    to a screen's pixels); a character the font lacks is measured as its blank box."""
    try:
        with warnings.catch_warnings():  # a missing glyph is expected (see above), not news
            warnings.simplefilter("ignore", UserWarning)
            glyph = _face(bold, family).load_char(ord(char), flags=NO_HINTING)
    except RuntimeError:  # FreeType found no glyph, not even the blank box: take an "M"
        return _advance("M", bold, family) if char != "M" else _REFERENCE_SIZE
    return float(glyph.linearHoriAdvance) / 65536


@lru_cache(maxsize=65536)
def _reference_width(text: str, bold: bool, family: str) -> float:
    # The sum of the advances: kerning, left out, only ever narrows a line.
    return sum(_advance(char, bold, family) for char in text)


def text_width(text: str, size: float, *, bold: bool = False, family: str = FONT_FAMILY) -> float:
    """The width of `text` on one line at `size` (in the unit of `size`: points or pixels)."""
    return _reference_width(text, bold, family) * size / _REFERENCE_SIZE


def longest_word_width(text: str, size: float, *, bold: bool = False, family: str = FONT_FAMILY) -> float:
    """The width of the widest word of `text`: less than that, and a line must break inside it."""
    return max((text_width(word, size, bold=bold, family=family) for word in text.split()), default=0.0)


def wrap_to_width(
    text: str, width: float, size: float, *, bold: bool = False, max_lines: int = 0
) -> list[str]:
    """`text` broken into lines no wider than `width` at `size`, between words; a word wider
    than the line is cut where it must be. With `max_lines`, the last line kept ends in "…"."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while text_width(current, size, bold=bold) > width and len(current) > 1:
            cut = _fitting_prefix(current, width, size, bold)
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "\u2026", size, bold=bold) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "\u2026"
    return lines


def _fitting_prefix(word: str, width: float, size: float, bold: bool) -> int:
    """How many leading characters of `word` fit in `width` (at least one)."""
    cut = 1
    while cut < len(word) and text_width(word[: cut + 1], size, bold=bold) <= width:
        cut += 1
    return cut
