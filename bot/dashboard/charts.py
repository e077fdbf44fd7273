"""Charts as inline SVG, drawn on the server: no script, no CDN, readable offline and on a small phone.

A chart is a list of days and named series of values per day. `stacked_bars` stacks the series per day
(questions by outcome, deliveries by result); `lines` draws one line per series (active users per
channel). The SVG scales to the width of its container (viewBox), and each day carries a title with
its values for a pointer to read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 8, 12, 30


@dataclass(frozen=True)
class Line:
    label: str
    color: str
    values: Sequence[int]


DayFormat = Callable[[date], str]
NumberFormat = Callable[[int], str]


def by_week(days: Sequence[date], series: Sequence[Line]) -> tuple[list[date], list[Line]]:
    """Each series summed over 7-day spans, the newest ending on the last day (older leftover days dropped)."""
    first = len(days) % 7
    starts = range(first, len(days), 7)
    weeks = [days[i] for i in starts]
    return weeks, [Line(s.label, s.color, [sum(s.values[i : i + 7]) for i in starts]) for s in series]


def nice_ceiling(value: int) -> tuple[int, int]:
    """The top of the y axis and its step: 1, 2 or 5 times a power of ten, at most four steps."""
    if value <= 0:
        return 1, 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor * 4 >= value:
                top = step * factor * -(-value // (step * factor))
                return top, step * factor
        step *= 10


def stacked_bars(
    title: str, days: Sequence[date], series: Sequence[Line], day_label: DayFormat, number: NumberFormat
) -> str:
    totals = [sum(s.values[i] for s in series) for i in range(len(days))]
    top, step = nice_ceiling(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    width = plot_w / max(len(days), 1)
    gap = width * 0.15 if width > 3 else 0
    parts = [_frame(title, top, step, days, day_label, number)]
    for i, day in enumerate(days):
        x = LEFT + i * width
        base: float = TOP + plot_h
        described = ", ".join(f"{s.label} {number(s.values[i])}" for s in series)
        parts.append(f"<g><title>{escape(day_label(day))}: {escape(described)}</title>")
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            h = plot_h * value / top
            base -= h
            parts.append(
                f'<rect x="{x + gap / 2:.1f}" y="{base:.1f}" width="{max(width - gap, 0.5):.1f}" height="{h:.1f}"'
                f' fill="{s.color}"/>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def lines(title: str, days: Sequence[date], series: Sequence[Line], day_label: DayFormat, number: NumberFormat) -> str:
    top, step = nice_ceiling(max((v for s in series for v in s.values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    width = plot_w / max(len(days) - 1, 1)
    parts = [_frame(title, top, step, days, day_label, number)]
    for s in series:
        points = " ".join(
            f"{LEFT + i * width:.1f},{TOP + plot_h - plot_h * v / top:.1f}" for i, v in enumerate(s.values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{s.color}" stroke-width="2"'
            f' stroke-linejoin="round"><title>{escape(s.label)}</title></polyline>'
        )
    parts.append("</svg>")
    return "".join(parts)


def legend(series: Sequence[Line], number: NumberFormat) -> str:
    """The series' colours, names and totals over the period, as HTML under a chart."""
    items = (
        f'<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="{s.color}"/></svg>'
        f" {escape(s.label)}: <b>{escape(number(sum(s.values)))}</b></li>"
        for s in series
    )
    return f'<ul class="legend">{"".join(items)}</ul>'


def _frame(title: str, top: int, step: int, days: Sequence[date], day_label: DayFormat, number: NumberFormat) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}"'
        f' xmlns="http://www.w3.org/2000/svg" font-size="15" font-family="sans-serif">'
    ]
    for value in range(0, top + 1, step):
        y = TOP + plot_h - plot_h * value / top
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y + 5:.1f}" text-anchor="end" fill="#555">{escape(number(value))}</text>'
        )
    if days:
        plot_w = WIDTH - LEFT - RIGHT
        for index in sorted({0, len(days) // 2, len(days) - 1}):
            x = LEFT + plot_w * (index + 0.5) / len(days)
            anchor = "start" if index == 0 else "end" if index == len(days) - 1 else "middle"
            x = LEFT if anchor == "start" else WIDTH - RIGHT if anchor == "end" else x
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" fill="#555">'
                f"{escape(day_label(days[index]))}</text>"
            )
    return "".join(parts)
