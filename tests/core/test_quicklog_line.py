"""Spec of the whole-line quick log (spasmtrack.core.quicklog.line) and its patient-style set."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from spasmtrack.core.quicklog.line import read_line
from tests.core.quicklog_scoring import NOW, grade, load_cases, score, shared_parser

CASES = load_cases()
# Lines of the set the reader still gets wrong, kept visible (strict: fixing one fails here).
KNOWN_MISSES = {
    "the heat pad was too hot so I took it off straight away",
    "pain is the worst",  # asks for a number instead of taking it as a complaint
}
MUST_NOT_SAVE = [
    pytest.param(
        c,
        id=c["text"],
        marks=[pytest.mark.xfail(strict=True)] if c["text"] in KNOWN_MISSES else [],
    )
    for c in CASES
    if c["kind"] in ("not_saved", "ask")
]


def _read(text: str) -> Any:
    return read_line(shared_parser(), text, now=NOW)


def test_the_set_has_200_lines_and_40_that_must_not_save_or_guess() -> None:
    assert len(CASES) >= 200
    assert len(MUST_NOT_SAVE) >= 40
    kinds = {c["kind"] for c in CASES}
    assert {"checkin", "treatment", "habit", "several", "before_after", "spelling"} <= kinds


def test_it_reads_at_least_95_percent_of_the_set_with_at_most_3_wrong_saves() -> None:
    total = score()["ALL"]
    lines = total["correct"] + total["partial"] + total["wrong"]
    assert total["correct"] / lines >= 0.95, total
    assert total["wrong saves"] <= 3, total


@pytest.mark.parametrize("case", MUST_NOT_SAVE)
def test_it_saves_nothing_it_was_not_told(case: dict[str, Any]) -> None:
    reading = _read(case["text"])
    assert [e.label for e in reading.entries if not e.question] == []
    assert grade(case, reading)[0] == "correct"


def test_it_keeps_the_brand_name_and_the_dose() -> None:
    (entry,) = _read("took flexeril 10mg").entries
    assert entry.data["treatment"] == "muscle_relaxant"
    assert (entry.data["amount"], entry.data["unit"]) == (10.0, "mg")
    assert "flexeril" in entry.data["notes"] and "flexeril" in entry.label


def test_it_maps_advil_to_the_over_the_counter_nsaid() -> None:
    (entry,) = _read("Advil 400 mg").entries
    assert entry.data["treatment"] == "nsaid_otc"
    assert "Advil" in entry.data["notes"]


def test_it_keeps_the_place_of_a_treatment() -> None:
    (entry,) = _read("Biofreeze on right shoulder").entries
    assert entry.data["treatment"] == "topical_analgesic"
    assert "right shoulder" in entry.data["notes"]
    assert set(entry.regions) == {
        "shoulder_top_right",
        "shoulder_front_right",
        "shoulder_back_right",
    }


def test_it_gives_the_time_and_the_change_to_the_right_entry() -> None:
    spasm, ice = _read("left hip spasm 6/10 after a 30 min walk, iced it 15 min").entries
    assert spasm.data["duration_s"] is None and "30 min walk" in spasm.data["suspected_trigger"]
    assert (ice.data["treatment"], ice.data["amount"]) == ("ice", 15.0)
    (t,) = _read("ice pack 15 min on neck, pain went from 6 to 3").entries
    assert (t.data["pain_before"], t.data["pain_after"]) == (6, 3)


def test_it_reads_a_check_in_in_words_and_numbers() -> None:
    reading = _read("slept terribly, exhausted, fog 8")
    kinds = {e.kind: e for e in reading.entries}
    assert {k: v for k, v in kinds["checkin"].data.items() if k != "local_date"} == {
        "fatigue": 10,
        "brain_fog": 8,
    }
    assert kinds["habit"].data["habit"] == "poor_sleep"


def test_sleep_out_of_ten_is_a_rating_not_a_place() -> None:
    (entry,) = _read("sleep 3/10").entries
    assert entry.data == {"local_date": NOW.date(), "sleep_quality": 3}


def test_it_asks_for_a_missing_intensity_instead_of_inventing_one() -> None:
    (entry,) = _read("eyelid twitching again").entries
    assert entry.question.startswith("How strong")
    assert entry.data["intensity"] is None


def test_it_shows_what_it_corrected() -> None:
    reading = _read("rigth calf cramp 6/10")
    assert reading.entries[0].data["regions"] == ["calf_right"]
    reading = _read("shoulderr spasm left 5/10")
    ((typed, read_as),) = reading.corrections
    assert (typed, read_as.rstrip("s")) == ("shoulderr", "shoulder")


def test_it_does_not_correct_to_one_of_two_different_words() -> None:
    # "ricep" is one edit from both "bicep" and "tricep": different places, so no guess
    reading = _read("ricep cramp 6/10")
    assert reading.corrections == ()
    assert reading.entries[0].question.startswith("Where")


def test_it_lists_a_negated_clause_as_not_saved_and_keeps_the_rest() -> None:
    reading = _read("left calf cramp 6/10, didn't take my flexeril")
    assert [e.kind for e in reading.entries] == ["muscle_event"]
    assert "didn't take my flexeril" in reading.not_saved[0]


def test_someone_elses_cramp_is_not_saved_but_their_massage_on_me_is() -> None:
    assert _read("my husband had a cramp in his calf").entries == ()
    (entry,) = _read("my husband massaged my neck for 10 min").entries
    assert entry.data["treatment"] == "therapeutic_massage"


def test_it_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        read_line(shared_parser(), "cramp", now=datetime(2024, 1, 1))


def test_it_gives_a_json_ready_dict() -> None:
    d = _read("advil 400mg, pain 6").to_dict()
    assert [e["kind"] for e in d["entries"]] == ["checkin", "treatment"]
    assert d["entries"][0]["data"]["local_date"] == "2026-05-01"


def test_it_reads_in_the_zone_of_now() -> None:
    tokyo = datetime(2026, 5, 2, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    (entry,) = read_line(shared_parser(), "pain 5", now=tokyo).entries
    assert entry.data["local_date"].isoformat() == "2026-05-02"


def test_a_check_in_goes_to_the_day_the_line_names() -> None:
    (entry,) = _read("pain 6 yesterday").entries
    assert entry.data["local_date"].isoformat() == "2026-04-30"


def test_tight_is_a_sensation_not_a_time() -> None:
    (entry,) = _read("calves tight 6/10").entries
    assert entry.kind == "pain_drawing" and set(entry.data["regions"].values()) == {6}
    assert entry.data["at"] is None


def test_it_asks_which_of_two_numbers_instead_of_picking_one() -> None:
    (entry,) = _read("left calf cramp, 7 maybe 8").entries
    assert entry.data["intensity"] is None
    assert "7 maybe 8" in entry.question


def test_it_asks_how_much_for_a_number_habit_without_a_number() -> None:
    (entry,) = _read("sat on the sofa all day").entries
    assert entry.kind == "habit" and entry.question.startswith("How much")


def test_it_corrects_part_of_a_phrase_only_inside_that_phrase() -> None:
    (entry,) = _read("spasm lowr back 7/10").entries
    assert entry.data["regions"] == ["lumbar_left", "lumbar_right"]
    assert _read("ice cream after dinner").corrections == ()


def test_it_gives_a_late_check_in_and_habit_to_the_day_before_when_the_day_starts_later() -> None:
    night = datetime(2026, 5, 2, 1, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    entries = read_line(
        shared_parser(), "pain 5, sat 3 hours", now=night, day_start=time(4)
    ).entries
    assert {e.data["local_date"].isoformat() for e in entries} == {"2026-05-01"}
    calendar = read_line(shared_parser(), "pain 5", now=night).entries  # default: midnight
    assert calendar[0].data["local_date"].isoformat() == "2026-05-02"
