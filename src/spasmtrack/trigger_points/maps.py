"""A muscle's referral pattern drawn on the body map (static SVG, no Django).

Zones are told apart by the number in each region, not by colour alone: 10 where the trigger
points lie, 7 for the main (essential) pain zone, 3 for the spillover zone. The trigger-point
site also gets a dashed ring with the label "TrP", drawn over `core.body.bodymap`'s output, and
each view is cropped to the part of the body that holds the pattern (a whole body drawn a
phone's half-width leaves a neck pattern a few pixels tall), with our own R/L marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from spasmtrack.core.body.bodymap import HEIGHT, VIEW_LABELS, VIEWS, WIDTH, render_bodymap, shapes
from spasmtrack.core.body.muscles import SidedMuscle
from spasmtrack.core.body.regions import all_regions

TRP_SITE = 10
ESSENTIAL = 7
SPILLOVER = 3
LEGEND = (
    f"numbers: {TRP_SITE} = where the trigger point lies, {ESSENTIAL} = main pain zone, "
    f"{SPILLOVER} = spillover"
)
RING = "#9b1c1c"  # dark red: >= 4.5:1 against the scale's yellow, neutral skin and white
RING_GAP = 4.0  # ring distance from the TrP region's box, body-map units
RING_MERGE = 6.0  # TrP regions closer than this share one ring
# Cropping, in body-map units (the whole view is 200 x 440): room around the pattern, the
# smallest part worth showing, and the aspect-ratio range (height / width) of the crop.
PAD = 14.0
MIN_WIDTH = 90.0
MIN_RATIO, MAX_RATIO = 0.9, HEIGHT / WIDTH
# core.body.bodymap draws its own R/L at (12, 14) and (188, 14): a crop reaching those shows them.
OWN_MARK_X, OWN_MARK_Y = 6.0, 4.0
_VIEWBOX = re.compile(r' viewBox="[^"]*"')
# One region of core.body.bodymap's output: <g class="bm-r..." data-region="ID" ...>...</g>, with
# no nested <g> inside.
_REGION_GROUP = re.compile(r'<g class="bm-r[^"]*" data-region="([^"]+)"[^>]*>.*?</g>')

Box = tuple[float, float, float, float]  # x, y, width, height
Corners = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class PatternMap:
    view: str
    name: str  # "Front — your right is on the left" (the crop hides the map's own title)
    svg: str  # escaped SVG markup, safe to mark safe
    box: Box  # the part of the view shown


def pattern_values(sided: SidedMuscle) -> dict[str, int]:
    """{region id: number} for one side's pattern; a TrP site outranks its zones."""
    values = dict.fromkeys(sided.spillover, SPILLOVER)
    values.update(dict.fromkeys(sided.essential, ESSENTIAL))
    values.update(dict.fromkeys(sided.trp_regions, TRP_SITE))
    return values


def pattern_views(values: dict[str, int]) -> list[str]:
    """The views ("front", "back" in that order) on which any of the regions is listed."""
    regions = all_regions()
    used = {regions[r].view for r in values}
    return [v for v in VIEWS if v in used]


def pattern_maps(sided: SidedMuscle, id_prefix: str) -> list[PatternMap]:
    """One static map per view that holds part of the pattern, cropped to it; ids start with
    `id_prefix` (unique on the page: each map's ids add the view to it)."""
    values = pattern_values(sided)
    out = []
    for view in pattern_views(values):
        box = crop_box(view, set(values))
        svg = render_bodymap(view, selected=values, interactive=False, id_prefix=id_prefix)
        svg = _VIEWBOX.sub(f' viewBox="{_box_attr(box)}"', svg, count=1)
        svg = _drop_outside(view, box, svg)
        extra = _side_marks(view, box) + _rings(view, set(sided.trp_regions))
        svg = svg.removesuffix("</svg>") + extra + "</svg>"
        out.append(PatternMap(view, VIEW_LABELS[view], svg, box))
    return out


def crop_box(view: str, regions: set[str]) -> Box:
    """The part of `view` to show: every shape of `regions` on it plus PAD, at least
    MIN_WIDTH wide, its height/width within [MIN_RATIO, MAX_RATIO], inside the view."""
    boxes = [sh.bbox for sh in shapes(view) if sh.region in regions]
    if not boxes:
        return (0.0, 0.0, WIDTH, HEIGHT)
    x0 = min(b[0] for b in boxes) - PAD
    y0 = min(b[1] for b in boxes) - PAD
    x1 = max(b[2] for b in boxes) + PAD
    y1 = max(b[3] for b in boxes) + PAD
    w = min(max(x1 - x0, MIN_WIDTH, (y1 - y0) / MAX_RATIO), WIDTH)
    h = min(max(y1 - y0, w * MIN_RATIO), HEIGHT)
    x = min(max((x0 + x1 - w) / 2, 0.0), WIDTH - w)
    y = min(max((y0 + y1 - h) / 2, 0.0), HEIGHT - h)
    return (x, y, w, h)


def _drop_outside(view: str, box: Box, svg: str) -> str:
    """Remove the region groups that lie wholly outside the crop: unseen, and most of the
    markup (a page draws up to six of these maps)."""
    x, y, w, h = box
    outside = {
        sh.region
        for sh in shapes(view)
        if sh.bbox[2] < x or sh.bbox[0] > x + w or sh.bbox[3] < y or sh.bbox[1] > y + h
    }
    # A region can have several shapes on a view only in theory; keep it if any is inside.
    outside -= {
        sh.region
        for sh in shapes(view)
        if not (sh.bbox[2] < x or sh.bbox[0] > x + w or sh.bbox[3] < y or sh.bbox[1] > y + h)
    }
    return _REGION_GROUP.sub(lambda m: "" if m[1] in outside else m[0], svg)


def _box_attr(box: Box) -> str:
    return " ".join(f"{v:.1f}".rstrip("0").rstrip(".") for v in box)


def _side_marks(view: str, box: Box) -> str:
    """'R' / 'L' in the crop's top corners, as the person's sides appear on this view; left
    out where the map's own mark (near the top corners of the whole view) is in the crop."""
    x, y, w, _ = box
    left, right = ("R", "L") if view == "front" else ("L", "R")
    size = w / 11
    style = (
        f'font-size="{size:.1f}" font-weight="700" fill="#333" text-anchor="middle" '
        'stroke="#fff" stroke-width="2" paint-order="stroke"'
    )
    ty = y + size * 1.1
    marks = []
    if not (x <= OWN_MARK_X and y <= OWN_MARK_Y):
        marks.append(f'<text x="{x + size * 0.7:.1f}" y="{ty:.1f}" {style}>{left}</text>')
    if not (x + w >= WIDTH - OWN_MARK_X and y <= OWN_MARK_Y):
        marks.append(f'<text x="{x + w - size * 0.7:.1f}" y="{ty:.1f}" {style}>{right}</text>')
    return f'<g aria-hidden="true">{"".join(marks)}</g>' if marks else ""


def _rings(view: str, trp_regions: set[str]) -> str:
    """A dashed ring labelled "TrP" around each group of trigger-point regions on `view`
    (neighbouring sites share one ring, so labels do not pile up)."""
    boxes = [sh.bbox for sh in shapes(view) if sh.region in trp_regions]
    parts = []
    for x0, y0, x1, y1 in _clusters(boxes):
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        rx, ry = (x1 - x0) / 2 + RING_GAP, (y1 - y0) / 2 + RING_GAP
        parts.append(
            f'<ellipse cx="{cx:.1f}" cy="{cy:.1f}" rx="{rx:.1f}" ry="{ry:.1f}" fill="none" '
            f'stroke="{RING}" stroke-width="1.6" stroke-dasharray="3 2"/>'
            f'<text x="{cx:.1f}" y="{cy - ry - 2:.1f}" font-size="8" font-weight="700" '
            f'text-anchor="middle" fill="{RING}" stroke="#fff" stroke-width="2.4" '
            f'paint-order="stroke">{escape("TrP")}</text>'
        )
    if not parts:
        return ""
    return f'<g class="trp-ring" aria-hidden="true">{"".join(parts)}</g>'


def _clusters(boxes: list[Corners]) -> list[Corners]:
    """Merge boxes closer than RING_MERGE (on both axes) into their joint bounding boxes."""
    out = list(boxes)
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                gap_x = max(a[0], b[0]) - min(a[2], b[2])
                gap_y = max(a[1], b[1]) - min(a[3], b[3])
                if gap_x < RING_MERGE and gap_y < RING_MERGE:
                    joint = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    out[i] = joint
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return out
