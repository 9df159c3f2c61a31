from __future__ import annotations

from typing import Any

import pytest

from spasmtrack.core.body.regions import all_regions
from spasmtrack.core.questionnaires import (
    QuestionnaireError,
    definitions,
    interpretation,
    score_acr2016,
    score_fiqr,
    score_peg,
    wpi_area_ids,
    wpi_prefill,
)

# One counted area in each of the 5 regions, then fillers that add to the WPI only.
ONE_PER_REGION = ["shoulder_girdle_left", "shoulder_girdle_right", "hip_left", "hip_right", "neck"]
EXCLUDED = ["jaw_left", "jaw_right", "chest", "abdomen"]


def acr(areas: list[str], sss: int = 0, months: bool = True, **over: Any) -> dict[str, Any]:
    """ACR answers with `sss` spread over the items (part A first, then part B)."""
    answers: dict[str, Any] = {"pain_areas": areas, "symptoms_3_months": months}
    left = sss
    for item, top in (("fatigue", 3), ("waking_unrefreshed", 3), ("cognitive", 3)):
        answers[item] = min(top, left)
        left -= answers[item]
    for item in ("headaches", "lower_abdominal", "depression"):
        answers[item] = min(1, left)
        left -= answers[item]
    assert left == 0, "sss above 12"
    answers.update(over)
    return answers


def fiqr(function: Any = None, overall: Any = None, symptoms: Any = None) -> dict[str, Any]:
    return {
        "function": [5] * 9 if function is None else function,
        "overall": [6, 7] if overall is None else overall,
        "symptoms": [6] * 10 if symptoms is None else symptoms,
    }


# --- knowledge file ---------------------------------------------------------------------


def test_it_uses_exactly_the_wpi_area_ids_of_the_region_vocabulary() -> None:
    csv_areas = {r.wpi_area for r in all_regions().values() if r.wpi_area}
    assert len(wpi_area_ids()) == 19
    assert set(wpi_area_ids()) == csv_areas


def test_it_defines_21_fiqr_items_split_9_2_10_with_exact_divisors() -> None:
    domains = definitions()["questionnaires"]["fiqr"]["domains"]
    shape = [(d["id"], d["n_items"], len(d["items"]), d["divisor"]) for d in domains]
    assert shape == [("function", 9, 9, 3), ("overall", 2, 2, 1), ("symptoms", 10, 10, 2)]


def test_it_cites_only_sources_that_are_listed() -> None:
    data = definitions()
    cited: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "sources" and isinstance(value, list):
                    cited.update(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data["questionnaires"])
    assert cited and cited <= set(data["sources"])


def test_it_leaves_jaw_chest_and_abdomen_out_of_the_region_count() -> None:
    regions = definitions()["questionnaires"]["acr2016"]["regions"]
    counted = {a for r in regions["items"] for a in r["counted_areas"]}
    assert counted == set(wpi_area_ids()) - set(EXCLUDED)
    assert set(regions["excluded_areas"]) == set(EXCLUDED)


# --- ACR 2016 -----------------------------------------------------------------------------


def test_it_scores_a_worked_acr_example() -> None:
    # 8 areas covering all 5 regions; fatigue 3, unrefreshed 2, cognitive 1, headaches 1.
    answers = {
        "pain_areas": [*ONE_PER_REGION, "upper_back", "lower_back", "chest"],
        "fatigue": 3,
        "waking_unrefreshed": 2,
        "cognitive": 1,
        "headaches": 1,
        "lower_abdominal": 0,
        "depression": 0,
        "symptoms_3_months": True,
    }
    assert score_acr2016(answers) == {
        "wpi": 8,
        "sss": 7,
        "fs": 15,
        "regions_with_pain": 5,
        "generalized_pain": True,
        "meets_criteria": True,
    }


@pytest.mark.parametrize(
    ("wpi", "sss", "met"),
    [
        (3, 12, False),
        (4, 8, False),
        (4, 9, True),
        (6, 8, False),
        (6, 9, True),
        (7, 4, False),
        (7, 5, True),
        (19, 5, True),
        (19, 4, False),
    ],
)
def test_it_applies_the_wpi_sss_thresholds_at_their_boundaries(
    wpi: int, sss: int, met: bool
) -> None:
    # Areas from at least 4 regions whenever wpi >= 4, so only WPI and SSS decide.
    ordered = ONE_PER_REGION[:4] + [a for a in wpi_area_ids() if a not in ONE_PER_REGION[:4]]
    result = score_acr2016(acr(ordered[:wpi], sss))
    assert (result["wpi"], result["sss"], result["fs"]) == (wpi, sss, wpi + sss)
    assert result["generalized_pain"] is (wpi >= 4)
    assert result["meets_criteria"] is met


