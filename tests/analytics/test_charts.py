"""Charts carry a title, axis units and a legend, and render Cyrillic text with DejaVu."""

from __future__ import annotations

import datetime as dt

from matplotlib import font_manager

from analytics.charts import Line, heat_map, line_chart, png, svg


def test_a_time_series_has_title_axes_legend_and_cyrillic_labels() -> None:
    days = [dt.date(2026, 1, 5) + dt.timedelta(weeks=w) for w in range(6)]
    figure = line_chart(
        "Активные участники",
        "Неделя",
        "Участники, чел.",
        [Line("Пилот", days, [10, 12, 11, 14, 15, 16]), Line("Контроль", days, [10, 11, None, 11, 12, 11])],
        marker=(days[3], "Старт пилота"),
    )
    text = svg(figure)
    for label in ("Активные участники", "Неделя", "Участники, чел.", "Пилот", "Контроль", "Старт пилота"):
        assert label in text
    # Series differ by dash pattern too, so they part in black-and-white print.
    assert "stroke-dasharray" in text
    assert png(figure).startswith(b"\x89PNG")


def test_the_cyrillic_font_is_dejavu_and_has_the_glyphs() -> None:
    path = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"), fallback_to_default=False)
    assert "DejaVuSans" in path
    from matplotlib.ft2font import FT2Font

    font = FT2Font(path)
    assert all(font.get_char_index(ord(ch)) for ch in "Удержание")


def test_the_cohort_heat_map_writes_its_shares_in_the_cells() -> None:
    figure = heat_map(
        "Удержание когорт",
        "Месяцев с первой покупки",
        "Когорта",
        ["2026-01", "2026-02"],
        [[1.0, 0.5, 0.25], [1.0, 0.4]],
        "Доля активных",
    )
    text = svg(figure)
    assert "Удержание когорт" in text and "50%" in text and "40%" in text and "Доля активных" in text
