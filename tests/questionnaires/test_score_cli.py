"""`spasmtrack score`: pure (no database: these tests have no django_db mark, so any query
would fail), JSON on stdin, exit 2 with one line naming the item on every error."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from spasmtrack.cli import app

runner = CliRunner()

ACR = {
    "pain_areas": ["neck", "hip_left", "hip_right", "shoulder_girdle_left",
                   "shoulder_girdle_right", "upper_back", "lower_back"],
    "fatigue": 2, "waking_unrefreshed": 2, "cognitive": 1,
    "headaches": 1, "lower_abdominal": 0, "depression": 0, "symptoms_3_months": True,
}  # fmt: skip
FIQR = {"function": [5] * 9, "overall": [6, 7], "symptoms": [6] * 10}
PEG = {"pain": 5, "enjoyment": 6, "activity": 7}


def score(kind: str, stdin: object, *flags: str) -> object:
    text = stdin if isinstance(stdin, str) else json.dumps(stdin)
    return runner.invoke(app, ["score", kind, *flags], input=text)


@pytest.mark.parametrize(
    ("kind", "answers", "expected"),
    [
        (
            "acr2016",
            ACR,
            {
                "wpi": 7,
                "sss": 6,
                "fs": 13,
                "regions_with_pain": 5,
                "generalized_pain": True,
                "meets_criteria": True,
            },
        ),
        ("fiqr", FIQR, {"function": 15.0, "overall": 13.0, "symptoms": 30.0, "total": 58.0}),
        ("peg", PEG, {"score": 6.0}),
    ],
)
def test_it_prints_the_scores_as_json(kind: str, answers: object, expected: object) -> None:
    r = score(kind, answers, "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == expected


def test_it_prints_a_readable_result_with_the_interpretation() -> None:
    r = score("peg", PEG)
    assert r.exit_code == 0
    assert "PEG score  6.0 of 10" in r.stdout
    assert "Only a clinician can diagnose" in " ".join(r.stdout.split())


def test_it_prints_the_acr_verdict_as_information_not_diagnosis() -> None:
    r = score("acr2016", ACR)
    text = " ".join(r.stdout.split())
    assert "meet the ACR 2016 classification criteria" in text
    assert "not to diagnose one person" in text


@pytest.mark.parametrize(
    ("kind", "stdin", "message"),
    [
        ("peg", "", "input: not valid JSON"),
        ("peg", "{pain: 5}", "input: not valid JSON"),
        ("peg", [1, 2, 3], "peg: answers must be a mapping"),
        ("peg", {**PEG, "pain": 11}, "pain: must be an integer 0-10, got 11"),
        ("peg", {**PEG, "pain": -1}, "pain: must be an integer 0-10, got -1"),
        ("peg", {**PEG, "pain": 5.5}, "pain: must be an integer 0-10, got 5.5"),
        ("peg", {**PEG, "pain": "5"}, "pain: must be an integer 0-10, got '5'"),
        ("peg", {"pain": 5, "enjoyment": 6}, "activity: missing"),
        ("peg", {**PEG, "mood": 3}, "mood: unknown item for peg"),
        ("fiqr", {**FIQR, "overall": [6]}, "overall: must have 2 answers, got 1"),
        ("fiqr", {**FIQR, "symptoms": [6] * 9 + [12]}, "symptoms[10]: must be an integer 0-10"),
        ("fiqr", {**FIQR, "function": [None, None] + [5] * 7}, "function: 2 items missing"),
        ("fiqr", {"function": [5] * 9, "overall": [6, 7]}, "symptoms: missing"),
        ("acr2016", {**ACR, "fatigue": 4}, "fatigue: must be an integer 0-3, got 4"),
        ("acr2016", {**ACR, "headaches": 2}, "headaches: must be an integer 0-1, got 2"),
        ("acr2016", {**ACR, "depression": True}, "depression: must be an integer 0-1, got True"),
        ("acr2016", {**ACR, "pain_areas": ["elbow"]}, "pain_areas: unknown WPI area 'elbow'"),
        ("acr2016", {**ACR, "pain_areas": ["neck", "neck"]}, "pain_areas: duplicate WPI area"),
        ("acr2016", {**ACR, "symptoms_3_months": 1}, "symptoms_3_months: must be true or false"),
        ("sf36", PEG, "kind: unknown questionnaire 'sf36'"),
    ],
)
def test_it_exits_2_naming_the_item_and_reason(kind: str, stdin: object, message: str) -> None:
    r = score(kind, stdin, "--json")
    assert r.exit_code == 2
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith(f"Error: {message}")


def test_it_exits_2_on_a_bad_answer_without_json_too() -> None:
    r = score("peg", {**PEG, "activity": 99})
    assert (r.exit_code, r.stdout) == (2, "")
    assert "activity: must be an integer 0-10" in r.stderr


def test_it_needs_a_kind() -> None:
    r = runner.invoke(app, ["score"], input="{}")
    assert r.exit_code == 2 and r.stdout == ""