def test_it_requires_pain_in_4_of_5_regions() -> None:
    three = score_acr2016(acr(["shoulder_girdle_left", "hip_left", "neck"], 12))
    four = score_acr2016(acr(["shoulder_girdle_left", "hip_left", "hip_right", "neck"], 12))
    assert (three["regions_with_pain"], three["generalized_pain"]) == (3, False)
    assert (four["regions_with_pain"], four["generalized_pain"]) == (4, True)


def test_it_counts_jaw_chest_and_abdomen_in_wpi_but_not_in_regions() -> None:
    # Left upper only via the jaw, axial only via chest + abdomen: 3 regions, not 4.
    areas = ["jaw_left", "upper_arm_right", "hip_left", "lower_leg_right", "chest", "abdomen"]
    result = score_acr2016(acr(areas + ["jaw_right"], 12))
    assert result["wpi"] == 7
    assert result["regions_with_pain"] == 3  # right upper, left lower, right lower
    assert result["generalized_pain"] is False
    assert result["meets_criteria"] is False


def test_it_needs_three_months_of_symptoms() -> None:
    areas = ONE_PER_REGION + ["upper_back", "lower_back"]
    assert score_acr2016(acr(areas, 5, months=True))["meets_criteria"] is True
    assert score_acr2016(acr(areas, 5, months=False))["meets_criteria"] is False


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"fatigue": 5}, "fatigue: must be an integer 0-3, got 5"),
        ({"cognitive": -1}, "cognitive: must be an integer 0-3, got -1"),
        ({"waking_unrefreshed": 1.0}, "waking_unrefreshed: must be an integer 0-3, got 1.0"),
        ({"headaches": True}, "headaches: must be an integer 0-1, got True"),
        ({"depression": 2}, "depression: must be an integer 0-1, got 2"),
        ({"lower_abdominal": "1"}, "lower_abdominal: must be an integer 0-1, got '1'"),
        ({"symptoms_3_months": 1}, "symptoms_3_months: must be true or false, got 1"),
        ({"pain_areas": ["neck", "neck"]}, "pain_areas: duplicate WPI area 'neck'"),
        ({"pain_areas": ["neck", "hand_left"]}, "pain_areas: unknown WPI area 'hand_left'"),
        ({"pain_areas": "neck"}, "pain_areas: must be a list of WPI area ids, got 'neck'"),
        ({"sleep": 2}, "sleep: unknown item for acr2016"),
    ],
)
def test_it_rejects_bad_acr_answers(over: dict[str, Any], message: str) -> None:
    with pytest.raises(QuestionnaireError) as err:
        score_acr2016(acr(["neck"], 0, **over))
    assert str(err.value) == message


@pytest.mark.parametrize("key", ["pain_areas", "fatigue", "depression", "symptoms_3_months"])
def test_it_rejects_missing_acr_items(key: str) -> None:
    answers = acr(["neck"], 0)
    del answers[key]
    with pytest.raises(QuestionnaireError) as err:
        score_acr2016(answers)
    assert (err.value.item, err.value.reason) == (key, "missing")


def test_it_rejects_answers_that_are_not_a_mapping() -> None:
    with pytest.raises(QuestionnaireError, match="answers must be a mapping"):
        score_acr2016([("fatigue", 1)])  # type: ignore[arg-type]


# --- FIQR ---------------------------------------------------------------------------------


def test_it_scores_the_worked_fiqr_example() -> None:
    # fiqr.md: function all 5 -> 15; overall 6 + 7 = 13; symptoms all 6 -> 30; total 58.
    assert score_fiqr(fiqr()) == {
        "function": 15.0,
        "overall": 13.0,
        "symptoms": 30.0,
        "total": 58.0,
    }


@pytest.mark.parametrize(
    ("value", "total"),
    [(0, 0.0), (10, 100.0)],
)
def test_it_spans_0_to_100(value: int, total: float) -> None:
    result = score_fiqr(fiqr([value] * 9, [value] * 2, [value] * 10))
    assert result["total"] == total


def test_it_rounds_fiqr_thirds_to_two_decimals_and_sums_unrounded() -> None:
    # function sum 10 -> 3.333...; symptoms sum 1 -> 0.5; total 4.8333... -> 4.83
    result = score_fiqr(fiqr([2, 8] + [0] * 7, [0, 1], [1] + [0] * 9))
    assert result == {"function": 3.33, "overall": 1.0, "symptoms": 0.5, "total": 4.83}


def test_it_rounds_fiqr_halves_up_not_to_even() -> None:
    # 8 answered function items summing 3: 3 * 9/8 / 3 = 9/8 = 1.125 exactly.
    result = score_fiqr(fiqr([1, 1, 1] + [0] * 5 + [None], [0, 0], [0] * 10))
    assert result == {"function": 1.13, "overall": 0.0, "symptoms": 0.0, "total": 1.13}
    assert round(1.125, 2) == 1.12  # what the old half-to-even rounding gave


