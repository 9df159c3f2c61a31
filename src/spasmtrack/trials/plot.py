"""Geometry of the report's outcome plot (inline SVG, drawn by trials/plot_svg.html).

Condition is shown three ways, never by colour alone: A periods are plain bands with round
markers, B periods are hatched bands with square markers, and every band is labelled "A" or
"B". Washout days are hollow markers.
"""

from __future__ import annotations

from dataclasses import dataclass

from spasmtrack.trials.days import DayRow

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 26, 34
MARKER = 5  # half the width of a marker


@dataclass(frozen=True)
class Band:
    x: float
    width: float
    condition: str
    label_x: float


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    condition: str
    hollow: bool
    title: str

    @property
    def corner_x(self) -> float:
        """Top-left corner of the square marker (B)."""
        return self.x - MARKER

    @property
    def corner_y(self) -> float:
        return self.y - MARKER


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Plot:
    width: int
    height: int
    left: int
    right_edge: float
    top: int
    bottom_edge: float
    bands: list[Band]
    points: list[Point]
    ticks: list[Tick]
    first_label: str
    last_label: str
    description: str

    @property
    def band_height(self) -> float:
        return self.bottom_edge - self.top

    @property
    def label_y(self) -> float:
        return self.top - 8

    @property
    def tick_x(self) -> float:
        return self.left - 6

    @property
    def axis_y(self) -> float:
        return self.height - 10


def build_plot(rows: list[DayRow], outcome_label: str) -> Plot:
    """Bands for every scheduled period and a marker for each day with an outcome."""
    n = max(len(rows), 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / n
    values = [r.outcome for r in rows if r.outcome is not None]
    top_value = max(10.0, max(values, default=0.0))

    def y_of(v: float) -> float:
        return TOP + inner_h * (1 - v / top_value)

    bands: list[Band] = []
    for i, r in enumerate(rows):
        if bands and i > 0 and rows[i - 1].period == r.period:
            b = bands[-1]
            bands[-1] = Band(b.x, b.width + step, b.condition, b.x + (b.width + step) / 2)
        else:
            x = LEFT + i * step
            bands.append(Band(x, step, r.condition, x + step / 2))
    points = [
        Point(
            x=LEFT + (i + 0.5) * step,
            y=y_of(r.outcome),
            condition=r.condition,
            hollow=r.in_washout,
            title=f"{r.day:%a %d %b}: {r.outcome:g} ({r.condition}"
            + (", washout" if r.in_washout else "")
            + ")",
        )
        for i, r in enumerate(rows)
        if r.outcome is not None
    ]
    ticks = [Tick(y_of(v), f"{v:g}") for v in (0.0, top_value / 2, top_value)]
    first = f"{rows[0].day:%d %b}" if rows else ""
    last = f"{rows[-1].day:%d %b}" if rows else ""
    a_vals = [r.outcome for r in rows if r.outcome is not None and r.condition == "A"]
    b_vals = [r.outcome for r in rows if r.outcome is not None and r.condition == "B"]
    desc = (
        f"{outcome_label} on each day: {len(a_vals)} day(s) with a score under A"
        + (f" (average {sum(a_vals) / len(a_vals):.1f})" if a_vals else "")
        + f", {len(b_vals)} under B"
        + (f" (average {sum(b_vals) / len(b_vals):.1f})" if b_vals else "")
        + "."
    )
    return Plot(
        WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM, bands, points, ticks,
        first, last, desc,
    )  # fmt: skip
