"""Spec of the quick-log parser: one typed line -> QuickLog (spasmtrack.core.quicklog.parser)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from spasmtrack.core.body.regions import all_regions
from spasmtrack.core.quicklog.lexicon import (
    lexicon,
    phrase_key,
    unknown_region_templates,
    within_one_edit,
)
from spasmtrack.core.quicklog.parser import QuickLog, QuickLogParser, parse
from spasmtrack.knowledge import data_path

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 3, 12, 17, 45, tzinfo=BERLIN)  # a Tuesday


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=BERLIN)


TREATMENTS: list[dict[str, Any]] = [
    {
        "id": "heat",
        "name": "heat pad",
        "category": "thermal",
        "synonyms": ["heating pad", "hot water bottle", "heat"],
        "unit": "min",
    },
    {"id": "ice", "name": "ice", "synonyms": ["ice pack", "cold pack"], "unit": "min"},
    {"id": "mg_malate", "name": "magnesium malate", "synonyms": [], "unit": "mg"},
    {"id": "mg", "name": "magnesium", "synonyms": ["mag"], "unit": "mg"},
    {
        "id": "epsom",
        "name": "epsom salt bath",
        "synonyms": ["epsom bath", "epsom salts"],
        "unit": "min",
    },
    {"id": "stretch", "name": "stretching", "synonyms": ["stretch", "stretches"], "unit": "min"},
    {"id": "massage", "name": "massage", "synonyms": ["foam roller", "massage ball"], "unit": None},
]
HABITS: list[dict[str, Any]] = [
    {
        "id": "sitting",
        "name": "sitting",
        "kind": "number",
        "unit": "h",
        "synonyms": ["sat", "sat at desk", "at desk", "desk"],
    },
    {
        "id": "poor_sleep",
        "name": "poor sleep",
        "kind": "yes_no",
        "unit": None,
        "synonyms": ["slept badly", "bad sleep", "slept poorly", "didn't sleep well"],
    },
    {"id": "coffee", "name": "coffee", "kind": "number", "unit": "cups", "synonyms": ["coffees"]},
]

PARSER = QuickLogParser(TREATMENTS, HABITS)

BOTH_CALVES = ["calf_left", "calf_right"]
NECK = ["neck_side_left", "neck_side_right", "neck_back_left", "neck_back_right"]
SHOULDERS = [
    "shoulder_top_left",
    "shoulder_top_right",
    "shoulder_front_left",
    "shoulder_front_right",
    "shoulder_back_left",
    "shoulder_back_right",
]
JAWS = ["jaw_left", "jaw_right"]
EYES = ["eye_left", "eye_right"]
LUMBAR = ["lumbar_left", "lumbar_right"]


def _ankles(side: str) -> list[str]:
    return [f"ankle_front_{side}", f"ankle_outer_{side}", f"ankle_inner_{side}"]


def _thighs(side: str) -> list[str]:
    return [f"thigh_{p}_{side}" for p in ("front", "outer", "inner", "back")]


# text -> the fields that must differ from an empty QuickLog (every other field must stay empty).
# treatments: (id, amount, unit, pain_before, pain_after); habits: (id, value);
# warning: a substring of one of the warnings.
CASES: list[tuple[str, dict[str, Any]]] = [
    # the brief's examples
    (
        "left calf cramp 7/10 for 20 min after yoga",
        dict(kind="spasm", regions=["calf_left"], intensity=7, duration_s=1200, triggers=["yoga"]),
    ),
    ("twitch right eyelid", dict(kind="twitch", regions=["eye_right"])),
    (
        "neck and shoulders spasm 6 since 3pm",
        dict(kind="spasm", regions=NECK + SHOULDERS, intensity=6, when=at(12, 15)),
    ),
    ("heat pad 20 min, pain 6 -> 3", dict(treatments=[("heat", 20, "min", 6, 3)])),
    ("magnesium malate 300 mg", dict(treatments=[("mg_malate", 300, "mg", None, None)])),
    (
        "slept badly, sat 5h at desk",
        dict(habits=[("poor_sleep", True), ("sitting", 5)]),
    ),
    # misspellings and case
    ("spazm in my left calff", dict(kind="spasm", regions=["calf_left"])),
    ("Spasm in my LEFT CALF", dict(kind="spasm", regions=["calf_left"])),
    ("twich left eye", dict(kind="twitch", regions=["eye_left"])),
    ("sholder spasm", dict(kind="spasm", regions=SHOULDERS)),
    ("left hamstrng cramp", dict(kind="spasm", regions=["thigh_back_left"])),
    ("twitchy eyelid this morning", dict(kind="twitch", regions=EYES, when=at(12, 8))),
    ("magnesum 400 mg", dict(treatments=[("mg", 400, "mg", None, None)])),
    ("streching 10 min", dict(treatments=[("stretch", 10, "min", None, None)])),
    # sides
    ("cramping R calf", dict(kind="spasm", regions=["calf_right"])),
    ("lt hamstring cramp", dict(kind="spasm", regions=["thigh_back_left"])),
    ("right sided neck spasm", dict(kind="spasm", regions=["neck_side_right", "neck_back_right"])),
    ("jaw spasm left", dict(kind="spasm", regions=["jaw_left"])),
    ("TMJ cramp right side", dict(kind="spasm", regions=["jaw_right"])),
    ("calf (right)", dict(regions=["calf_right"])),
    ("calf on the left", dict(regions=["calf_left"])),
    ("back of my left knee cramp", dict(kind="spasm", regions=["knee_back_left"])),
    ("cramp in the arch of my right foot", dict(kind="spasm", regions=["sole_right"])),
    ("left and right calf cramp", dict(kind="spasm", regions=BOTH_CALVES)),
    ("both calves cramped", dict(kind="spasm", regions=BOTH_CALVES)),
    ("bilateral calf cramps", dict(kind="spasm", regions=BOTH_CALVES)),
    # several regions
    ("left calf and right shin", dict(regions=["calf_left", "shin_right"])),
    ("left calf, shin and ankle", dict(regions=["calf_left", "shin_left"] + _ankles("left"))),
    ("neck and jaw spasm", dict(kind="spasm", regions=NECK + JAWS)),
    # regions without side, midline regions, specific phrases
    ("lower back spasm 8", dict(kind="spasm", regions=LUMBAR, intensity=8)),
    ("low back spasm 8/10", dict(kind="spasm", regions=LUMBAR, intensity=8)),
    ("spasm between my shoulder blades", dict(kind="spasm", regions=["interscapular"])),
    ("tailbone cramp", dict(kind="spasm", regions=["sacrum"])),
    ("forehead twitch", dict(kind="twitch", regions=["forehead"])),
    ("stomach cramps", dict(kind="spasm", regions=["abdomen_upper", "abdomen_lower"])),
    ("glute spasm", dict(kind="spasm", regions=["buttock_left", "buttock_right"])),
    (
        "spasm 6 in right hip",
        dict(kind="spasm", regions=["hip_lateral_right", "buttock_right"], intensity=6),
    ),
    ("cramp in left inner thigh", dict(kind="spasm", regions=["thigh_inner_left"])),
    ("twitch left thumb", dict(kind="twitch", regions=["thumb_left"])),
    ("left big toe cramp", dict(kind="spasm", regions=["big_toe_left"])),
    (
        "hamstrings cramp 6/10",
        dict(kind="spasm", regions=["thigh_back_left", "thigh_back_right"], intensity=6),
    ),
    ("calf muscle twitching", dict(kind="twitch", regions=BOTH_CALVES)),
    ("charley horse left calf", dict(kind="spasm", regions=["calf_left"])),
    ("fasciculations in left thigh", dict(kind="twitch", regions=_thighs("left"))),
    # knots are trigger points, not spasms
    ("shoulder blade knot", dict(regions=["scapula_left", "scapula_right"], trigger_point=True)),
    ("knot in my left trap", dict(regions=["shoulder_top_left"], trigger_point=True)),
    ("trigger point right glute", dict(regions=["buttock_right"], trigger_point=True)),
    # intensity
    ("calf cramp, 3 out of 10", dict(kind="spasm", regions=BOTH_CALVES, intensity=3)),
    ("seven out of ten cramp", dict(kind="spasm", intensity=7)),
    ("7/10 cramp", dict(kind="spasm", intensity=7)),
    ("pain seven", dict(intensity=7)),
    ("intensity 8 spasm", dict(kind="spasm", intensity=8)),
    ("spasm intensity: 4", dict(kind="spasm", intensity=4)),
    ("pain is a 5", dict(intensity=5)),
    ("cramp 0/10", dict(kind="spasm", intensity=0)),
    ("cramp 11/10", dict(kind="spasm", notes="11/10", warning="not a number from 0 to 10")),
    ("pain 12", dict(notes="pain 12", warning="not a number from 0 to 10")),
    ("spasm 6.5/10", dict(kind="spasm", intensity=7, warning="as 7/10")),
    ("cramp 3/5", dict(kind="spasm", notes="3/5", warning="Only the 0–10 scale")),
    (
        "cramp 7/10 pain 5",
        dict(kind="spasm", intensity=7, notes="pain 5", warning="More than one intensity"),
    ),
    # durations
    ("cramp for 20min", dict(kind="spasm", duration_s=1200)),
    ("cramp lasted 90 seconds", dict(kind="spasm", duration_s=90)),
    ("cramp for half an hour", dict(kind="spasm", duration_s=1800)),
    ("cramp for an hour and a half", dict(kind="spasm", duration_s=5400)),
    ("cramp 2 hours", dict(kind="spasm", duration_s=7200)),
    ("cramp 1h30", dict(kind="spasm", duration_s=5400)),
    ("cramp 1 hour 30 min", dict(kind="spasm", duration_s=5400)),
    ("cramp for twenty five minutes", dict(kind="spasm", duration_s=1500)),
    ("eye twitching 2 days", dict(kind="twitch", regions=EYES, duration_s=2 * 86400)),
    # time, resolved against NOW (Tue 12 March 2024, 17:45 Berlin)
    ("cramp at 14:30", dict(kind="spasm", when=at(12, 14, 30))),
    ("cramp at 3pm", dict(kind="spasm", when=at(12, 15))),
    ("cramp at 3", dict(kind="spasm", when=at(12, 15), warning="without am/pm")),
    ("cramp since 9am", dict(kind="spasm", when=at(12, 9))),
    ("cramp since 9 pm", dict(kind="spasm", when=at(11, 21))),
    ("cramp this morning", dict(kind="spasm", when=at(12, 8))),
    ("cramp this evening", dict(kind="spasm", when=NOW)),
    ("cramp last night", dict(kind="spasm", when=at(11, 22))),
    ("calves cramped at night", dict(kind="spasm", regions=BOTH_CALVES, when=at(11, 22))),
    ("cramp overnight", dict(kind="spasm", when=at(11, 22))),
    ("cramp yesterday", dict(kind="spasm", when=at(11, 12))),
    ("cramp yesterday at 10pm", dict(kind="spasm", when=at(11, 22))),
    ("cramp an hour ago", dict(kind="spasm", when=at(12, 16, 45))),
    ("cramp 20 min ago", dict(kind="spasm", when=at(12, 17, 25))),
    ("cramp half an hour ago", dict(kind="spasm", when=at(12, 17, 15))),
    ("cramp on monday", dict(kind="spasm", when=at(11, 12))),
    ("cramp on tuesday", dict(kind="spasm", when=at(5, 12))),
    ("cramp just now", dict(kind="spasm", when=NOW)),
    ("tmj spasm 5 at 14:30", dict(kind="spasm", regions=JAWS, intensity=5, when=at(12, 14, 30))),
    (
        "twitching left eye since yesterday at 3pm",
        dict(kind="twitch", regions=["eye_left"], when=at(11, 15)),
    ),
    (
        "left calf 7/10 since 3pm for 20 min after a long walk",
        dict(
            regions=["calf_left"],
            intensity=7,
            duration_s=1200,
            when=at(12, 15),
            triggers=["long walk"],
        ),
    ),
    # treatments
    ("ice 15 min", dict(treatments=[("ice", 15, "min", None, None)])),
    ("hot water bottle 30 mins pain 7 to 4", dict(treatments=[("heat", 30, "min", 7, 4)])),
    ("heating pad helped, 6 -> 2", dict(treatments=[("heat", None, None, 6, 2)])),
    ("pain went from 6 to 3 after heat pad", dict(treatments=[("heat", None, None, 6, 3)])),
    ("300mg magnesium", dict(treatments=[("mg", 300, "mg", None, None)])),
    ("magnesium 0.3 g", dict(treatments=[("mg", 300, "mg", None, None)])),
    ("epsom salt bath 20 minutes", dict(treatments=[("epsom", 20, "min", None, None)])),
    ("20 min of stretching", dict(treatments=[("stretch", 20, "min", None, None)])),
    ("massage, pain from 7 to 5", dict(treatments=[("massage", None, None, 7, 5)])),
    ("foam roller 10 min", dict(treatments=[("massage", 10, "min", None, None)])),
    (
        "calf cramp 6, stretching 5 min",
        dict(
            kind="spasm",
            regions=BOTH_CALVES,
            intensity=6,
            treatments=[("stretch", 5, "min", None, None)],
        ),
    ),
    ("pain 6 -> 3", dict(notes="pain 6 -> 3", warning="has no treatment")),
    # triggers
    ("cramp after stretching", dict(kind="spasm", triggers=["stretching"])),
    ("cramp triggered by cold", dict(kind="spasm", triggers=["cold"])),
    ("spasm because of stress", dict(kind="spasm", triggers=["stress"])),
    ("cramp from lifting boxes", dict(kind="spasm", triggers=["lifting boxes"])),
    ("cramp after 20 min of walking", dict(kind="spasm", triggers=["20 min of walking"])),
    # habits
    ("sat 5h", dict(habits=[("sitting", 5)])),
    ("sitting 6 hours at desk", dict(habits=[("sitting", 6)])),
    ("sat at desk 300 min", dict(habits=[("sitting", 5)])),
    ("2 coffees", dict(habits=[("coffee", 2)])),
    ("slept badly", dict(habits=[("poor_sleep", True)])),
    (
        "bad sleep and neck spasm",
        dict(kind="spasm", regions=NECK, habits=[("poor_sleep", True)]),
    ),
    ("sitting all day", dict(notes="sitting all day", warning="needs a number")),
    # things it must not guess at
    ("it hurts", dict(notes="it hurts")),
    ("bad day", dict(notes="bad day")),
    ("lft", dict(notes="lft")),
    ("calm", dict(notes="calm")),
    ("warm", dict(notes="warm")),
    ("arm", dict(notes="arm", warning="too broad")),
    ("headache", dict(notes="headache")),
    ("chest tightness", dict(regions=["chest_left", "chest_right"], notes="tightness")),
    ("left leg cramp", dict(kind="spasm", notes="left leg", warning="too broad")),
    ("back spasm", dict(kind="spasm", notes="back", warning="too broad")),
    ("cramp in my foot", dict(kind="spasm", notes="in my foot", warning="too broad")),
    ("calm day no cramps", dict(notes="calm day no cramps")),
    ("angle of my neck", dict(regions=NECK, notes="angle of my")),
    ("neck 5", dict(regions=NECK, notes="5")),
    ("cramp 3 times", dict(kind="spasm", notes="3 times", warning="not tied to a treatment")),
    ("spasm and twitch", dict(kind="spasm", notes="twitch", warning="Both spasm and twitch")),
    ("300 mg", dict(notes="300 mg", warning="not tied to a treatment")),
    ("cramp, a couple of minutes", dict(kind="spasm", notes="a couple of minutes")),
    ("", dict()),
]


def _check(result: QuickLog, expected: dict[str, Any]) -> None:
    assert result.kind == expected.get("kind")
    if "intensity" in expected or "warning" not in expected:
        assert result.intensity == expected.get("intensity")
    assert list(result.regions) == expected.get("regions", [])
    assert result.duration_s == expected.get("duration_s")
    assert result.when == expected.get("when")
    assert list(result.triggers) == expected.get("triggers", [])
    assert result.trigger_point == expected.get("trigger_point", False)
    assert result.notes == expected.get("notes", "")
    treatments = [(t.id, t.amount, t.unit, t.pain_before, t.pain_after) for t in result.treatments]
    assert treatments == expected.get("treatments", [])
    assert [(h.id, h.value) for h in result.habits] == expected.get("habits", [])
    if "warning" in expected:
        assert any(expected["warning"] in w for w in result.warnings), result.warnings


def test_it_has_at_least_80_phrasings() -> None:
    assert len(CASES) >= 80
    assert len({text for text, _ in CASES}) == len(CASES)


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[t or "<empty>" for t, _ in CASES])
def test_it_reads_the_line(text: str, expected: dict[str, Any]) -> None:
    _check(PARSER.parse(text, now=NOW), expected)


def test_it_summarises_what_it_understood() -> None:
    log = PARSER.parse("left calf cramp 7/10 for 20 min after yoga", now=NOW)
    assert log.summary() == "Spasm · left calf · 7/10 · 20 min · after yoga"


def test_it_summarises_treatments_habits_time_and_notes() -> None:
    log = PARSER.parse("heat pad 20 min, pain 6 -> 3 since 3pm, slept badly, grumpy", now=NOW)
    assert log.summary() == (
        "since 3pm (Tue 15:00) · heat pad 20 min (pain 6 → 3) · poor sleep · note: “grumpy”"
    )


def test_it_summarises_an_unreadable_line_as_a_note() -> None:
    assert (
        PARSER.parse("bad day", now=NOW).summary()
        == "Nothing recognised; saved as a note: “bad day”"
    )


def test_it_reports_spelling_corrections() -> None:
    log = PARSER.parse("spazm in my left calff, magnesum 300mg", now=NOW)
    assert ("magnesum", "magnesium") in log.corrections
    assert log.treatments[0].id == "mg"


def test_it_gives_a_json_ready_dict() -> None:
    log = PARSER.parse("left calf cramp 7/10 since 3pm, magnesium 300 mg", now=NOW)
    d = json.loads(json.dumps(log.to_dict()))
    assert d["regions"] == ["calf_left"]
    assert d["when"] == "2024-03-12T15:00:00+01:00"
    assert d["treatments"][0]["amount"] == 300
    assert d["summary"] == log.summary()


def test_the_function_and_the_reusable_parser_agree() -> None:
    text = "neck and shoulders spasm 6 since 3pm, sat 5h at desk"
    assert parse(text, now=NOW, treatments=TREATMENTS, habits=HABITS) == PARSER.parse(text, now=NOW)


def test_it_returns_times_in_the_zone_of_now() -> None:
    tokyo = NOW.astimezone(ZoneInfo("Asia/Tokyo"))  # 01:45 on Wednesday 13th in Tokyo
    log = PARSER.parse("cramp at 9am", now=tokyo)
    assert log.when == datetime(2024, 3, 12, 9, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert log.when is not None and log.when.tzinfo == tokyo.tzinfo


def test_it_counts_elapsed_time_across_the_spring_dst_jump() -> None:
    now = datetime(2024, 3, 31, 3, 30, tzinfo=BERLIN)  # clocks jumped 02:00 -> 03:00
    log = PARSER.parse("cramp an hour ago", now=now)
    assert log.when is not None
    assert now.astimezone(UTC) - log.when.astimezone(UTC) == timedelta(hours=1)
    assert log.when == datetime(2024, 3, 31, 1, 30, tzinfo=BERLIN)


def test_it_counts_elapsed_time_across_the_autumn_dst_change() -> None:
    now = datetime(2024, 10, 27, 3, 30, tzinfo=BERLIN)  # 03:00 CEST became 02:00 CET
    log = PARSER.parse("cramp 2 hours ago", now=now)
    assert log.when is not None
    assert log.when.astimezone(UTC) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert log.when.utcoffset() == timedelta(hours=2)


def test_it_moves_a_clock_time_skipped_by_dst_forward() -> None:
    now = datetime(2024, 3, 31, 12, 0, tzinfo=BERLIN)
    log = PARSER.parse("cramp at 2:30am", now=now)
    assert log.when == datetime(2024, 3, 31, 3, 30, tzinfo=BERLIN)


def test_it_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        PARSER.parse("cramp", now=datetime(2024, 3, 12, 17, 45))


def test_it_refuses_a_catalogue_entry_without_an_id() -> None:
    with pytest.raises(ValueError, match="id"):
        QuickLogParser([{"name": "heat"}], [])


def test_it_refuses_a_habit_of_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        QuickLogParser([], [{"id": "x", "name": "x", "kind": "scale"}])


def test_it_prefers_the_persons_catalogue_over_builtin_words() -> None:
    parser = QuickLogParser([{"id": "neckpillow", "name": "neck pillow", "unit": None}], [])
    log = parser.parse("neck pillow", now=NOW)
    assert [t.id for t in log.treatments] == ["neckpillow"] and log.regions == ()


def test_every_region_the_lexicon_can_emit_is_in_body_regions_csv() -> None:
    assert unknown_region_templates() == []


def test_every_region_phrase_parses_to_its_own_regions() -> None:
    """Over the whole synonym table: each phrase alone yields exactly its entry's regions."""
    data = json.loads(data_path("quicklog_synonyms.json").read_text(encoding="utf-8"))
    known = all_regions()
    parser = QuickLogParser()
    for entry, compiled in zip(data["regions"], lexicon().regions, strict=True):
        for phrase in entry["phrases"]:
            log = parser.parse(phrase, now=NOW)
            assert set(log.regions) <= set(known), phrase
            assert list(log.regions) == compiled.expand(None), phrase
            for side in ("left", "right"):
                sided = parser.parse(f"{side} {phrase}", now=NOW)
                assert list(sided.regions) == compiled.expand(side), f"{side} {phrase}"


