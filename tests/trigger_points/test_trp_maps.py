from __future__ import annotations

import re

import pytest

from spasmtrack.core.body.bodymap import HEIGHT, WIDTH, shapes
from spasmtrack.core.body.muscles import Side, SidedMuscle, all_muscles, for_side
from spasmtrack.trigger_points.maps import (
    ESSENTIAL,
    LEGEND,
    SPILLOVER,
    TRP_SITE,
    pattern_maps,
    pattern_values,
    pattern_views,
)


def sided(muscle: str, side: Side = "left") -> SidedMuscle:
    return for_side(all_muscles()[muscle], side)


def test_it_numbers_trp_sites_above_the_main_zone_above_spillover() -> None:
    values = pattern_values(sided("upper_trapezius"))
    assert values["shoulder_top_left"] == TRP_SITE
    assert values["neck_back_left"] == TRP_SITE  # a TrP site inside its own zone stays 10
    assert values["temple_left"] == ESSENTIAL
    assert values["occiput_left"] == SPILLOVER
    assert TRP_SITE > ESSENTIAL > SPILLOVER


def test_it_mirrors_the_pattern_for_the_right_side() -> None:
    values = pattern_values(sided("upper_trapezius", "right"))
    assert values["temple_right"] == ESSENTIAL and "temple_left" not in values


@pytest.mark.parametrize(
    ("muscle", "views"),
    [
        ("temporalis", ["front"]),
        ("middle_trapezius", ["back"]),
        ("upper_trapezius", ["front", "back"]),
    ],
)
def test_it_draws_only_views_that_hold_part_of_the_pattern(muscle: str, views: list[str]) -> None:
    assert pattern_views(pattern_values(sided(muscle))) == views
    assert [pm.view for pm in pattern_maps(sided(muscle), "p")] == views


def test_it_rings_and_labels_each_trigger_point_site() -> None:
    (front,) = pattern_maps(sided("temporalis"), "p")
    ring = front.svg[front.svg.index('<g class="trp-ring"') :]
    assert ring.endswith("</g></svg>")
    assert ring.count("<ellipse") == len(sided("temporalis").trp_regions) == 1
    assert ">TrP</text>" in ring


def test_it_gives_neighbouring_trigger_point_sites_one_ring() -> None:
    s = sided("middle_trapezius")
    assert len(s.trp_regions) == 2  # side by side on the back
    (back,) = pattern_maps(s, "p")
    assert back.svg.count("<ellipse") == 1 and back.svg.count(">TrP</text>") == 1


def test_it_keeps_ids_apart_by_prefix_and_view() -> None:
    maps = pattern_maps(sided("upper_trapezius"), "trp2") + pattern_maps(
        sided("levator_scapulae"), "trp3"
    )
    ids = [i for pm in maps for i in re.findall(r' id="([^"]+)"', pm.svg)]
    assert ids == ["trp2-front-label", "trp2-back-label", "trp3-front-label", "trp3-back-label"]


def test_it_states_the_numbers_in_words() -> None:
    assert LEGEND == (
        "numbers: 10 = where the trigger point lies, 7 = main pain zone, 3 = spillover"
    )


@pytest.mark.parametrize(
    ("muscle", "side"), [("temporalis", "left"), ("soleus", "right"), ("middle_trapezius", "both")]
)
def test_it_crops_each_view_to_the_whole_pattern(muscle: str, side: Side) -> None:
    s = sided(muscle, side)
    for pm in pattern_maps(s, "p"):
        x, y, w, h = pm.box
        assert x >= 0 and x + w <= WIDTH + 1e-9 and y >= 0 and y + h <= HEIGHT + 1e-9
        assert w < WIDTH or h < HEIGHT  # a crop, not the whole body
        for shape in shapes(pm.view):
            if shape.region in pattern_values(s):
                x0, y0, x1, y1 = shape.bbox
                assert x <= x0 and x1 <= x + w and y <= y0 and y1 <= y + h, shape.region
        shown = [float(v) for v in re.search(r' viewBox="([^"]+)"', pm.svg)[1].split()]  # type: ignore[index]
        assert shown == pytest.approx(list(pm.box), abs=0.05)
        assert pm.name.startswith(pm.view.capitalize() + " — your")


def test_it_leaves_out_regions_outside_the_crop() -> None:
    (front,) = pattern_maps(sided("temporalis"), "p")  # the head only
    assert 'data-region="forehead"' in front.svg
    assert 'data-region="sole_left"' not in front.svg
    assert front.svg.count("<svg") == 1 and front.svg.endswith("</svg>")
