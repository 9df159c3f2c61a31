from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from spasmtrack.core import catalogue
from spasmtrack.core.catalogue import CatalogueError

DOI = re.compile(r"^10\.\d{4,9}/\S+$")

REQUIRED_TREATMENTS = [
    # home
    "heat",
    "ice",
    "heat_ice_alternating",
    "topical_analgesic",
    "relaxation_meditation",
    "stretching_yoga",
    "epsom_salt_bath",
    "self_massage",
    "rest",
    # nutrition
    "magnesium",
    "malic_acid",
    "magnesium_malate",
    "potassium_rich_foods",
    "calcium",
    "vitamin_d",
    # clinical
    "trigger_point_injection",
    "acupuncture_dry_needling",
    "therapeutic_massage",
    "manual_therapy",
    "physical_therapy",
    "nsaid_prescription",
    "muscle_relaxant",
    "low_level_laser",
]


def _all_sources() -> list[tuple[str, catalogue.Source]]:
    out: list[tuple[str, catalogue.Source]] = []
    for t in catalogue.treatments().values():
        out += [(f"treatment {t.id}", s) for s in t.sources]
    for h in catalogue.habits().values():
        out += [(f"habit {h.id}", s) for s in h.sources]
    for e in catalogue.ergonomics().values():
        out += [(f"ergonomics {e.id}", s) for s in e.sources]
    for f in catalogue.foods().values():
        out.append((f"food {f.id}", f.source))
    refs = catalogue.reference_intakes()
    for r in refs.nutrients.values():
        out += [(f"reference {r.nutrient}", s) for s in r.sources]
    for u in refs.upper_limits.values():
        out += [(f"limit {u.id}", s) for s in u.sources]
    return out


def test_it_loads_every_required_treatment() -> None:
    missing = [t for t in REQUIRED_TREATMENTS if t not in catalogue.treatments()]
    assert missing == []


@pytest.mark.parametrize(
    ("category", "ids"),
    [
        ("home", REQUIRED_TREATMENTS[:9]),
        ("nutrition", REQUIRED_TREATMENTS[9:15]),
        ("clinical", REQUIRED_TREATMENTS[15:]),
    ],
)
def test_it_files_treatments_under_their_category(category: str, ids: list[str]) -> None:
    assert {catalogue.treatments()[i].category for i in ids} == {category}


def test_it_gives_every_entry_at_least_one_non_empty_source() -> None:
    owners = {owner for owner, _ in _all_sources()}
    for t in catalogue.treatments().values():
        assert f"treatment {t.id}" in owners
    for h in catalogue.habits().values():
        assert f"habit {h.id}" in owners
    for e in catalogue.ergonomics().values():
        assert f"ergonomics {e.id}" in owners
    assert all(s.citation.strip() for _, s in _all_sources())


def test_it_writes_dois_in_doi_form_without_a_url_prefix() -> None:
    bad = [(o, s.doi) for o, s in _all_sources() if s.doi is not None and not DOI.match(s.doi)]
    assert bad == []


def test_it_gives_every_food_a_positive_fdc_id_and_a_source() -> None:
    for food in catalogue.foods().values():
        assert isinstance(food.fdc_id, int) and food.fdc_id > 0
        assert str(food.fdc_id) in food.source.citation


def test_it_flags_clinician_given_treatments() -> None:
    t = catalogue.treatments()
    assert t["trigger_point_injection"].clinician_given
    assert t["acupuncture_dry_needling"].clinician_given
    assert not t["heat"].clinician_given


@pytest.mark.parametrize("word", ["heat pad", "heating pad", "hot water bottle", "warm compress"])
def test_it_knows_the_words_people_type_for_heat(word: str) -> None:
    assert word in catalogue.treatments()["heat"].synonyms


def test_it_never_maps_one_word_to_two_treatments() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for t in catalogue.treatments().values():
        for word in t.synonyms:
            key = word.lower()
            if key in seen and seen[key] != t.id:
                clashes.append((word, seen[key], t.id))
            seen[key] = t.id
    assert clashes == []


@pytest.mark.parametrize(
    ("habit", "words"),
    [
        ("hours_sitting", ["sat", "sitting", "at desk"]),
        ("poor_sleep", ["slept badly", "bad sleep"]),
    ],
)
def test_it_knows_habit_synonyms(habit: str, words: list[str]) -> None:
    assert set(words) <= set(catalogue.habits()[habit].synonyms)


def test_it_gives_number_habits_a_unit() -> None:
    for h in catalogue.habits().values():
        assert h.kind in {"yes_no", "number"}
        if h.kind == "number":
            assert h.unit


