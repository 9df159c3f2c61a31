"""The SVG body map: front and back views with one tappable shape per region.

Geometry comes from `knowledge/bodymap.json`, written for the person's left side (and the
midline) in one body frame where x > 100 is the person's left. This module mirrors `_left`
shapes to `_right` and flips the back view, so that the front view shows the person facing
you (their right on your left) and the back view shows their left on your left.

Output is SVG markup as a string with every piece of text escaped; callers may mark it safe.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from html import escape
from typing import Any

from spasmtrack.core.body.regions import all_regions, mirror
from spasmtrack.knowledge import data_path

VIEWS = ("front", "back")
WIDTH = 200.0
HEIGHT = 440.0
# Phone check: one view drawn 340 CSS px wide in a 375 px viewport; targets of 44 CSS px.
PHONE_VIEW_PX = 340.0
MIN_TAP_PX = 44.0
MAX_INTENSITY = 10

VIEW_LABELS = {
    "front": "Front — your right is on the left",
    "back": "Back — your left is on the left",
}
# Space above the figure for the view label and below it for the heatmap legend.
TOP_MARGIN = 22.0
LEGEND_HEIGHT = 40.0
NEUTRAL_FILL = "#f7f2ea"
NO_DATA_FILL = "#e4e0d8"
_ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Shape:
    """One region's shape on one view, in that view's own coordinates."""

    region: str
    view: str
    kind: str  # "ellipse" | "rect" | "poly"
    params: tuple[float, ...]  # ellipse: cx cy rx ry; rect: cx cy w h r; poly: x0 y0 x1 y1 ...
    primary: bool  # True when this is the region's own view in body-regions.csv

    @property
    def points(self) -> list[Point]:
        p = self.params
        return [(p[i], p[i + 1]) for i in range(0, len(p), 2)]

    @cached_property
    def bbox(self) -> Box:
        p = self.params
        if self.kind == "ellipse":
            return (p[0] - p[2], p[1] - p[3], p[0] + p[2], p[1] + p[3])
        if self.kind == "rect":
            return (p[0] - p[2] / 2, p[1] - p[3] / 2, p[0] + p[2] / 2, p[1] + p[3] / 2)
        xs, ys = zip(*self.points, strict=True)
        return (min(xs), min(ys), max(xs), max(ys))

    @cached_property
    def centre(self) -> Point:
        """Where the number label goes: the centre, or a polygon's area centroid."""
        if self.kind != "poly":
            return (self.params[0], self.params[1])
        return _centroid(self.points)

    def contains(self, x: float, y: float) -> bool:
        """True when the point lies inside (rect corners treated as square)."""
        p = self.params
        if self.kind == "ellipse":
            return ((x - p[0]) / p[2]) ** 2 + ((y - p[1]) / p[3]) ** 2 <= 1.0
        if self.kind == "rect":
            return abs(x - p[0]) <= p[2] / 2 and abs(y - p[1]) <= p[3] / 2
        return _in_polygon(self.points, x, y)

    @cached_property
    def d(self) -> str:
        """SVG path data for the shape (computed once per shape)."""
        p = [_num(v) for v in self.params]
        if self.kind == "ellipse":
            cx, cy, rx, ry = self.params
            a, b = _num(cx - rx), _num(cx + rx)
            return f"M{a} {p[1]}A{p[2]} {p[3]} 0 1 0 {b} {p[1]}A{p[2]} {p[3]} 0 1 0 {a} {p[1]}Z"
        if self.kind == "rect":
            return _rounded_rect(*self.params)
        return "M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in self.points) + "Z"


@dataclass(frozen=True)
class Zoom:
    """A magnified part of a view: `box` = (x, y, width, height) in view coordinates."""

    id: str
    label: str
    box: tuple[float, float, float, float]

    @property
    def factor(self) -> float:
        return WIDTH / self.box[2]

    def covers(self, box: Box) -> bool:
        x, y, w, h = self.box
        return box[0] >= x and box[1] >= y and box[2] <= x + w and box[3] <= y + h


# --- data loading -----------------------------------------------------------------------


