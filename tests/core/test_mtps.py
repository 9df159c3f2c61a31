"""Scoring of the tender-point self-pressure exam (after the Manual Tender Point Survey)."""

from __future__ import annotations

from typing import Any

import pytest

from spasmtrack.core.body.regions import all_regions
from spasmtrack.core.questionnaires import (
    QuestionnaireError,
    definitions,
    interpretation,
    mtps_site_ids,
    score_mtps,
)

SITES = mtps_site_ids()
TENDER = [s for s in SITES if s != "forehead"]


def exam(value: int = 0, algometer: dict[str, Any] | None = None, **over: int) -> dict[str, Any]:
    ratings = dict.fromkeys(SITES, value)
    ratings.update(over)
    return {"ratings": ratings, "algometer": algometer or {}}


def test_it_has_the_18_tender_points_in_9_pairs_plus_a_forehead_control() -> None:
    assert len(SITES) == 19 and SITES[0] == "forehead"
    pairs = {s.rsplit("_", 1)[0] for s in TENDER}
    assert len(pairs) == 9
    assert all(f"{p}_left" in SITES and f"{p}_right" in SITES for p in pairs)


def test_every_site_is_on_the_body_map_on_its_own_side() -> None:
    regions = all_regions()
    for item in definitions()["questionnaires"]["mtps"]["items"]:
        assert item["region"] in regions
        assert item["where"] and item["sources"]
        if item["id"].endswith(("_left", "_right")):
            assert item["region"].endswith(item["id"].rsplit("_", 1)[1])


def test_it_scores_a_worked_example_exactly() -> None:
    # 18 sites: six at 0, six at 1, three at 2, three at 9 -> sum 6 + 6 + 27 = 39; 39/18
    ratings = dict(zip(TENDER, [0] * 6 + [1] * 6 + [2] * 3 + [9] * 3, strict=True))
    result = score_mtps({"ratings": {"forehead": 1, **ratings}, "algometer": {}})
    assert result["sensitisation"] == 2.17  # 2.1666...
    assert result["tender_sites"] == 6  # rated 2 or more (Okifuji 1997)
    assert result["control"] == 1
    assert result["algometer_mean"] is None and result["algometer_sites"] == 0
    assert result["sites"]["forehead"] == 1 and list(result["sites"]) == list(SITES)


def test_the_control_site_does_not_count() -> None:
    assert score_mtps(exam(0, forehead=10))["sensitisation"] == 0.0
    assert score_mtps(exam(0, forehead=10))["tender_sites"] == 0
    assert score_mtps(exam(10, forehead=0))["sensitisation"] == 10.0


def test_it_rounds_half_up() -> None:
    # One site at 9 and the rest 0: 9/18 = 0.5; 5 sites at 1 -> 5/18 = 0.2777 -> 0.28.
    assert score_mtps(exam(0, **{TENDER[0]: 9}))["sensitisation"] == 0.5
    assert score_mtps(exam(0, **dict.fromkeys(TENDER[:5], 1)))["sensitisation"] == 0.28


@pytest.mark.parametrize(("rating", "tender"), [(0, 0), (1, 0), (2, 18), (10, 18)])
def test_the_threshold_is_two(rating: int, tender: int) -> None:
    assert score_mtps(exam(rating))["tender_sites"] == tender


def test_it_averages_the_algometer_readings_given() -> None:
    readings = {
        "trapezius_left": 2.5,
        "trapezius_right": 3.0,
        "knee_left": 4.25,
        "knee_right": None,
    }
    result = score_mtps(exam(3, algometer=readings))
    assert result["algometer_sites"] == 3
    assert result["algometer_mean"] == 3.25  # (2.5 + 3 + 4.25) / 3 exactly


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"ratings": {}}, "algometer: missing"),
        (exam(11), "ratings[forehead]: must be an integer 0-10, got 11"),
        (exam(algometer={"elbow": 3}), "algometer[elbow]: unknown tender-point site"),
        (exam(algometer={"knee_left": -1}), "algometer[knee_left]: must be 0-15 kg/cm2, got -1"),
        (exam(algometer={"knee_left": "3"}), "algometer[knee_left]: must be a number of kg/cm2"),
        (exam(algometer={"knee_left": True}), "algometer[knee_left]: must be a number of kg/cm2"),
        ({"ratings": [1, 2], "algometer": {}}, "ratings: must be a mapping"),
    ],
)
def test_it_rejects_bad_answers(answers: dict[str, Any], message: str) -> None:
    with pytest.raises(QuestionnaireError, match=message.replace("[", r"\[").replace("]", r"\]")):
        score_mtps(answers)


def test_it_needs_every_site() -> None:
    answers = exam(3)
    del answers["ratings"]["knee_right"]
    with pytest.raises(QuestionnaireError, match="knee_right: missing"):
        score_mtps(answers)
    answers = exam(3)
    answers["ratings"]["elbow"] = 3
    with pytest.raises(QuestionnaireError, match="elbow: unknown item"):
        score_mtps(answers)


def test_it_says_it_measures_tenderness_not_a_diagnosis() -> None:
    words = interpretation("mtps", score_mtps(exam(3, algometer={"knee_left": 4})))
    assert "3.0 of 10" in words and "18 of 18" in words
    assert "not a diagnosis" in words and "4.0 kg/cm2" in words


def test_it_cites_listed_sources() -> None:
    defs = definitions()
    q = defs["questionnaires"]["mtps"]
    cited = set(q["sources"]) | set(q["scoring"]["sources"]) | set(q["pressure"]["sources"])
    cited |= {s for item in q["items"] for s in item["sources"]}
    assert cited <= set(defs["sources"])
    assert "Okifuji1997" in cited
