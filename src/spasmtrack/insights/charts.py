"""Server-side charts for the Insights page: trend lines with factor tick rows, and the
monthly body heatmap. Every chart comes with the rows of its data-table alternative.

SVG text is escaped here; templates mark `svg` safe.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Any

from spasmtrack.core.body.regions import all_regions
from spasmtrack.insights.daily import DiarySeries, Series
from spasmtrack.svg import bucket_means, buckets, gap_polyline, num

WIDTH = 340.0
PLOT_H = 120.0
PAD_L, PAD_R, PAD_T = 30.0, 8.0, 10.0
AXIS_H = 18.0
TICK_ROW_H = 16.0
MAX_MARKS = 3
LINE = "#0b5cad"
MARK_COLOURS = ("#7a1f2b", "#1d6b35", "#6a3d9a")


@dataclass(frozen=True)
class Mark:
    """Days to tick under the trend line, e.g. the days with heat."""

    label: str
    days: frozenset[date]


@dataclass
class TrendChart:
    outcome: str
    svg: str
    bucket: str  # "day" or "week"
    marks: list[Mark]
    rows: list[list[str]] = field(default_factory=list)  # period, value, days per mark


def trend_chart(
    outcome: str, series: Series, first: date, last: date, marks: Sequence[Mark], *, uid: str
) -> TrendChart:
    """One outcome over [first, last] as a line (breaks where nothing was recorded), with
    one row of ticks per mark below it. `uid` makes element ids unique on the page."""
    kind, periods = buckets(first, last)
    means = bucket_means(series, periods)
    top = max([v for v in means if v is not None] + [1.0])
    top = 10.0 if 5 < top <= 10 else float(int(top) + 1)
    n_days = (last - first).days + 1
    plot_w = WIDTH - PAD_L - PAD_R
    height = PAD_T + PLOT_H + AXIS_H + TICK_ROW_H * len(marks) + 4

    def x_of(day_offset: float) -> float:
        return PAD_L + plot_w * (day_offset + 0.5) / n_days

    def y_of(v: float) -> float:
        return PAD_T + PLOT_H * (1 - v / top)

    title_id, desc_id = f"{uid}-t", f"{uid}-d"
    shown = [v for v in means if v is not None]
    desc = (
        f"{'Daily values' if kind == 'day' else 'Weekly means'} of {outcome} from {first} to "
        f"{last}; lowest {num(min(shown))}, highest {num(max(shown))}."
        if shown
        else f"No {outcome} recorded from {first} to {last}."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {num(WIDTH)} '
        f'{num(height)}" role="img" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(outcome.capitalize())}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
    ]
    for v in (0.0, top / 2, top):  # gridlines with their values
        y = y_of(v)
        parts.append(
            f'<line x1="{num(PAD_L)}" x2="{num(WIDTH - PAD_R)}" y1="{num(y)}" y2="{num(y)}" '
            'stroke="#c9c6bd" stroke-width="0.6"/>'
            f'<text x="{num(PAD_L - 4)}" y="{num(y + 3.5)}" font-size="10" text-anchor="end" '
            f'fill="#4a4a4a">{num(v)}</text>'
        )
    parts += gap_polyline(periods, means, first, x_of, y_of, LINE)
    axis_y = PAD_T + PLOT_H + 13
    parts.append(
        f'<text x="{num(PAD_L)}" y="{num(axis_y)}" font-size="10" fill="#4a4a4a">'
        f"{first:%-d %b %Y}</text>"
        f'<text x="{num(WIDTH - PAD_R)}" y="{num(axis_y)}" font-size="10" text-anchor="end" '
        f'fill="#4a4a4a">{last:%-d %b %Y}</text>'
    )
    for row, mark in enumerate(marks):
        parts.append(
            _tick_row(mark, row, first, last, x_of, PAD_T + PLOT_H + AXIS_H, plot_w, n_days)
        )
    parts.append("</svg>")
    rows = []
    for (start, end), mean in zip(periods, means, strict=True):
        period = f"{start:%-d %b %Y}" if kind == "day" else f"{start:%-d %b}–{end:%-d %b %Y}"
        cells = [period, "—" if mean is None else num(mean)]
        cells += [str(sum(1 for d in m.days if start <= d <= end)) for m in marks]
        rows.append(cells)
    return TrendChart(outcome, "".join(parts), kind, list(marks), rows)


def _tick_row(
    mark: Mark,
    row: int,
    first: date,
    last: date,
    x_of: Any,
    y0: float,
    plot_w: float,
    n_days: int,
) -> str:
    colour = MARK_COLOURS[row % len(MARK_COLOURS)]
    y = y0 + row * TICK_ROW_H
    width = max(plot_w / n_days * 0.8, 0.6)
    ticks = "".join(
        f'<rect x="{num(x_of((d - first).days) - width / 2)}" y="{num(y + 2)}" '
        f'width="{width:.2f}" height="8" fill="{colour}"/>'
        for d in sorted(mark.days)
        if first <= d <= last
    )
    label = escape(_short(mark.label))
    return (
        f'<g aria-hidden="true"><text x="{num(PAD_L - 4)}" y="{num(y + 9.5)}" font-size="9" '
        f'text-anchor="end" fill="{colour}">{row + 1}</text>{ticks}'
        f"<title>{label}</title></g>"
    )


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- which factor days to mark ---------------------------------------------------------------


def marks_for(outcome: str, report: Mapping[str, Any], s: DiarySeries) -> list[Mark]:
    """Factors with a clear finding for this outcome (any lag), strongest first; else the
    most frequent yes/no factors. Numeric factors mark the days above their median."""
    names: list[str] = []
    for item in [*report["helps"], *report["aggravates"]]:
        if item["outcome"] == outcome and item["factor"] not in names:
            names.append(item["factor"])
    if not names:
        binary = [n for n, f in s.factor_info.items() if f.kind == "binary" and n in s.factors]
        names = sorted(binary, key=lambda n: -len(s.factors[n]))[:2]
    out = []
    for name in names[:MAX_MARKS]:
        series = s.factors.get(name, {})
        info = s.factor_info.get(name)
        if info is not None and info.kind == "numeric":
            values = list(series.values())
            if not values:
                continue
            median = statistics.median(values)
            unit = f" {info.unit}s" if info.unit and median != 1 else f" {info.unit}"
            label = f"days with {name} above {num(median)}{unit.rstrip()} (your middle value)"
            out.append(Mark(label, frozenset(d for d, v in series.items() if v > median)))
        else:
            out.append(Mark(f"days with {name}", frozenset(d for d, v in series.items() if v)))
    return out


# --- the monthly heatmap ---------------------------------------------------------------------


@dataclass(frozen=True)
class HeatMonth:
    month: str  # "YYYY-MM"
    label: str  # "March 2026"
    svgs: list[str]  # front, back; empty when the body map is not available
    top: list[tuple[str, str]]  # (region label, mean intensity) most painful first
    prev: str | None
    next: str | None


def month_label(month: str) -> str:
    return date.fromisoformat(f"{month}-01").strftime("%B %Y")


def top_regions(heat: Mapping[str, float], n: int = 5) -> list[tuple[str, str]]:
    labels = all_regions()
    ranked = sorted(heat.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return [(labels[rid].label, f"{v:.1f}") for rid, v in ranked]


def heat_month(
    region_pain: Mapping[str, Mapping[str, float]], month: str | None
) -> HeatMonth | None:
    """The chosen month's heatmap (default: the latest month with entries), or None."""
    months = list(region_pain)
    if not months:
        return None
    if month is None or month not in region_pain:
        month = months[-1]
    i = months.index(month)
    heat = region_pain[month]
    return HeatMonth(
        month,
        month_label(month),
        _bodymap_svgs(heat, month),
        top_regions(heat),
        months[i - 1] if i > 0 else None,
        months[i + 1] if i + 1 < len(months) else None,
    )


def _bodymap_svgs(heat: Mapping[str, float], month: str) -> list[str]:
    """Front and back heatmaps from the shared body map."""
    from spasmtrack.core.body.bodymap import render_bodymap

    prefix = "hm" + month.replace("-", "")
    return [
        render_bodymap(view, heat=heat, interactive=False, id_prefix=prefix)
        for view in ("front", "back")
    ]


def monthly_table(region_pain: Mapping[str, Mapping[str, float]]) -> list[tuple[str, str]]:
    """Each month, newest first, with its most painful regions in one line."""
    return [
        (month_label(m), "; ".join(f"{label} {v}" for label, v in top_regions(heat, 3)))
        for m, heat in reversed(list(region_pain.items()))
    ]
