from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from spasmtrack.core.body import bodymap
from spasmtrack.core.body.bodymap import (
    MIN_TAP_PX,
    PHONE_VIEW_PX,
    WIDTH,
    colour,
    contrast_ratio,
    relative_luminance,
    render_bodymap,
    shapes,
    tap_size_px,
    text_colour,
    zooms,
)
from spasmtrack.core.body.regions import all_regions

SVG = "{http://www.w3.org/2000/svg}"
STATIC = Path(bodymap.__file__).resolve().parents[2] / "static"
VIEWS = ("front", "back")


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def region_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "data-region" in g.attrib]


@pytest.mark.parametrize("view", VIEWS)
def test_it_draws_each_region_of_the_view_exactly_once(view: str) -> None:
    drawn = [g.attrib["data-region"] for g in region_groups(parse(render_bodymap(view)))]
    own = [rid for rid, r in all_regions().items() if r.view == view]
    assert len(drawn) == len(set(drawn))
    assert set(own) <= set(drawn)


def test_it_draws_all_116_ids_and_no_unknown_ones() -> None:
    drawn = {
        g.attrib["data-region"] for v in VIEWS for g in region_groups(parse(render_bodymap(v)))
    }
    assert drawn == set(all_regions())
    assert len(drawn) == 116


def test_it_draws_regions_visible_from_both_sides_on_the_other_view_too() -> None:
    extra = {s.region for s in shapes("front") if not s.primary}
    assert "shoulder_top_left" in extra and "shoulder_top_right" in extra


@pytest.mark.parametrize(("view", "right_is_on_viewer_left"), [("front", True), ("back", False)])
def test_it_puts_the_persons_sides_where_the_convention_says(
    view: str, right_is_on_viewer_left: bool
) -> None:
    for s in shapes(view):
        x = s.centre[0]
        if s.region.endswith("_right"):
            assert (x < WIDTH / 2) == right_is_on_viewer_left, s.region
        elif s.region.endswith("_left"):
            assert (x > WIDTH / 2) == right_is_on_viewer_left, s.region


@pytest.mark.parametrize("view", VIEWS)
def test_it_mirrors_right_shapes_from_left_ones(view: str) -> None:
    by_id = {s.region: s for s in shapes(view)}
    for rid, s in by_id.items():
        if rid.endswith("_right"):
            left = by_id[rid[: -len("_right")] + "_left"]
            x0, y0, x1, y1 = left.bbox
            assert s.bbox == pytest.approx((WIDTH - x1, y0, WIDTH - x0, y1))


def test_it_labels_the_views_with_their_left_right_convention() -> None:
    assert "Front — your right is on the left" in render_bodymap("front")
    assert "Back — your left is on the left" in render_bodymap("back")


@pytest.mark.parametrize("view", VIEWS)
def test_it_gives_every_region_a_44px_target_on_a_phone_whole_or_magnified(view: str) -> None:
    scale = PHONE_VIEW_PX / WIDTH
    for s in shapes(view):
        x0, y0, x1, y1 = s.bbox
        fitting = [
            z.factor
            for z in zooms(view)
            if z.box[0] <= x0
            and z.box[1] <= y0
            and x1 <= z.box[0] + z.box[2]
            and y1 <= z.box[1] + z.box[3]
        ]
        best = max(fitting, default=1.0)
        assert min(x1 - x0, y1 - y0) * scale * best >= MIN_TAP_PX, s.region
        assert tap_size_px(s) >= MIN_TAP_PX


@pytest.mark.parametrize(
    ("rid", "big_enough_unzoomed"),
    [("chest_left", True), ("abdomen_upper", True), ("eye_left", False), ("thumb_right", False)],
)
def test_it_needs_magnifying_only_for_small_regions(rid: str, big_enough_unzoomed: bool) -> None:
    (shape,) = [s for v in VIEWS for s in shapes(v) if s.region == rid and s.primary]
    assert (tap_size_px(shape, zoomed=False) >= MIN_TAP_PX) == big_enough_unzoomed


@pytest.mark.parametrize("view", VIEWS)
def test_it_keeps_zoom_boxes_inside_the_view_at_its_aspect_ratio(view: str) -> None:
    for z in zooms(view):
        x, y, w, h = z.box
        assert x >= 0 and y >= 0
        assert x + w <= WIDTH + 1e-9 and y + h <= 440 + 1e-9
        assert h / w == pytest.approx(440 / WIDTH)


@pytest.mark.parametrize("view", VIEWS)
def test_it_keeps_shapes_apart_enough_to_tap(view: str) -> None:
    drawn = shapes(view)
    for s in drawn:
        others = [o for o in drawn if o is not s and _boxes_meet(o.bbox, s.bbox)]
        assert not any(o.contains(*s.centre) for o in others), s.region
        x0, y0, x1, y1 = s.bbox
        inside = covered = 0
        for i in range(int(x0), int(x1) + 1):
            for j in range(int(y0), int(y1) + 1):
                if s.contains(i + 0.5, j + 0.5):
                    inside += 1
                    covered += any(o.contains(i + 0.5, j + 0.5) for o in others)
        assert covered <= 0.05 * inside, s.region


