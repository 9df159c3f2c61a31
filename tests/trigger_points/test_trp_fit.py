from __future__ import annotations

import pytest

from spasmtrack.core.body.referral import find
from spasmtrack.trigger_points.finder import fit_share, fit_words

TENSION = {"neck_side_left": 6, "mastoid_left": 5, "temple_left": 7}


def _candidate(drawing: dict[str, float], muscle: str):
    return next(c for c in find(drawing, limit=63) if c.muscle == muscle)


def test_it_says_fits_well_when_the_main_zone_covers_the_drawing() -> None:
    c = _candidate(TENSION, "upper_trapezius")
    assert fit_share(c, TENSION) == pytest.approx(1.0)
    assert fit_words(c, TENSION) == "fits well"


def test_spillover_counts_half_and_unexplained_nothing() -> None:
    drawing = {"temple_left": 10, "jaw_left": 10, "heel_right": 10}
    c = _candidate(drawing, "upper_trapezius")  # temple essential, jaw spillover, heel neither
    assert c.explains_spillover == ("jaw_left",)
    assert fit_share(c, drawing) == pytest.approx(1.5 / 3)
    assert fit_words(c, drawing) == "fits fairly well"


def test_a_mostly_unexplained_drawing_fits_a_little() -> None:
    drawing = {"temple_left": 2, "heel_right": 9, "calf_right": 9, "sole_right": 9}
    c = _candidate(drawing, "temporalis")
    weights = [0.5 + 0.05 * v for v in drawing.values()]
    assert fit_share(c, drawing) == pytest.approx(weights[0] / sum(weights))
    assert fit_words(c, drawing) == "fits a little"
