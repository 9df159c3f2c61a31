"""The report's arithmetic and body-map geometry, from plain values (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from spasmtrack.core.body.regions import all_regions
from spasmtrack.reports import bodymap
from spasmtrack.reports.summary import (
    Change,
    heat_map,
    measure_rows,
    region_rows,
    treatment_rows,
    trigger_point_rows,
    week_starts,
    weeks,
)


def test_it_covers_the_period_with_monday_weeks() -> None:
    # Wed 4 Mar .. Sun 22 Mar 2026 overlaps the weeks of 2, 9 and 16 March.
    assert week_starts(date(2026, 3, 4), date(2026, 3, 22)) == [
        date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)
    ]  # fmt: skip
    assert week_starts(date(2026, 3, 9), date(2026, 3, 9)) == [date(2026, 3, 9)]


def test_it_counts_spasms_and_twitches_per_week_ignoring_days_outside() -> None:
    events = [
        (date(2026, 3, 1), "spasm", 9),  # before the period
        (date(2026, 3, 2), "spasm", 4),
        (date(2026, 3, 8), "spasm", 8),  # Sunday: still the first week
        (date(2026, 3, 8), "twitch", 2),
        (date(2026, 3, 9), "twitch", 3),
    ]
    got = weeks(date(2026, 3, 2), date(2026, 3, 15), events, [])
    assert [(w.start, w.spasms, w.twitches, w.spasm_intensity) for w in got] == [
        (date(2026, 3, 2), 2, 1, 6.0),
        (date(2026, 3, 9), 0, 1, None),
    ]


def test_it_averages_checkins_per_week_skipping_blank_items() -> None:
    checkins = [
        (date(2026, 3, 2), {"overall_pain": 4, "sleep_quality": None}),
        (date(2026, 3, 3), {"overall_pain": 6, "sleep_quality": 7}),
    ]
    (week,) = weeks(date(2026, 3, 2), date(2026, 3, 8), [], checkins)
    assert week.checkins["overall_pain"] == 5.0
    assert week.checkins["sleep_quality"] == 7.0
    assert week.checkins["fatigue"] is None


def test_it_ranks_regions_by_frequency_times_intensity() -> None:
    drawings = [
        {"calf_left": 4, "neck_back_left": 9},
        {"calf_left": 6, "jaw_left": 0},
        {"calf_left": 5},
    ]
    rows = region_rows(drawings, [(["lumbar_left"], 7), (["calf_left", "lumbar_left"], 5)])
    assert [r.region_id for r in rows] == ["calf_left", "neck_back_left", "lumbar_left"]
    calf = rows[0]
    assert (calf.drawings, calf.mean_pain, calf.heat, calf.events) == (3, 5.0, 5.0, 1)
    assert rows[1].heat == 3.0  # 9 once in three drawings
    assert rows[2].event_intensity == 6.0 and rows[2].drawings == 0


def test_it_colours_from_drawings_else_from_events() -> None:
    rows = region_rows([], [(["calf_left"], 7)])
    assert heat_map(rows, has_drawings=False) == ({"calf_left": 7.0}, "events")
    rows = region_rows([{"neck_back_left": 6}], [(["calf_left"], 7)])
    assert heat_map(rows, has_drawings=True) == ({"neck_back_left": 6.0}, "drawings")
    assert heat_map([], has_drawings=False) == ({}, "")


def test_it_follows_each_trigger_point_from_first_to_latest() -> None:
    points = [
        (date(2026, 3, 2), "Upper trapezius", "left", "active", 8, "clinician"),
        (date(2026, 3, 5), "Gastrocnemius", "right", "active", 6, "self"),
        (date(2026, 3, 20), "Upper trapezius", "left", "latent", 3, "self"),
    ]
    first, second = trigger_point_rows(points)
    assert (first.muscle, first.times, first.first_tenderness, first.last_tenderness) == (
        "Upper trapezius", 2, 8, 3
    )  # fmt: skip
    assert (first.status, first.found_by, first.last_day) == (
        "latent", "clinician, self-check", date(2026, 3, 20)
    )  # fmt: skip
    assert second.found_by == "self-check"


def test_it_averages_pain_before_and_after_only_over_complete_pairs() -> None:
    logs = [("Heat", 6, 3), ("Heat", 8, 5), ("Heat", 7, None), ("Stretching", None, None)]
    heat, stretching = treatment_rows(logs)
    assert (heat.times, heat.pairs, heat.mean_before, heat.mean_after) == (3, 2, 7.0, 4.0)
    assert (stretching.pairs, stretching.mean_before) == (0, None)


def test_it_has_a_point_for_every_body_region() -> None:
    assert bodymap.regions_without_point() == []


@pytest.mark.parametrize(
    ("region_id", "reader_side"),
    [
        ("jaw_left", "right"),  # front view faces the reader: the person's left is on the right
        ("jaw_right", "left"),
        ("calf_left", "left"),  # back view: seen from behind, left stays left
        ("calf_right", "right"),
    ],
)
def test_it_mirrors_sides_by_view(region_id: str, reader_side: str) -> None:
    x, _ = bodymap.position(region_id)
    assert (x > 0) == (reader_side == "right")


def test_it_puts_midline_regions_on_the_midline() -> None:
    midline = [rid for rid, r in all_regions().items() if r.side == "midline"]
    assert midline and all(bodymap.position(rid)[0] == 0 for rid in midline)


def test_it_keeps_every_dot_inside_the_outline() -> None:
    from matplotlib.path import Path

    body = Path(bodymap.outline())
    cx, cy, w, h = bodymap.HEAD
    for rid in all_regions():
        x, y = bodymap.position(rid)
        in_head = ((x - cx) / (w / 2)) ** 2 + ((y - cy) / (h / 2)) ** 2 <= 1.05
        assert in_head or body.contains_point((x, y)), rid


def test_it_compares_measurement_means_and_leaves_out_what_is_not_there() -> None:
    d1, d2, d3 = date(2026, 4, 1), date(2026, 4, 2), date(2026, 4, 3)
    now = {"sleep_hours": {d1: 6.0, d2: 7.0}, "steps": {d1: 5200.0}, "my_own": {d1: 1.0}}
    before = {"sleep_hours": {d3: 8.0}, "temperature_max": {d1: 4.0, d2: 8.0}}
    rows = measure_rows(now, before)
    # REPORT_MEASURES order; a metric of the person's own is left out
    assert [(r.change.label, r.days, r.previous_days) for r in rows] == [
        ("Sleep (hours a night)", 2, 1),
        ("Steps a day", 1, 0),
        ("Highest temperature of the day (°C)", 0, 2),
    ]
    sleep, steps, warm = rows
    assert (sleep.change.now_text, sleep.change.before_text) == ("6.5", "8.0")
    assert sleep.change.change_text == "−1.5 (−19%)" and sleep.change.mcid is None
    assert steps.change.now_text == "5,200" and steps.change.change_text == "–"
    assert warm.change.now_text == "not recorded" and warm.change.before_text == "6.0"


def test_it_prints_changes_of_the_printed_values_and_no_percentage_where_none_means_anything() -> (
    None
):
    # the change of the printed values: 63 beside 63 is ±0 (never "−0 (−0%)"), 63 beside 64 −1
    assert Change("Heart rate", 63.2, 63.4, digits=0).change_text == "±0"
    assert Change("Heart rate", 63.2, 63.4, digits=0).verdict == "no change"
    assert Change("Heart rate", 63.4, 63.6, digits=0).change_text == "−1 (−2%)"
    assert Change("Warmth", 6.0, 4.0, percent=False).change_text == "+2.0"
    assert Change("Steps", 6000.0, 4500.0, digits=0).change_text == "+1,500 (+33%)"