def test_every_lexicon_entry_names_a_known_source() -> None:
    data = json.loads(data_path("quicklog_synonyms.json").read_text(encoding="utf-8"))
    sources = set(data["sources"])
    tagged = [e["source"] for e in data["regions"]]
    tagged += [v["source"] for v in data.values() if isinstance(v, dict) and "source" in v]
    assert tagged and all(tags and set(tags) <= sources for tags in tagged)


def test_no_phrase_is_listed_for_two_different_region_groups() -> None:
    data = json.loads(data_path("quicklog_synonyms.json").read_text(encoding="utf-8"))
    seen: dict[tuple[str, ...], int] = {}
    for n, entry in enumerate(data["regions"]):
        for phrase in entry["phrases"]:
            key = phrase_key(phrase)
            assert seen.setdefault(key, n) == n, phrase


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("spazm", "spasm", True),  # substitution
        ("calff", "calf", True),  # insertion
        ("twich", "twitch", True),  # deletion
        ("sholuder", "shoulder", True),  # adjacent swap
        ("shoulder", "shoulder", True),
        ("sholdr", "shoulder", False),  # two edits
        ("spasm", "sparms", False),
        ("abc", "cba", False),
    ],
)
def test_it_measures_one_edit(a: str, b: str, expected: bool) -> None:
    assert within_one_edit(a, b) is expected


@pytest.mark.parametrize("word", ["calm", "arm", "warm", "lft", "cal", "angle", "weight", "heal"])
def test_it_never_fuzzy_matches_short_or_protected_words(word: str) -> None:
    log = PARSER.parse(word, now=NOW)
    assert log.regions == () and log.kind is None and log.intensity is None
    assert log.corrections == ()
