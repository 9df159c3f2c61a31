from __future__ import annotations

import re
from dataclasses import replace

import pytest

from spasmtrack.core.body.muscles import (
    InvalidMuscleData,
    all_muscles,
    for_side,
    muscle,
    validate,
)
from spasmtrack.core.body.regions import all_regions

MUSCLES = list(all_muscles().values())
REQUIRED = [
    "upper_trapezius",
    "sternocleidomastoid_sternal",
    "sternocleidomastoid_clavicular",
    "levator_scapulae",
    "gluteus_minimus",
]


def test_it_knows_at_least_60_muscles() -> None:
    assert len(MUSCLES) >= 60


@pytest.mark.parametrize("muscle_id", REQUIRED)
def test_it_has_the_required_ids(muscle_id: str) -> None:
    assert muscle(muscle_id).id == muscle_id


def test_it_covers_every_body_area() -> None:
    groups = {m.group for m in MUSCLES}
    assert {"head", "neck", "shoulder", "arm", "trunk", "hip", "leg"} <= groups


def test_it_uses_unique_snake_case_ids() -> None:
    ids = [m.id for m in MUSCLES]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", i) for i in ids)


@pytest.mark.parametrize("m", MUSCLES, ids=lambda m: m.id)
def test_it_uses_only_known_left_or_midline_region_ids(m) -> None:
    regions = all_regions()
    for r in m.trp_regions + m.essential + m.spillover:
        assert r in regions
        assert regions[r].side in ("left", "midline")
    assert m.essential


@pytest.mark.parametrize("m", MUSCLES, ids=lambda m: m.id)
def test_every_muscle_has_a_cited_source_with_a_locator(m) -> None:
    assert m.sources
    assert all(s.citation.strip() for s in m.sources)
    assert any(s.url or s.doi or s.isbn for s in m.sources)


@pytest.mark.parametrize("m", MUSCLES, ids=lambda m: m.id)
def test_every_muscle_has_plain_language_notes(m) -> None:
    assert m.self_check and m.self_care and m.aggravated_by
    assert 0 < m.prevalence <= 1


def test_it_keeps_the_stored_left_side_for_left() -> None:
    s = for_side(muscle("upper_trapezius"), "left")
    assert "temple_left" in s.essential
    assert s.trp_regions == muscle("upper_trapezius").trp_regions


def test_it_mirrors_every_region_for_the_right_side() -> None:
    s = for_side(muscle("upper_trapezius"), "right")
    assert s.side == "right"
    assert "temple_right" in s.essential and "temple_left" not in s.essential
    assert all(not r.endswith("_left") for r in s.trp_regions + s.essential + s.spillover)


def test_it_keeps_midline_regions_when_mirroring() -> None:
    right = for_side(muscle("sternocleidomastoid_sternal"), "right")
    assert "vertex" in right.essential
    assert "sternum" in right.spillover


def test_both_unites_the_sides_and_lists_midline_regions_once() -> None:
    both = for_side(muscle("sternocleidomastoid_sternal"), "both")
    assert both.essential.count("vertex") == 1
    assert {"eye_left", "eye_right", "cheek_left", "cheek_right"} <= set(both.essential)


def test_it_rejects_an_unknown_side() -> None:
    with pytest.raises(ValueError):
        for_side(muscle("deltoid"), "middle")  # type: ignore[arg-type]


def test_validation_rejects_unknown_region_ids() -> None:
    bad = replace(muscle("deltoid"), essential=("shoulder_left",))
    with pytest.raises(InvalidMuscleData, match="shoulder_left"):
        validate([bad])


def test_validation_rejects_right_sided_data() -> None:
    bad = replace(muscle("deltoid"), spillover=("elbow_outer_right",))
    with pytest.raises(InvalidMuscleData, match="left-sided"):
        validate([bad])


def test_validation_rejects_duplicate_ids_and_missing_sources() -> None:
    with pytest.raises(InvalidMuscleData, match="duplicate"):
        validate([muscle("deltoid"), muscle("deltoid")])
    with pytest.raises(InvalidMuscleData, match="no source"):
        validate([replace(muscle("deltoid"), sources=())])


def test_to_dict_has_the_keys_the_cli_lists() -> None:
    d = muscle("levator_scapulae").to_dict()
    assert {"id", "name", "trp_regions", "essential", "spillover", "sources"} <= set(d)
    assert all("citation" in s for s in d["sources"])