@cache
def _data() -> dict[str, Any]:
    with data_path("bodymap.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _flip(view: str, side: str) -> bool:
    """Whether body-frame x must be mirrored: right side XOR back view."""
    return (side == "right") != (view == "back")


def _place(spec: Mapping[str, Any], flip: bool) -> tuple[str, tuple[float, ...]]:
    """(kind, params) of a shape spec, mirrored around x = 100 when `flip`."""
    (kind, raw), *extra = spec.items()
    if extra or kind not in ("ellipse", "rect", "poly"):
        raise ValueError(f"bad shape spec {dict(spec)!r}")
    if kind == "poly":
        values = [float(v) for xy in raw for v in xy]
        if flip:
            values = [WIDTH - v if i % 2 == 0 else v for i, v in enumerate(values)]
        return kind, tuple(values)
    values = [float(v) for v in raw]
    if flip:
        values[0] = WIDTH - values[0]
    return kind, tuple(values)


@cache
def shapes(view: str) -> tuple[Shape, ...]:
    """Every region shape drawn on `view`, in body-regions.csv order (later = on top).

    Raises ValueError for an unknown view, a data entry that is not a known `_left` or
    midline id, or a region missing from its own view.
    """
    _check_view(view)
    known = all_regions()
    specs: dict[str, Mapping[str, Any]] = _data()["regions"]
    for key in specs:
        if key not in known or known[key].side == "right":
            raise ValueError(f"bodymap.json: {key!r} is not a left-side or midline region id")
    out: list[Shape] = []
    for rid, reg in known.items():
        spec = specs.get(rid if reg.side != "right" else mirror(rid))
        if spec is None or (reg.view == view and view not in spec):
            if reg.view == view:
                raise ValueError(f"bodymap.json: {rid!r} has no shape on its {view} view")
            continue
        if view in spec:
            kind, params = _place(spec[view], _flip(view, reg.side))
            out.append(Shape(rid, view, kind, params, primary=reg.view == view))
    return tuple(out)


@cache
def zooms(view: str) -> tuple[Zoom, ...]:
    """The magnified parts of `view`; sided zooms listed in the order they appear on screen."""
    _check_view(view)
    out: list[Zoom] = []
    for z in _data()["zooms"][view]:
        sides = ("left", "right") if z.get("sided") else ("midline",)
        if z.get("sided") and view == "front":
            sides = ("right", "left")  # the person's right is on the viewer's left
        for side in sides:
            cx = float(z["centre"][0])
            cx = WIDTH - cx if _flip(view, side) else cx
            w, h = WIDTH / z["factor"], HEIGHT / z["factor"]
            x = min(max(cx - w / 2, 0.0), WIDTH - w)
            y = min(max(float(z["centre"][1]) - h / 2, 0.0), HEIGHT - h)
            zid = z["id"] if side == "midline" else f"{z['id']}_{side}"
            label = z["label"] if side == "midline" else f"{side.capitalize()} {z['label']}"
            out.append(Zoom(zid, label, (x, y, w, h)))
    return tuple(out)


@cache
def outline_path() -> str:
    """The body silhouette as a smooth closed SVG path (same for both views)."""
    half = [(float(x), float(y)) for x, y in _data()["outline"]]
    # The data runs down the left half from the top centre; the mirror runs back up.
    pts = half + [(WIDTH - x, y) for x, y in reversed(half[1:-1])]
    return _smooth_closed(pts)


def colour_anchors() -> list[str]:
    """The colour scale's anchor colours, low to high (hex #rrggbb)."""
    return list(_data()["colour_scale"]["anchors"])


@cache
def _anchor_rgb() -> tuple[tuple[int, int, int], ...]:
    return tuple(_rgb(a) for a in colour_anchors())


# --- tap size -----------------------------------------------------------------------------


def best_zoom(shape: Shape) -> Zoom | None:
    """The most magnified zoom of the shape's view that shows the whole shape, if any."""
    fits = [z for z in zooms(shape.view) if z.covers(shape.bbox)]
    return max(fits, key=lambda z: z.factor, default=None)


def tap_size_px(shape: Shape, *, zoomed: bool = True) -> float:
    """The shorter side of the shape's bounding box in CSS px on a phone.

    Measured with one view drawn PHONE_VIEW_PX wide; with `zoomed`, at the most magnified
    zoom that shows the whole shape (the whole view when none does).
    """
    x0, y0, x1, y1 = shape.bbox
    zoom = best_zoom(shape) if zoomed else None
    factor = zoom.factor if zoom else 1.0
    return min(x1 - x0, y1 - y0) * PHONE_VIEW_PX / WIDTH * factor


# --- colour -------------------------------------------------------------------------------


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def colour(value: float) -> str:
    """The scale colour (#rrggbb) for a value on 0..10, clamped; linear between anchors."""
    anchors = _anchor_rgb()
    t = min(max(float(value), 0.0), float(MAX_INTENSITY)) / MAX_INTENSITY * (len(anchors) - 1)
    i = min(int(t), len(anchors) - 2)
    f = t - i
    mixed = (round(a + (b - a) * f) for a, b in zip(anchors[i], anchors[i + 1], strict=True))
    return "#{:02x}{:02x}{:02x}".format(*mixed)


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour, 0 (black) .. 1 (white)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours, 1..21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@cache
def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background`."""
    dark, light = "#000000", "#ffffff"
    return dark if contrast_ratio(background, dark) >= contrast_ratio(background, light) else light


# --- rendering ----------------------------------------------------------------------------


def render_bodymap(
    view: str,
    *,
    selected: Mapping[str, int] | None = None,
    heat: Mapping[str, float] | None = None,
    interactive: bool = True,
    id_prefix: str = "bm",
) -> str:
    """SVG markup for one view of the body map.

    - `selected`: region id -> intensity 0..10, drawn in the scale colour with the number.
    - `heat`: region id -> value (e.g. mean pain over 30 days, clamped to 0..10). When given,
      the map is a read-only heatmap with a <title> per region and a legend; `selected` and
      `interactive` are ignored.
    - `interactive`: every region is a focusable role="button" with aria-pressed and
      aria-label ("calf (left), intensity 7"); otherwise regions are plain images.
    - `id_prefix`: prefix for element ids, so several maps can share a page.

    Raises ValueError for an unknown view or region id, an intensity that is not an int in
    0..10, a non-finite heat value, or an id_prefix that is not a plain identifier.
    """
    _check_view(view)
    if not _ID_PREFIX.fullmatch(id_prefix):
        raise ValueError(f"id_prefix must match {_ID_PREFIX.pattern}")
    chosen = _checked_selection(selected or {})
    values = _checked_heat(heat) if heat is not None else None
    labels = {rid: r.label for rid, r in all_regions().items()}
    label_id = f"{id_prefix}-{view}-label"
    bottom = LEGEND_HEIGHT if values is not None else 0.0
    vb = f"0 {_num(-TOP_MARGIN)} {_num(WIDTH)} {_num(HEIGHT + TOP_MARGIN + bottom)}"
    zoom_json = json.dumps(
        [{"id": z.id, "label": z.label, "box": [round(v, 2) for v in z.box]} for z in zooms(view)],
        ensure_ascii=False,
    )
    mode = "heat" if values is not None else ("interactive" if interactive else "static")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bm bm-{view} bm-{mode}" '
        f'viewBox="{vb}" data-view="{view}" data-viewbox="{vb}" '
        f'data-zooms="{escape(zoom_json)}" role="group" aria-labelledby="{label_id}">',
        f'<text id="{label_id}" class="bm-title" x="100" y="-8" text-anchor="middle" '
        f'font-size="9" font-weight="600" fill="#1a1a1a">{escape(VIEW_LABELS[view])}</text>',
        _side_marks(view),
        f'<path class="bm-body" d="{outline_path()}" fill="#e6dccf" stroke="#6f6456" '
        'stroke-width="1.2" aria-hidden="true"/>',
    ]
    for shape in shapes(view):
        label = labels[shape.region]
        if values is not None:
            parts.append(_heat_region(shape, label, values.get(shape.region)))
        else:
            parts.append(_region(shape, label, chosen.get(shape.region), interactive))
    if values is not None:
        parts.append(_legend(f"{id_prefix}-{view}-scale"))
    parts.append("</svg>")
    return "".join(parts)


def _check_view(view: str) -> None:
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")


def _checked_selection(selected: Mapping[str, int]) -> dict[str, int]:
    known = all_regions()
    for rid, value in selected.items():
        if rid not in known:
            raise ValueError(f"unknown region id {rid!r}")
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise ValueError(f"intensity for {rid!r} must be an int 0..10, not {value!r}")
    return dict(selected)


def _checked_heat(heat: Mapping[str, float]) -> dict[str, float]:
    known = all_regions()
    out: dict[str, float] = {}
    for rid, value in heat.items():
        if rid not in known:
            raise ValueError(f"unknown region id {rid!r}")
        if not math.isfinite(value):
            raise ValueError(f"heat for {rid!r} must be finite, not {value!r}")
        out[rid] = min(max(float(value), 0.0), float(MAX_INTENSITY))
    return out


@lru_cache(maxsize=1024)  # few distinct (shape, intensity) pairs; most regions unselected
def _region(shape: Shape, label: str, intensity: int | None, interactive: bool) -> str:
    """One region group; selected regions carry colour class, fill and number."""
    on = intensity is not None
    fill = colour(intensity) if intensity is not None else NEUTRAL_FILL
    name = f"{label}, intensity {intensity}" if on else label
    cls = f"bm-r bm-i{intensity} is-on" if on else "bm-r"
    if interactive:
        attrs = (
            f' role="button" tabindex="0" aria-pressed="{"true" if on else "false"}"'
            f' aria-label="{escape(name)}" data-label="{escape(label)}"'
        )
        title = ""
    else:
        attrs = ' role="img"' if on else ' aria-hidden="true"'
        attrs += f' aria-label="{escape(name)}"' if on else ""
        title = f"<title>{escape(name)}</title>" if on else ""
    return (
        f'<g class="{cls}" data-region="{shape.region}"{attrs}>{title}'
        f'<path class="bm-s" d="{shape.d}" fill="{fill}"/>'
        f"{_number(shape, str(intensity) if on else '', fill)}</g>"
    )


def _heat_region(shape: Shape, label: str, value: float | None) -> str:
    text = f"{label}: {value:.1f}" if value is not None else f"{label}: no entries"
    fill = colour(value) if value is not None else NO_DATA_FILL
    return (
        f'<g class="bm-r" data-region="{shape.region}" role="img" aria-label="{escape(text)}">'
        f'<title>{escape(text)}</title><path class="bm-s" d="{shape.d}" fill="{fill}"/></g>'
    )


def _number(shape: Shape, text: str, background: str) -> str:
    """The intensity label, always present (empty when unselected) so scripts can fill it."""
    x0, y0, x1, y1 = shape.bbox
    size = max(min(8.0, 0.8 * (x1 - x0), 0.8 * (y1 - y0)), 4.0)
    cx, cy = shape.centre
    return (
        f'<text class="bm-v" x="{_num(cx)}" y="{_num(cy + size * 0.35)}" '
        f'font-size="{_num(size)}" text-anchor="middle" fill="{text_colour(background)}" '
        f'aria-hidden="true">{escape(text)}</text>'
    )


def _side_marks(view: str) -> str:
    """'R' / 'L' at the figure's sides, as the person's own sides appear on this view."""
    left_mark, right_mark = ("R", "L") if view == "front" else ("L", "R")
    style = 'font-size="11" font-weight="700" fill="#4a4a4a" text-anchor="middle"'
    return (
        f'<g aria-hidden="true"><text x="12" y="14" {style}>{left_mark}</text>'
        f'<text x="188" y="14" {style}>{right_mark}</text></g>'
    )


def _legend(gradient_id: str) -> str:
    anchors = colour_anchors()
    stops = "".join(
        f'<stop offset="{_num(i / (len(anchors) - 1))}" stop-color="{c}"/>'
        for i, c in enumerate(anchors)
    )
    y = HEIGHT + 6
    text = 'font-size="7" fill="#1a1a1a" text-anchor="middle"'
    return (
        f'<g class="bm-legend" role="img" aria-label="Colour scale from 0 (dark blue) to 10 '
        f'(yellow); grey means no entries">'
        f'<defs><linearGradient id="{gradient_id}">{stops}</linearGradient></defs>'
        f'<rect x="40" y="{_num(y)}" width="120" height="9" fill="url(#{gradient_id})" '
        'stroke="#6f6456" stroke-width="0.5"/>'
        f'<text x="40" y="{_num(y + 17)}" {text}>0</text>'
        f'<text x="100" y="{_num(y + 17)}" {text}>5</text>'
        f'<text x="160" y="{_num(y + 17)}" {text}>10</text>'
        f'<rect x="172" y="{_num(y)}" width="9" height="9" fill="{NO_DATA_FILL}" '
        'stroke="#6f6456" stroke-width="0.5"/>'
        f'<text x="176.5" y="{_num(y + 17)}" {text}>none</text></g>'
    )


# --- geometry helpers ---------------------------------------------------------------------


def _num(v: float) -> str:
    """Compact number: at most 2 decimals, no trailing zeros."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _rounded_rect(cx: float, cy: float, w: float, h: float, r: float) -> str:
    r = min(r, w / 2, h / 2)
    x0, y0, x1, y1 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
    n, rr = _num, f"{_num(r)} {_num(r)} 0 0 1"
    return (
        f"M{n(x0 + r)} {n(y0)}H{n(x1 - r)}A{rr} {n(x1)} {n(y0 + r)}V{n(y1 - r)}"
        f"A{rr} {n(x1 - r)} {n(y1)}H{n(x0 + r)}A{rr} {n(x0)} {n(y1 - r)}V{n(y0 + r)}"
        f"A{rr} {n(x0 + r)} {n(y0)}Z"
    )


def _smooth_closed(pts: Sequence[Point]) -> str:
    """Closed Catmull-Rom spline through the points, as cubic Béziers."""
    n = len(pts)
    out = [f"M{_num(pts[0][0])} {_num(pts[0][1])}"]
    for i in range(n):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[(i + 1) % n], pts[(i + 2) % n]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        out.append(
            f"C{_num(c1[0])} {_num(c1[1])} {_num(c2[0])} {_num(c2[1])} {_num(p2[0])} {_num(p2[1])}"
        )
    return "".join(out) + "Z"


def _centroid(pts: Sequence[Point]) -> Point:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(pts, [*pts[1:], pts[0]], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return (cx / (3 * a), cy / (3 * a))


def _in_polygon(pts: Sequence[Point], x: float, y: float) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in zip(pts, [*pts[1:], pts[0]], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside
