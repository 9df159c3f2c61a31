"""A front and back body outline with one coloured dot per body region, drawn with matplotlib.

Vector only (patches and text, no images). Coordinates are our own simple drawing, not a
copy of any published body map. Each region id of `body-regions.csv` gets a point from its
base name (the id without `_left`/`_right`); the side decides the mirror image:
front view = facing the reader, so the person's left is on the reader's right; back view =
seen from behind, so the person's left is on the reader's left.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from spasmtrack.core.body.regions import all_regions

# Base name -> (distance from the midline, height). Height 0 = sole, 100 = top of the head.
POINTS: dict[str, tuple[float, float]] = {
    # head, front
    "vertex": (0, 98.3),
    "forehead": (0, 95.2),
    "temple": (4.4, 94.2),
    "eye": (2.4, 91.8),
    "cheek": (3.6, 88.6),
    "ear": (6.3, 90.2),
    "jaw": (4.0, 85.6),
    "teeth": (1.6, 86.3),
    # head, back
    "occiput": (2.8, 93.0),
    "mastoid": (4.8, 87.8),
    # neck
    "throat": (0, 81.8),
    "neck_side": (3.3, 81.8),
    "neck_back": (2.2, 81.8),
    # shoulders
    "shoulder_top": (9.0, 78.6),
    "shoulder_front": (14.6, 76.2),
    "shoulder_back": (14.6, 75.6),
    # upper back
    "scapula": (10.2, 69.8),
    "scapula_medial": (5.2, 70.6),
    "interscapular": (0, 74.0),
    "thoracic": (3.6, 62.4),
    # trunk, front
    "chest": (7.0, 70.8),
    "sternum": (0, 70.8),
    "ribs_side": (11.6, 61.5),
    "abdomen_upper": (0, 59.0),
    "abdomen_lower": (0, 49.5),
    # lower back
    "lumbar": (4.2, 53.5),
    "sacrum": (0, 45.8),
    "sacroiliac": (4.8, 47.0),
    # hips
    "buttock": (7.2, 40.8),
    "hip_lateral": (12.0, 45.0),
    "groin": (6.2, 40.2),
    # arms
    "upper_arm_front": (17.4, 67.0),
    "upper_arm_back": (17.8, 68.5),
    "upper_arm_outer": (18.4, 72.0),
    "elbow_outer": (21.4, 60.0),
    "elbow_inner": (20.4, 59.5),
    "forearm_front": (22.4, 51.5),
    "forearm_back": (22.4, 51.5),
    # hands (palms forward on the front view, so the thumb is on the outside)
    "hand_back": (25.0, 38.5),
    "palm": (24.6, 39.0),
    "thumb": (27.4, 39.4),
    "fingers_index_middle": (25.6, 34.6),
    "fingers_ring_little": (23.2, 35.2),
    # legs
    "thigh_front": (7.4, 33.5),
    "thigh_outer": (11.3, 32.0),
    "thigh_inner": (3.6, 31.0),
    "thigh_back": (7.4, 31.5),
    "knee_front": (7.6, 22.4),
    "knee_inner": (4.9, 21.0),
    "knee_outer": (10.2, 21.0),
    "knee_back": (7.6, 22.4),
    "shin": (7.0, 13.0),
    "leg_outer": (9.6, 13.5),
    "calf": (7.5, 14.0),
    # feet
    "ankle_front": (7.0, 5.4),
    "ankle_outer": (9.2, 4.6),
    "ankle_inner": (5.0, 4.6),
    "heel": (7.1, 1.8),
    "sole": (7.2, -1.2),
    "foot_top": (7.0, 1.4),
    "big_toe": (5.4, -1.6),
    "toes": (8.4, -1.6),
}

SMALL_GROUPS = ("head", "hand", "foot")  # dense areas get smaller dots
RADIUS, SMALL_RADIUS = 1.75, 1.15

# Half outline (reader's right side), from the neck down the arm and leg to the crotch.
_HALF_OUTLINE = [
    (3.9, 84.6),
    (4.6, 80.4),
    (10.5, 79.6),
    (15.6, 78.4),
    (18.4, 75.8),
    (20.0, 71.0),
    (22.6, 61.0),
    (24.4, 51.5),
    (25.8, 44.0),
    (28.6, 40.8),
    (29.0, 38.0),
    (27.0, 32.4),
    (24.8, 32.4),
    (22.4, 35.0),
    (22.2, 43.4),
    (20.4, 50.5),
    (18.6, 59.0),
    (16.2, 67.5),
    (15.0, 63.0),
    (13.2, 56.0),
    (14.0, 49.0),
    (14.3, 44.0),
    (13.2, 33.0),
    (11.6, 22.0),
    (11.2, 15.0),
    (9.9, 6.4),
    (11.0, 0.8),
    (10.0, -3.0),
    (4.2, -3.0),
    (4.4, 6.4),
    (3.9, 15.0),
    (3.8, 22.0),
    (1.8, 33.0),
    (0.0, 38.2),
]
HEAD = (0.0, 91.3, 12.6, 15.6)  # centre x, centre y, width, height


def outline() -> list[tuple[float, float]]:
    """The closed body outline (both halves)."""
    right = _HALF_OUTLINE
    left = [(-x, y) for x, y in reversed(right[:-1])]
    return [*right, *left]


def base_name(region_id: str) -> str:
    for suffix in ("_left", "_right"):
        if region_id.endswith(suffix):
            return region_id[: -len(suffix)]
    return region_id


def position(region_id: str) -> tuple[float, float]:
    """Where the region's dot goes in its own view (x: negative = reader's left)."""
    r = all_regions()[region_id]
    dx, y = POINTS[base_name(region_id)]
    if r.side == "midline":
        return 0.0, y
    reader_right = (r.side == "left") == (r.view == "front")
    return (dx if reader_right else -dx), y


def radius(region_id: str) -> float:
    return SMALL_RADIUS if all_regions()[region_id].group in SMALL_GROUPS else RADIUS


def draw_view(
    ax: Any,
    view: str,
    heat: Mapping[str, float],
    numbers: Mapping[str, int],
    cmap: Any,
    title: str,
) -> None:
    """Draw one view on `ax`: outline, dots coloured 0-10 by `heat`, rank numbers in the dots.

    Regions with neither heat nor a number are not drawn, so the picture shows only what was
    recorded; numbered regions without heat are drawn as white rings.
    """
    from matplotlib.patches import Circle, Ellipse, Polygon

    line: dict[str, Any] = {"facecolor": "#f2efe8", "edgecolor": "#55524b", "linewidth": 0.8}
    ax.add_patch(Polygon(outline(), closed=True, joinstyle="round", **line))
    cx, cy, w, h = HEAD
    ax.add_patch(Ellipse((cx, cy), w, h, **line))
    # the neck drawn over the head outline, so head and body read as one shape
    ax.add_patch(
        Polygon(
            [(-3.9, 84.6), (-3.9, 86.5), (3.9, 86.5), (3.9, 84.6)],
            closed=True,
            facecolor=line["facecolor"],
            edgecolor="none",
        )
    )
    if view == "back":
        ax.plot([0, 0], [80, 43], color="#b9b5ab", linewidth=0.6)  # spine, for orientation
    ax.text(0, 104.5, title, ha="center", va="bottom", fontsize=8.5, fontweight="bold")
    # Which side is which, at shoulder height where the eye looks for it.
    left_label, right_label = ("right", "left") if view == "front" else ("left", "right")
    ax.text(-25, 84, left_label, ha="center", fontsize=6.5, color="#55524b")
    ax.text(25, 84, right_label, ha="center", fontsize=6.5, color="#55524b")
    regions = all_regions()
    shown = sorted(
        (rid for rid in heat if regions[rid].view == view and heat[rid] > 0),
        key=lambda rid: heat[rid],
    )
    # Numbered regions without a colour (e.g. spasms where no drawing marked pain): a ring.
    rings = [rid for rid in numbers if regions[rid].view == view and rid not in shown]
    for rid in rings + shown:  # strongest last, so it is drawn on top
        x, y = position(rid)
        value = min(max(heat.get(rid, 0.0), 0.0), 10.0)
        face = cmap(value / 10) if rid in shown else "white"
        ax.add_patch(Circle((x, y), radius(rid), facecolor=face, edgecolor="#3a3a3a", lw=0.6))
        if rid in numbers:
            dark = rid in shown and value >= 5.5
            ax.text(
                x,
                y - 0.1,
                str(numbers[rid]),
                ha="center",
                va="center",
                fontsize=5.2 if radius(rid) == RADIUS else 4.2,
                fontweight="bold",
                color="white" if dark else "#1a1a1a",
            )
    ax.set_xlim(-31, 31)
    ax.set_ylim(-5, 108)
    ax.set_aspect("equal")
    ax.axis("off")


def regions_without_point() -> Sequence[str]:
    """Region ids with no point in POINTS (a test keeps this empty)."""
    return [rid for rid in all_regions() if base_name(rid) not in POINTS]