def test_it_pro_rates_one_missing_function_item() -> None:
    # 8 answered items summing 40: 40 * 9/8 / 3 = 15.
    result = score_fiqr(fiqr([5] * 8 + [None]))
    assert result["function"] == 15.0
    assert result["total"] == 58.0


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (fiqr([5] * 7 + [None, None]), "function: 2 items missing; at most 1 can be pro-rated"),
        (fiqr([5] * 8), "function: must have 9 answers, got 8"),
        (fiqr(overall=[6, None]), "overall[2]: must be an integer 0-10, got None"),
        (fiqr(symptoms=[6] * 9 + [11]), "symptoms[10]: must be an integer 0-10, got 11"),
        (fiqr(symptoms=[True] + [6] * 9), "symptoms[1]: must be an integer 0-10, got True"),
        (fiqr([5.5] + [5] * 8), "function[1]: must be an integer 0-10, got 5.5"),
        (fiqr(overall=7), "overall: must be a list of 2 answers, got 7"),
        (fiqr() | {"extra": [1]}, "extra: unknown item for fiqr"),
    ],
)
def test_it_rejects_bad_fiqr_answers(answers: dict[str, Any], message: str) -> None:
    with pytest.raises(QuestionnaireError) as err:
        score_fiqr(answers)
    assert str(err.value) == message


def test_it_rejects_a_missing_fiqr_domain() -> None:
    answers = fiqr()
    del answers["symptoms"]
    with pytest.raises(QuestionnaireError, match="^symptoms: missing$"):
        score_fiqr(answers)


# --- PEG ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain", "enjoyment", "activity", "score"),
    [(6, 5, 7, 6.0), (0, 0, 0, 0.0), (10, 10, 10, 10.0), (7, 5, 5, 5.67), (1, 0, 0, 0.33)],
)
def test_it_scores_peg_as_the_mean(pain: int, enjoyment: int, activity: int, score: float) -> None:
    result = score_peg({"pain": pain, "enjoyment": enjoyment, "activity": activity})
    assert result == {"score": score}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"pain": 11, "enjoyment": 0, "activity": 0}, "pain: must be an integer 0-10, got 11"),
        (
            {"pain": 1, "enjoyment": False, "activity": 0},
            "enjoyment: must be an integer 0-10, got False",
        ),
        ({"pain": 1, "enjoyment": 0}, "activity: missing"),
        ({"pain": 1, "enjoyment": 0, "activity": 0, "mood": 3}, "mood: unknown item for peg"),
    ],
)
def test_it_rejects_bad_peg_answers(answers: dict[str, Any], message: str) -> None:
    with pytest.raises(QuestionnaireError) as err:
        score_peg(answers)
    assert str(err.value) == message


# --- prefill and wording ------------------------------------------------------------------


def test_it_prefills_wpi_areas_from_body_regions() -> None:
    drawn = ["neck_side_left", "throat", "jaw_left", "calf_right", "knee_back_right", "forehead"]
    # forehead has no WPI area; duplicates collapse; result is sorted.
    assert wpi_prefill(drawn) == ["jaw_left", "lower_leg_right", "neck"]


def test_it_prefills_every_area_from_every_region() -> None:
    assert wpi_prefill(all_regions()) == sorted(wpi_area_ids())


def test_it_rejects_an_unknown_region_when_prefilling() -> None:
    with pytest.raises(QuestionnaireError, match="^elbow_of_doom: unknown body region$"):
        wpi_prefill(["forehead", "elbow_of_doom"])


def test_it_words_a_met_acr_result_without_diagnosing() -> None:
    text = interpretation("acr2016", score_acr2016(acr(ONE_PER_REGION + ["chest", "abdomen"], 5)))
    assert "meet the ACR 2016 classification criteria" in text
    assert "do not meet" not in text
    assert "only a clinician can diagnose" in text.lower()


def test_it_words_an_unmet_acr_result() -> None:
    text = interpretation("acr2016", score_acr2016(acr(["neck"], 2)))
    assert "do not meet the ACR 2016" in text
    assert "Widespread Pain Index 1 of 19" in text


@pytest.mark.parametrize(
    ("name", "result", "expected"),
    [
        ("fiqr", score_fiqr(fiqr()), "FIQR total is 58.0 of 100"),
        ("peg", score_peg({"pain": 7, "enjoyment": 5, "activity": 5}), "PEG score is 5.7 of 10"),
    ],
)
def test_it_words_fiqr_and_peg_results(name: str, result: dict[str, Any], expected: str) -> None:
    text = interpretation(name, result)
    assert expected in text
    assert "only a clinician can diagnose" in text.lower()


def test_it_rejects_an_unknown_questionnaire_name() -> None:
    with pytest.raises(QuestionnaireError, match="^phq9: unknown questionnaire"):
        interpretation("phq9", {})
