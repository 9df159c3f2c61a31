"""Small pieces of the app's inline SVG charts, shared by every page that draws one.

Ground floor: no import of any app, so a page that draws a line loads nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date


def num(v: float) -> str:
    """A coordinate as SVG text: one decimal, no trailing zero ("12", "12.5")."""
    return f"{v:.1f}".rstrip("0").rstrip(".")


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
