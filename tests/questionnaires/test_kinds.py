from __future__ import annotations

from datetime import date

import pytest

from spasmtrack.core.questionnaires import QuestionnaireError, interpretation, score_fiqr
from spasmtrack.questionnaires import kinds
from spasmtrack.questionnaires.charts import line_chart_svg

FIQR = {"function": [5] * 9, "overall": [6, 7], "symptoms": [6] * 10}
ACR = {
    "pain_areas": ["neck", "hip_left", "hip_right", "shoulder_girdle_left",
                   "shoulder_girdle_right", "upper_back", "lower_back"],
    "fatigue": 2, "waking_unrefreshed": 2, "cognitive": 1,
    "headaches": 1, "lower_abdominal": 0, "depression": 0, "symptoms_3_months": True,
}  # fmt: skip


def test_it_scores_through_core_unchanged() -> None:
    assert kinds.score("fiqr", FIQR) == score_fiqr(FIQR)


def test_it_refuses_an_unknown_kind_naming_it() -> None:
    with pytest.raises(QuestionnaireError) as e:
        kinds.score("sf36", {})
    assert e.value.item == "kind" and "sf36" in e.value.reason


@pytest.mark.parametrize(
    ("kind", "answers", "expected"),
    [
        ("peg", {"pain": 5, "enjoyment": 6, "activity": 7}, "PEG score 6.0 of 10"),
        ("fiqr", FIQR, "Total 58.0 of 100"),
        ("acr2016", ACR, "Severity score (WPI + SSS) 13 of 31"),
    ],
)
def test_it_words_the_headline_keeping_ints_as_ints(
    kind: str, answers: dict[str, object], expected: str
) -> None:
    assert kinds.headline(kind, kinds.score(kind, answers)).text() == expected


def test_it_lists_every_acr_score_with_yes_and_no() -> None:
    lines = dict(kinds.score_lines("acr2016", kinds.score("acr2016", ACR)))
    assert lines["Widespread Pain Index"] == "7 of 19"
    assert lines["Meets the ACR 2016 criteria"] == "yes"


def test_it_prints_the_interpretation_under_the_scores() -> None:
    result = kinds.score("fiqr", FIQR)
    text = kinds.readable("fiqr", result)
    assert text.splitlines()[0] == kinds.TITLES["fiqr"]
    assert " ".join(text.split()).endswith(interpretation("fiqr", result))


def test_it_draws_nothing_without_points() -> None:
    assert line_chart_svg([], 10, "PEG") == ""


def test_it_places_points_by_date_and_value() -> None:
    svg = line_chart_svg([(date(2026, 1, 1), 0.0), (date(2026, 1, 31), 10.0)], 10, "PEG")
    # 0 sits on the bottom line, the maximum on the top line; the first day left, last right.
    assert 'points="34.0,96.0 308.0,10.0"' in svg
    assert "1 Jan 2026: 0, 31 Jan 2026: 10" in svg


def test_it_escapes_the_label() -> None:
    svg = line_chart_svg([(date(2026, 1, 1), 3.0)], 10, "<b>x</b>")
    assert "<b>" not in svg and "&lt;b&gt;" in svg
