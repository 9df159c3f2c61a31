"""A small inline SVG line chart of one score over time (no JavaScript, no library).

Pure: plain values in, SVG markup out. Text is escaped here, so the result is safe to mark
safe in a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

WIDTH, HEIGHT = 320, 120
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 34, 12, 10, 24


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def line_chart_svg(points: Sequence[tuple[date, float]], maximum: float, label: str) -> str:
    """An SVG of `points` (oldest first) on a 0..maximum scale; "" when there are none.

    Points are spaced by date, so a long gap between two questionnaires shows as one.
    The <title> and aria-label carry the numbers for screen readers.
    """
    if not points:
        return ""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)

    def xy(day: date, value: float) -> tuple[float, float]:
        x = PAD_LEFT + (plot_w / 2 if first == last else plot_w * (day - first).days / span)
        y = PAD_TOP + plot_h * (1 - min(max(value / maximum, 0.0), 1.0))
        return round(x, 1), round(y, 1)

    coords = [xy(d, v) for d, v in points]
    summary = ", ".join(f"{d:%-d %b %Y}: {_fmt(v)}" for d, v in points)
    title = escape(f"{label} over time (0 to {_fmt(maximum)}): {summary}")
    parts = [
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}">',
        f"<title>{title}</title>",
    ]
    for frac in (0.0, 0.5, 1.0):
        y = PAD_TOP + plot_h * (1 - frac)
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:g}" y2="{y:g}" '
            'stroke="#c9c6bd" stroke-width="1"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:g}" text-anchor="end" font-size="11" '
            f'fill="#4a4a4a">{_fmt(maximum * frac)}</text>'
        )
    path = " ".join(f"{x},{y}" for x, y in coords)
    parts.append(
        f'<polyline points="{path}" fill="none" stroke="#0b5cad" stroke-width="2.5" '
        'stroke-linejoin="round"/>'
    )
    parts.extend(f'<circle cx="{x}" cy="{y}" r="4" fill="#0b5cad"/>' for x, y in coords)
    baseline = HEIGHT - 6
    parts.append(
        f'<text x="{PAD_LEFT}" y="{baseline}" font-size="11" fill="#4a4a4a">'
        f"{first:%-d %b %Y}</text>"
    )
    if last != first:
        parts.append(
            f'<text x="{WIDTH - PAD_RIGHT}" y="{baseline}" font-size="11" fill="#4a4a4a" '
            f'text-anchor="end">{last:%-d %b %Y}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
