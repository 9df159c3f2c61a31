"""Charts of the daily measurements: one server-side SVG line chart per measurement, with the
rows of its data-table alternative, drawn the way the Insights trends are
(`insights.charts.trend_chart`: same size, colours, axis labels, weekly means past
DAILY_UP_TO days, the `TrendChart` shape its template reads). The difference is the scale:
an Insights outcome starts at 0, while air pressure (around 1,013 hPa) or a temperature
below 0 °C needs a scale from its own lowest to highest value.

Not importing `insights.charts` itself keeps this page from loading the statistics
libraries (`insights.daily` pulls in numpy and scipy).

SVG text is escaped here; templates mark `svg` safe.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from spasmtrack.core.measures import (
    AWAKENINGS,
    HRV_SDNN,
    HUMIDITY,
    METRICS,
    PRECIPITATION,
    PRESSURE,
    RESTING_HR,
    SLEEP_EFFICIENCY,
    SLEEP_HOURS,
    STEPS,
    TEMP_MAX,
    TEMP_MIN,
)
from spasmtrack.svg import bucket_means as means
from spasmtrack.svg import buckets as periods
from spasmtrack.svg import gap_polyline

# The same geometry and colours as the Insights trend charts.
WIDTH = 340.0
PLOT_H = 120.0
PAD_L, PAD_R, PAD_T = 34.0, 8.0, 10.0
AXIS_H = 18.0
COLOURS = ("#0b5cad", "#a4161a")  # first and second line (temperature: lowest, highest)
GRID = "#c9c6bd"
TEXT = "#4a4a4a"

Series = Mapping[date, float]


@dataclass(frozen=True)
class Line:
    label: str
    series: Series
    colour: str


@dataclass
class MetricChart:
    title: str  # "Hours asleep (h)"
    svg: str
    bucket: str  # "day" or "week"
    lines: list[tuple[str, str]]  # (label, colour) for the legend when more than one
    columns: list[str]  # the table's value columns
    rows: list[list[str]] = field(default_factory=list)
    slug: str = ""


# What the page shows, in this order: (slug, title, [(metric, line label)], from zero).
CHARTS: tuple[tuple[str, str, tuple[tuple[str, str], ...], bool], ...] = (
    ("sleep", "Hours asleep", ((SLEEP_HOURS, "hours asleep"),), True),
    ("sleep-efficiency", "Sleep efficiency (%)", ((SLEEP_EFFICIENCY, "sleep efficiency"),), False),
    ("awakenings", "Awakenings in the night", ((AWAKENINGS, "awakenings"),), True),
    ("steps", "Steps", ((STEPS, "steps"),), True),
    ("resting-hr", "Resting heart rate (bpm)", ((RESTING_HR, "resting heart rate"),), False),
    ("hrv", "Heart-rate variability (SDNN, ms)", ((HRV_SDNN, "HRV"),), False),
    ("pressure", "Air pressure (hPa)", ((PRESSURE, "air pressure"),), False),
    ("temperature", "Temperature (°C)", ((TEMP_MIN, "lowest"), (TEMP_MAX, "highest")), False),
    ("humidity", "Relative humidity (%)", ((HUMIDITY, "humidity"),), False),
    ("precipitation", "Precipitation (mm)", ((PRECIPITATION, "precipitation"),), True),
)


def _num(v: float) -> str:
    """1 decimal at most; thousands separators only from 10,000 (steps, not hPa)."""
    if abs(v) >= 10_000:
        return f"{v:,.0f}"
    return f"{v:.1f}".rstrip("0").rstrip(".") if abs(v) < 1000 else f"{v:.0f}"


def _tick(v: float, step: float) -> str:
    if step >= 1000 and v:  # steps: 5k, 10k
        return f"{v / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    return _num(v)


def scale(values: Sequence[float], from_zero: bool) -> tuple[float, float, float]:
    """(bottom, top, step) of a readable scale holding every value, 2 to 5 steps."""
    lo, hi = min(values), max(values)
    if from_zero and lo >= 0:
        lo = 0.0
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _date_axis(first: date, last: date, y: float) -> str:
    """The first and last day under a chart, and the end of its SVG."""
    return (
        f'<text x="{_num(PAD_L)}" y="{y:.1f}" font-size="10" fill="{TEXT}">'
        f"{first:%-d %b %Y}</text>"
        f'<text x="{_num(WIDTH - PAD_R)}" y="{y:.1f}" font-size="10" text-anchor="end" '
        f'fill="{TEXT}">{last:%-d %b %Y}</text></svg>'
    )


def metric_chart(
    title: str,
    lines: Sequence[Line],
    first: date,
    last: date,
    from_zero: bool,
    slug: str,
    fixed: tuple[float, float, float] | None = None,
) -> MetricChart:
    """One chart of one or two lines over [first, last]; a line breaks where a period has no
    value, a lone value is a dot. `fixed` (bottom, top, step) is the scale of a rating."""
    kind, spans = periods(first, last)
    per_line = [means(line.series, spans) for line in lines]
    shown = [v for m in per_line for v in m if v is not None]
    bottom, top, step = fixed or scale(shown or [0.0], from_zero)
    n_days = (last - first).days + 1
    plot_w = WIDTH - PAD_L - PAD_R
    height = PAD_T + PLOT_H + AXIS_H + 4

    def x_of(offset: float) -> float:
        return PAD_L + plot_w * (offset + 0.5) / n_days

    def y_of(v: float) -> float:
        return PAD_T + PLOT_H * (1 - (v - bottom) / (top - bottom))

    uid = f"mc-{slug}"
    what = "Daily values" if kind == "day" else "Weekly means"
    desc = "; ".join(
        f"{line.label}: lowest {_num(min(vals))}, highest {_num(max(vals))}"
        for line, m in zip(lines, per_line, strict=True)
        if (vals := [v for v in m if v is not None])
    )
    desc = f"{what} from {first} to {last}. {desc or 'Nothing recorded'}."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {_num(WIDTH)} '
        f'{_num(height)}" role="img" aria-labelledby="{uid}-t {uid}-d">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]
    ticks = round((top - bottom) / step)
    for i in range(ticks + 1):
        v = bottom + i * step
        if ticks > 4 and i % 2:
            continue
        y = y_of(v)
        parts.append(
            f'<line x1="{_num(PAD_L)}" x2="{_num(WIDTH - PAD_R)}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
            f'<text x="{_num(PAD_L - 4)}" y="{y + 3.5:.1f}" font-size="10" text-anchor="end" '
            f'fill="{TEXT}">{_tick(v, step)}</text>'
        )
    for line, m in zip(lines, per_line, strict=True):
        parts += gap_polyline(spans, m, first, x_of, y_of, line.colour)
    parts.append(_date_axis(first, last, PAD_T + PLOT_H + 13))
    rows = []
    for i, (start, end) in enumerate(spans):
        if all(m[i] is None for m in per_line):
            continue  # the table lists what was recorded
        period = f"{start:%-d %b %Y}" if kind == "day" else f"{start:%-d %b}–{end:%-d %b %Y}"
        cells = [m[i] for m in per_line]
        rows.append([period, *("—" if c is None else _num(c) for c in cells)])
    return MetricChart(
        title,
        "".join(parts),
        kind,
        [(line.label, line.colour) for line in lines] if len(lines) > 1 else [],
        [line.label for line in lines],
        rows,
        slug,
    )


ACTIVITY = ("activity", "How much I did (check-in, 0–10)", "how much I did")
PERIOD = ("period", "Period days", "period days")
STRIP_H = 24.0  # the height of a chart of days (period days): a mark per day


def days_chart(
    title: str, days: Collection[date], first: date, last: date, slug: str, label: str
) -> MetricChart:
    """The days in `days` within [first, last] as marks on one strip (a day is a day, also
    when the other charts show weeks); the table counts them per day or week."""
    kind, spans = periods(first, last)
    inside = sorted(d for d in days if first <= d <= last)
    n_days = (last - first).days + 1
    plot_w = WIDTH - PAD_L - PAD_R
    height = PAD_T + STRIP_H + AXIS_H + 4
    uid = f"mc-{slug}"
    desc = f"{len(inside)} {label} from {first} to {last}."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 {_num(WIDTH)} '
        f'{_num(height)}" role="img" aria-labelledby="{uid}-t {uid}-d">',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
        f'<line x1="{_num(PAD_L)}" x2="{_num(WIDTH - PAD_R)}" y1="{PAD_T + STRIP_H:.1f}" '
        f'y2="{PAD_T + STRIP_H:.1f}" stroke="{GRID}" stroke-width="0.6"/>',
    ]
    day_w = plot_w / n_days
    for d in inside:
        x = PAD_L + day_w * (d - first).days
        parts.append(
            f'<rect x="{x:.1f}" y="{PAD_T:.1f}" width="{max(day_w - 0.5, 1.5):.1f}" '
            f'height="{STRIP_H:.1f}" fill="{COLOURS[1]}"/>'
        )
    parts.append(_date_axis(first, last, PAD_T + STRIP_H + 13))
    rows = []
    for start, end in spans:
        n = sum(1 for d in inside if start <= d <= end)
        if n:
            period = f"{start:%-d %b %Y}" if kind == "day" else f"{start:%-d %b}–{end:%-d %b %Y}"
            rows.append([period, str(n)])
    return MetricChart(title, "".join(parts), kind, [], [label], rows, slug)


def charts_for(
    values: Mapping[str, Series],
    first: date,
    last: date,
    *,
    activity: Series | None = None,
    period_days: Collection[date] = (),
) -> list[MetricChart]:
    """The charts of every measurement with a value in [first, last]: the known ones in
    CHARTS order (the check-in's activity rating after the steps), then the person's own
    metrics by name, then the period days (pass them only when cycle tracking is on)."""
    out = []
    for slug, title, metrics, from_zero in CHARTS:
        lines = [
            Line(label, values[m], COLOURS[i % len(COLOURS)])
            for i, (m, label) in enumerate(metrics)
            if values.get(m)
        ]
        if lines:
            out.append(metric_chart(title, lines, first, last, from_zero, slug))
        if slug == "steps" and activity and any(first <= d <= last for d in activity):
            slug_a, title_a, label_a = ACTIVITY
            line = Line(label_a, activity, COLOURS[0])
            out.append(metric_chart(title_a, [line], first, last, True, slug_a, (0, 10, 5)))
    for metric in sorted(set(values) - set(METRICS)):
        if values[metric]:
            label = metric.replace("_", " ")
            line = Line(label, values[metric], COLOURS[0])
            out.append(metric_chart(label.capitalize(), [line], first, last, False, metric))
    if any(first <= d <= last for d in period_days):
        slug_p, title_p, label_p = PERIOD
        out.append(days_chart(title_p, period_days, first, last, slug_p, label_p))
    return out
