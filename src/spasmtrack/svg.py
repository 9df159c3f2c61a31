"""Small pieces of the app's inline SVG charts, shared by every page that draws one.

Ground floor: no import of any app, so a page that draws a line loads nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

DAILY_UP_TO = 120  # longer ranges are drawn as weekly means so a phone can read them


def num(v: float) -> str:
    """A coordinate as SVG text: one decimal, no trailing zero ("12", "12.5")."""
    return f"{v:.1f}".rstrip("0").rstrip(".")


def buckets(first: date, last: date) -> tuple[str, list[tuple[date, date]]]:
    """Consecutive (start, end) periods: days, or weeks from `first` for ranges longer than
    DAILY_UP_TO days; with "day" or "week"."""
    n = (last - first).days + 1
    step = 1 if n <= DAILY_UP_TO else 7
    out = []
    start = first
    while start <= last:
        out.append((start, min(last, start + timedelta(days=step - 1))))
        start += timedelta(days=step)
    return ("day" if step == 1 else "week"), out


def bucket_means(
    series: Mapping[date, float], periods: Sequence[tuple[date, date]]
) -> list[float | None]:
    """Mean of the recorded values in each period; None where nothing was recorded."""
    out: list[float | None] = []
    for start, end in periods:
        days = (start + timedelta(days=i) for i in range((end - start).days + 1))
        vals = [series[d] for d in days if d in series]
        out.append(sum(vals) / len(vals) if vals else None)
    return out


def gap_polyline(
    spans: Sequence[tuple[date, date]],
    values: Sequence[float | None],
    first: date,
    x_of: Callable[[float], float],
    y_of: Callable[[float], float],
    colour: str,
) -> list[str]:
    """Polylines through the periods that have a value, each at its period's middle; a
    period without one (None) breaks the line, and a lone point is a dot."""
    runs: list[list[tuple[float, float]]] = [[]]
    for (start, end), v in zip(spans, values, strict=True):
        if v is None:
            if runs[-1]:
                runs.append([])
            continue
        mid = ((start - first).days + (end - first).days) / 2
        runs[-1].append((x_of(mid), y_of(v)))
    out = []
    for run in runs:
        if len(run) == 1:
            x, y = run[0]
            out.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="2.2" fill="{colour}"/>')
        elif run:
            pts = " ".join(f"{num(x)},{num(y)}" for x, y in run)
            out.append(
                f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2" '
                'stroke-linejoin="round"/>'
            )
    return out