def test_it_warns_about_the_supplemental_magnesium_limit_in_magnesium_cautions() -> None:
    cautions = " ".join(catalogue.treatments()["magnesium"].cautions)
    assert "350 mg" in cautions and "supplement" in cautions


@pytest.mark.parametrize(
    ("food", "potassium", "magnesium"),
    # Values copied from shared/knowledge/nutrition.md (USDA SR) per 100 g.
    [
        ("dates_medjool", 696, 54),
        ("apricots_dried", 1162, 32),
        ("banana", 358, 27),
        ("cantaloupe", 267, 12),
        ("potato_baked", 535, 28),
        ("white_beans_cooked", 561, 63),
    ],
)
def test_it_matches_the_shared_nutrition_notes(food: str, potassium: int, magnesium: int) -> None:
    per_100g = catalogue.foods()[food].per_100g
    assert (per_100g["potassium_mg"], per_100g["magnesium_mg"]) == (potassium, magnesium)


def test_it_loads_the_upper_limits() -> None:
    limits = catalogue.reference_intakes().upper_limits
    mg = limits["magnesium_supplemental"]
    assert (mg.nutrient, mg.applies_to, mg.bands[0].amount) == ("magnesium", "supplemental", 350)
    assert limits["vitamin_d"].bands[0].amount == 100
    assert [b.amount for b in limits["calcium"].bands] == [2500, 2000]


# ---------------------------------------------------------------- validation

GOOD_TREATMENT: dict[str, Any] = {
    "id": "x",
    "name": "X",
    "category": "home",
    "unit": "min",
    "typical_range": [1, 2],
    "synonyms": ["x"],
    "evidence": {"level": "none", "summary": "none"},
    "cautions": [],
    "clinician_given": False,
    "sources": [{"citation": "A. Title. 2000."}],
}

GOOD_FOOD: dict[str, Any] = {
    "id": "f",
    "name": "F",
    "synonyms": ["f"],
    "fdc_id": 1,
    "per_100g": {"potassium_mg": 1, "magnesium_mg": 1, "calcium_mg": 1, "vitamin_d_ug": 0},
    "serving": {"name": "1", "grams": 10},
    "source": {"citation": "USDA"},
}


def _with(entry: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(entry)
    for key, value in changes.items():
        if value is None:
            del out[key]
        else:
            out[key] = value
    return out


def test_it_accepts_a_well_formed_treatment() -> None:
    assert list(catalogue.parse_treatments([GOOD_TREATMENT])) == ["x"]


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([_with(GOOD_TREATMENT, sources=None)], "missing key"),
        ([_with(GOOD_TREATMENT, sources=[])], "at least one source"),
        ([_with(GOOD_TREATMENT, sources=[{"citation": " "}])], "empty citation"),
        ([GOOD_TREATMENT, GOOD_TREATMENT], "duplicate id"),
        ([_with(GOOD_TREATMENT, category="magic")], "not one of"),
        ([_with(GOOD_TREATMENT, typical_range=[3, 1])], "typical_range"),
    ],
)
def test_it_rejects_a_broken_treatment(entries: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        catalogue.parse_treatments(entries)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (_with(GOOD_FOOD, fdc_id=None), "missing key"),
        (_with(GOOD_FOOD, fdc_id="123"), "fdc_id"),
        (_with(GOOD_FOOD, fdc_id=0), "fdc_id"),
        (_with(GOOD_FOOD, source=None), "missing key"),
        (_with(GOOD_FOOD, per_100g={"potassium_mg": 1}), "missing key"),
        (_with(GOOD_FOOD, serving={"name": "1", "grams": 0}), "grams"),
    ],
)
def test_it_rejects_a_broken_food(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        catalogue.parse_foods([entry])


def test_it_rejects_a_number_habit_without_a_unit() -> None:
    habit = {
        "id": "h",
        "name": "H",
        "kind": "number",
        "unit": "",
        "category": "sleep",
        "synonyms": ["h"],
        "aggravates_hint": "because",
        "sources": [{"citation": "A"}],
    }
    with pytest.raises(CatalogueError, match="unit"):
        catalogue.parse_habits([habit])


def test_it_rejects_an_upper_limit_for_an_unknown_nutrient() -> None:
    raw = {
        "nutrients": {},
        "upper_limits": {
            "zinc": {
                "nutrient": "zinc",
                "unit": "mg",
                "applies_to": "total",
                "bands": [{"sex": "any", "age_min": 19, "age_max": None, "amount": 40}],
                "note": "",
                "sources": [{"citation": "A"}],
            }
        },
    }
    with pytest.raises(CatalogueError, match="unknown nutrient"):
        catalogue.parse_reference_intakes(raw)
