"""Cited catalogues: treatments, habits, foods, reference intakes and ergonomics.

Every loader validates its file when it is first read (required keys, unique ids,
at least one source per entry) and raises `CatalogueError` on a broken file, so a bad
edit to a knowledge file fails loudly at start-up instead of showing uncited facts.
The `parse_*` functions hold the validation and take already-decoded JSON, so they can
be tested on small hand-made data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from spasmtrack.knowledge import data_path

TREATMENT_CATEGORIES = frozenset({"home", "nutrition", "clinical", "lifestyle"})
HABIT_KINDS = frozenset({"yes_no", "number"})
HABIT_CATEGORIES = frozenset({"lifestyle", "ergonomic", "sleep", "activity", "diet"})
NUTRIENT_KEYS = ("potassium_mg", "magnesium_mg", "calcium_mg", "vitamin_d_ug")
SEXES = frozenset({"male", "female", "any"})


class CatalogueError(ValueError):
    """A knowledge file breaks its contract (missing key, duplicate id, no source...)."""


@dataclass(frozen=True)
class Source:
    citation: str
    doi: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Treatment:
    id: str
    name: str
    category: str  # home | nutrition | clinical | lifestyle
    unit: str
    typical_range: tuple[float, float]  # what people commonly log; a typo guard, not a dose
    synonyms: tuple[str, ...]
    evidence_level: str
    evidence_summary: str
    cautions: tuple[str, ...]
    clinician_given: bool
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Habit:
    id: str
    name: str
    kind: str  # yes_no | number
    unit: str  # "" for yes_no
    category: str
    synonyms: tuple[str, ...]
    aggravates_hint: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Serving:
    name: str
    grams: float


@dataclass(frozen=True)
class Food:
    id: str
    name: str
    synonyms: tuple[str, ...]
    fdc_id: int
    per_100g: Mapping[str, float]  # keys: NUTRIENT_KEYS
    serving: Serving
    source: Source


@dataclass(frozen=True)
class AgeBand:
    sex: str  # male | female | any
    age_min: int
    age_max: int | None  # inclusive; None = no upper bound
    amount: float

    def covers(self, age: int, sex: str) -> bool:
        """Whether this band applies to `age` (years) and `sex`."""
        sex_ok = self.sex == "any" or self.sex == sex
        return sex_ok and age >= self.age_min and (self.age_max is None or age <= self.age_max)


@dataclass(frozen=True)
class NutrientReference:
    nutrient: str
    unit: str
    kind: str  # RDA | AI
    bands: tuple[AgeBand, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class UpperLimit:
    id: str
    nutrient: str
    unit: str
    applies_to: str  # "supplemental" | "total"
    bands: tuple[AgeBand, ...]
    note: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ReferenceIntakes:
    nutrients: Mapping[str, NutrientReference]
    upper_limits: Mapping[str, UpperLimit]


@dataclass(frozen=True)
class ErgonomicItem:
    id: str
    title: str
    guidance: str
    sources: tuple[Source, ...]


# ---------------------------------------------------------------- validation helpers


def _require(entry: Mapping[str, Any], keys: Sequence[str], where: str) -> None:
    if not isinstance(entry, Mapping):
        raise CatalogueError(f"{where}: expected an object, got {type(entry).__name__}")
    missing = [k for k in keys if k not in entry]
    if missing:
        raise CatalogueError(f"{where}: missing key(s) {', '.join(missing)}")


def _source(raw: Any, where: str) -> Source:
    _require(raw, ("citation",), where)
    citation = raw["citation"]
    if not isinstance(citation, str) or not citation.strip():
        raise CatalogueError(f"{where}: empty citation")
    return Source(citation=citation, doi=raw.get("doi"), url=raw.get("url"))


def _sources(raw: Any, where: str) -> tuple[Source, ...]:
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"{where}: needs at least one source")
    return tuple(_source(s, f"{where} source {i}") for i, s in enumerate(raw))


def _strings(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) and s for s in raw):
        raise CatalogueError(f"{where}: expected a list of non-empty strings")
    return tuple(raw)


def _one_of(value: Any, allowed: frozenset[str], where: str) -> str:
    if value not in allowed:
        raise CatalogueError(f"{where}: {value!r} is not one of {sorted(allowed)}")
    return str(value)


def _keyed(items: Sequence[Any], kind: str) -> dict[str, Any]:
    """Items keyed by id, in file order; duplicate ids are an error."""
    out: dict[str, Any] = {}
    for item in items:
        if item.id in out:
            raise CatalogueError(f"{kind}: duplicate id {item.id!r}")
        out[item.id] = item
    return out


def _named(entry: Mapping[str, Any], where: str) -> dict[str, Any]:
    """What every catalogue entry has: its id, its name and the other words for it."""
    synonyms = _strings(entry["synonyms"], f"{where} synonyms")
    return {"id": entry["id"], "name": entry["name"], "synonyms": synonyms}


def _each(
    raw: Any, kind: str, one: str, keys: Sequence[str]
) -> Iterator[tuple[Mapping[str, Any], str]]:
    """(entry, where) for each entry of the list `kind`, once it has every key; `where`
    names it for error messages ("habit 'pacing'")."""
    for i, e in enumerate(_entries(raw, kind)):
        _require(e, keys, f"{kind}[{i}]")
        yield e, f"{one} {e['id']!r}"


def _entries(raw: Any, kind: str) -> list[Mapping[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"{kind}: expected a non-empty list")
    return raw


# ---------------------------------------------------------------- parsers


def parse_treatments(raw: Any) -> dict[str, Treatment]:
    """Validated treatments keyed by id (file order)."""
    out = []
    keys: tuple[str, ...] = ("id", "name", "category", "unit", "typical_range", "synonyms")
    keys += ("evidence", "cautions", "clinician_given", "sources")
    for e, where in _each(raw, "treatments", "treatment", keys):
        _require(e["evidence"], ("level", "summary"), f"{where} evidence")
        low, high = e["typical_range"]
        if not 0 <= low <= high:
            raise CatalogueError(f"{where}: typical_range must be 0 <= low <= high")
        out.append(
            Treatment(
                **_named(e, where),
                category=_one_of(e["category"], TREATMENT_CATEGORIES, where),
                unit=e["unit"],
                typical_range=(float(low), float(high)),
                evidence_level=e["evidence"]["level"],
                evidence_summary=e["evidence"]["summary"],
                cautions=tuple(e["cautions"]),
                clinician_given=bool(e["clinician_given"]),
                sources=_sources(e["sources"], where),
            )
        )
    return _keyed(out, "treatments")


def parse_habits(raw: Any) -> dict[str, Habit]:
    """Validated habits keyed by id (file order)."""
    out = []
    keys = ("id", "name", "kind", "unit", "category", "synonyms", "aggravates_hint", "sources")
    for e, where in _each(raw, "habits", "habit", keys):
        kind = _one_of(e["kind"], HABIT_KINDS, where)
        if kind == "number" and not e["unit"]:
            raise CatalogueError(f"{where}: a number habit needs a unit")
        out.append(
            Habit(
                **_named(e, where),
                kind=kind,
                unit=e["unit"],
                category=_one_of(e["category"], HABIT_CATEGORIES, where),
                aggravates_hint=e["aggravates_hint"],
                sources=_sources(e["sources"], where),
            )
        )
    return _keyed(out, "habits")


def parse_foods(raw: Any) -> dict[str, Food]:
    """Validated foods keyed by id (file order); every food needs an FDC id and a source."""
    out = []
    keys = ("id", "name", "synonyms", "fdc_id", "per_100g", "serving", "source")
    for e, where in _each(raw, "foods", "food", keys):
        fdc_id = e["fdc_id"]
        if not isinstance(fdc_id, int) or isinstance(fdc_id, bool) or fdc_id <= 0:
            raise CatalogueError(f"{where}: fdc_id must be a positive integer")
        _require(e["per_100g"], NUTRIENT_KEYS, f"{where} per_100g")
        per_100g = {k: float(e["per_100g"][k]) for k in NUTRIENT_KEYS}
        if any(v < 0 for v in per_100g.values()):
            raise CatalogueError(f"{where}: nutrient amounts cannot be negative")
        _require(e["serving"], ("name", "grams"), f"{where} serving")
        grams = float(e["serving"]["grams"])
        if grams <= 0:
            raise CatalogueError(f"{where}: serving grams must be positive")
        out.append(
            Food(
                **_named(e, where),
                fdc_id=fdc_id,
                per_100g=per_100g,
                serving=Serving(name=e["serving"]["name"], grams=grams),
                source=_source(e["source"], f"{where} source"),
            )
        )
    return _keyed(out, "foods")


def _bands(raw: Any, where: str) -> tuple[AgeBand, ...]:
    if not isinstance(raw, list) or not raw:
        raise CatalogueError(f"{where}: needs at least one age band")
    bands = []
    for i, b in enumerate(raw):
        _require(b, ("sex", "age_min", "age_max", "amount"), f"{where} band {i}")
        if float(b["amount"]) <= 0:
            raise CatalogueError(f"{where} band {i}: amount must be positive")
        bands.append(
            AgeBand(
                sex=_one_of(b["sex"], SEXES, f"{where} band {i}"),
                age_min=int(b["age_min"]),
                age_max=None if b["age_max"] is None else int(b["age_max"]),
                amount=float(b["amount"]),
            )
        )
    return tuple(bands)


def parse_reference_intakes(raw: Any) -> ReferenceIntakes:
    """Validated reference intakes (RDA/AI per nutrient) and upper limits."""
    _require(raw, ("nutrients", "upper_limits"), "reference_intakes")
    nutrients = {}
    for name, e in raw["nutrients"].items():
        where = f"reference intake {name!r}"
        _require(e, ("unit", "kind", "bands", "sources"), where)
        nutrients[name] = NutrientReference(
            nutrient=name,
            unit=e["unit"],
            kind=e["kind"],
            bands=_bands(e["bands"], where),
            sources=_sources(e["sources"], where),
        )
    limits = {}
    for limit_id, e in raw["upper_limits"].items():
        where = f"upper limit {limit_id!r}"
        _require(e, ("nutrient", "unit", "applies_to", "bands", "note", "sources"), where)
        if e["nutrient"] not in nutrients:
            raise CatalogueError(f"{where}: unknown nutrient {e['nutrient']!r}")
        limits[limit_id] = UpperLimit(
            id=limit_id,
            nutrient=e["nutrient"],
            unit=e["unit"],
            applies_to=_one_of(e["applies_to"], frozenset({"supplemental", "total"}), where),
            bands=_bands(e["bands"], where),
            note=e["note"],
            sources=_sources(e["sources"], where),
        )
    return ReferenceIntakes(nutrients=nutrients, upper_limits=limits)


def parse_ergonomics(raw: Any) -> dict[str, ErgonomicItem]:
    """Validated ergonomics checklist items keyed by id (file order)."""
    out = []
    keys = ("id", "title", "guidance", "sources")
    for e, where in _each(raw, "ergonomics", "ergonomic item", keys):
        out.append(
            ErgonomicItem(
                id=e["id"],
                title=e["title"],
                guidance=e["guidance"],
                sources=_sources(e["sources"], where),
            )
        )
    return _keyed(out, "ergonomics")


# ---------------------------------------------------------------- loaders


def _load(name: str) -> Any:
    with data_path(name).open(encoding="utf-8") as f:
        return json.load(f)


@cache
def treatments() -> dict[str, Treatment]:
    """Every treatment keyed by id, from knowledge/treatments.json."""
    return parse_treatments(_load("treatments.json"))


@cache
def habits() -> dict[str, Habit]:
    """Every loggable habit keyed by id, from knowledge/habits.json."""
    return parse_habits(_load("habits.json"))


@cache
def foods() -> dict[str, Food]:
    """Every food keyed by id, from knowledge/foods.json (values per 100 g, USDA SR)."""
    return parse_foods(_load("foods.json"))


@cache
def reference_intakes() -> ReferenceIntakes:
    """Adult reference intakes and upper limits, from knowledge/reference_intakes.json."""
    return parse_reference_intakes(_load("reference_intakes.json"))


@cache
def ergonomics() -> dict[str, ErgonomicItem]:
    """The ergonomics checklist keyed by id, from knowledge/ergonomics.json."""
    return parse_ergonomics(_load("ergonomics.json"))