def _boxes_meet(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("view", VIEWS)
def test_it_makes_every_region_a_focusable_toggle_button(view: str) -> None:
    root = parse(render_bodymap(view, selected={"calf_left": 7, "forehead": 0}))
    for g in region_groups(root):
        rid = g.attrib["data-region"]
        label = all_regions()[rid].label
        assert g.attrib["role"] == "button"
        assert g.attrib["tabindex"] == "0"
        if rid == "calf_left":
            assert g.attrib["aria-pressed"] == "true"
            assert g.attrib["aria-label"] == "calf (left), intensity 7"
            assert "bm-i7" in g.attrib["class"].split()
            assert g.find(f"{SVG}text").text == "7"
        elif rid != "forehead":
            assert g.attrib["aria-pressed"] == "false"
            assert g.attrib["aria-label"] == label


def test_it_treats_intensity_zero_as_selected() -> None:
    (g,) = [
        g
        for g in region_groups(parse(render_bodymap("front", selected={"forehead": 0})))
        if g.attrib["data-region"] == "forehead"
    ]
    assert g.attrib["aria-pressed"] == "true"
    assert g.attrib["aria-label"] == "forehead, intensity 0"


def test_it_escapes_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    evil = "calf <b>\"&'</b> (left)"
    regions = dict(all_regions())
    regions["calf_left"] = replace(regions["calf_left"], label=evil)
    monkeypatch.setattr(bodymap, "all_regions", lambda: regions)
    for markup in (
        render_bodymap("back", selected={"calf_left": 3}),
        render_bodymap("back", heat={"calf_left": 2.0}),
        render_bodymap("back", selected={"calf_left": 3}, interactive=False),
    ):
        root = parse(markup)
        assert root.find(f".//{SVG}b") is None
        (g,) = [g for g in region_groups(root) if g.attrib["data-region"] == "calf_left"]
        assert g.attrib["aria-label"].startswith(evil)


def test_it_rejects_an_id_prefix_that_could_break_out_of_an_attribute() -> None:
    with pytest.raises(ValueError):
        render_bodymap("front", id_prefix='x" onload="alert(1)')


@pytest.mark.parametrize(
    "kwargs",
    [
        {"selected": {"nose": 3}},
        {"selected": {"calf_left": 11}},
        {"selected": {"calf_left": True}},
        {"selected": {"calf_left": 2.5}},
        {"heat": {"calf_left": float("nan")}},
        {"heat": {"elbow": 3.0}},
    ],
)
def test_it_rejects_bad_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        render_bodymap("front", **kwargs)  # type: ignore[arg-type]


def test_it_rejects_an_unknown_view() -> None:
    with pytest.raises(ValueError):
        render_bodymap("side")


def test_it_draws_a_heatmap_with_titles_and_a_legend() -> None:
    root = parse(render_bodymap("back", heat={"calf_left": 6.2, "calf_right": 0.0}))
    groups = {g.attrib["data-region"]: g for g in region_groups(root)}
    assert groups["calf_left"].find(f"{SVG}title").text == "calf (left): 6.2"
    assert groups["calf_left"].find(f"{SVG}path").attrib["fill"] == colour(6.2)
    assert groups["heel_left"].find(f"{SVG}title").text == "heel (left): no entries"
    assert all("tabindex" not in g.attrib for g in groups.values())
    assert root.find(f".//{SVG}linearGradient") is not None


def test_it_interpolates_between_scale_anchors() -> None:
    anchors = bodymap.colour_anchors()
    assert colour(0) == anchors[0] and colour(10) == anchors[-1] and colour(7) == anchors[7]
    assert colour(-3) == anchors[0] and colour(99) == anchors[-1]
    assert anchors[6] < colour(6.5) < anchors[7] or anchors[7] < colour(6.5) < anchors[6]


def test_it_gets_lighter_as_values_rise() -> None:
    lum = [relative_luminance(colour(v / 4)) for v in range(41)]
    assert all(a < b for a, b in zip(lum, lum[1:], strict=False))


def test_it_embeds_the_published_cividis_colours() -> None:
    cm = pytest.importorskip("matplotlib").colormaps["cividis"]
    for i, hex_colour in enumerate(bodymap.colour_anchors()):
        rgb = cm(i / 10)[:3]
        assert hex_colour == "#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in rgb))


@pytest.mark.parametrize("intensity", range(11))
def test_it_keeps_number_labels_readable(intensity: int) -> None:
    bg = colour(intensity)
    assert contrast_ratio(bg, text_colour(bg)) >= 4.5


def test_it_keeps_the_stylesheet_colours_in_step_with_the_scale() -> None:
    css = (STATIC / "css" / "bodymap.css").read_text()
    fills = dict(re.findall(r"\.bm-i(\d+) \.bm-s,[^{]*\{ fill: (#[0-9a-f]{6}); \}", css))
    assert fills == {str(i): colour(i) for i in range(11)}
    for i in range(11):
        rule = re.search(rf"\.bm-i{i} \.bm-v[^{{]*\{{ fill: (#[0-9a-f]+); \}}", css)
        assert rule is not None
        assert rule.group(1) in ("#fff", "#000")
        assert (rule.group(1) == "#fff") == (text_colour(colour(i)) == "#ffffff")


def test_it_keeps_the_script_and_stylesheet_small_and_offline() -> None:
    js = (STATIC / "js" / "bodymap.js").read_text()
    css = (STATIC / "css" / "bodymap.css").read_text()
    assert len(js.encode()) + len(css.encode()) <= 20_000
    assert not re.search(r"fetch\(|XMLHttpRequest|sendBeacon|WebSocket|import\(", js)
    assert "spasmtrack.lastIntensity" in js and "aria-live" in js


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("interactive", [True, False])
def test_it_produces_well_formed_svg(view: str, interactive: bool) -> None:
    root = parse(render_bodymap(view, selected={"calf_left": 2}, interactive=interactive))
    assert root.tag == f"{SVG}svg"
    assert (root.find(f".//{SVG}g[@role='button']") is not None) == interactive
