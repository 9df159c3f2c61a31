"""The trigger-point muscle knowledge base (knowledge/muscles.json), loaded and validated.

The data file describes each muscle for the person's LEFT side; every muscle is bilateral, so
`for_side` mirrors the region ids for the right side (or unites both sides for "both").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypedDict

from spasmtrack.core.body.regions import all_regions, mirror
from spasmtrack.knowledge import data_path

Side = Literal["left", "right", "both"]
SIDES: tuple[Side, ...] = ("left", "right", "both")

_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


class InvalidMuscleData(ValueError):
    """muscles.json breaks its contract (unknown region ids, duplicate ids, missing sources...)."""


@dataclass(frozen=True)
class Source:
    citation: str
    url: str | None = None
    doi: str | None = None
    isbn: str | None = None

    def to_dict(self) -> dict[str, str]:
        """The citation plus whichever of url/doi/isbn are known."""
        out = {"citation": self.citation}
        for key in ("url", "doi", "isbn"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out


class MuscleDict(TypedDict):
    id: str
    name: str
    group: str
    prevalence: float
    trp_regions: list[str]
    essential: list[str]
    spillover: list[str]
    aggravated_by: list[str]
    self_check: str
    self_care: str
    sources: list[dict[str, str]]


@dataclass(frozen=True)
class Muscle:
    """One muscle as stored: region ids are for the person's left side (or midline)."""

    id: str
    name: str
    group: str
    prevalence: float
    trp_regions: tuple[str, ...]
    essential: tuple[str, ...]
    spillover: tuple[str, ...]
    aggravated_by: tuple[str, ...]
    self_check: str
    self_care: str
    sources: tuple[Source, ...]

    def to_dict(self) -> MuscleDict:
        """The stored (left-side) data; keys match the data file and the CLI's `trp muscles`."""
        return {
            "id": self.id,
            "name": self.name,
            "group": self.group,
            "prevalence": self.prevalence,
            "trp_regions": list(self.trp_regions),
            "essential": list(self.essential),
            "spillover": list(self.spillover),
            "aggravated_by": list(self.aggravated_by),
            "self_check": self.self_check,
            "self_care": self.self_care,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass(frozen=True)
class SidedMuscle:
    """A muscle's regions for one side ("both" = union of left and right, midline kept once)."""

    muscle: str
    side: Side
    trp_regions: tuple[str, ...]
    essential: tuple[str, ...]
    spillover: tuple[str, ...]


def for_side(m: Muscle, side: Side) -> SidedMuscle:
    """The muscle's TrP, essential and spillover region ids on `side`.

    Left returns the stored ids; right mirrors them; both unites the two in file order. A region
    that is essential on one side stays essential in the union (never also spillover).
    """
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}, not {side!r}")

    def on(ids: tuple[str, ...], s: Side) -> tuple[str, ...]:
        if s == "left":
            return ids
        if s == "right":
            return tuple(mirror(r) for r in ids)
        return tuple(dict.fromkeys(ids + tuple(mirror(r) for r in ids)))

    essential = on(m.essential, side)
    spillover = tuple(r for r in on(m.spillover, side) if r not in essential)
    return SidedMuscle(m.id, side, on(m.trp_regions, side), essential, spillover)


def _source(raw: dict[str, Any], muscle_id: str) -> Source:
    if not raw.get("citation"):
        raise InvalidMuscleData(f"{muscle_id}: a source has no citation")
    return Source(raw["citation"], raw.get("url"), raw.get("doi"), raw.get("isbn"))


def _muscle(raw: dict[str, Any]) -> Muscle:
    return Muscle(
        id=raw["id"],
        name=raw["name"],
        group=raw["group"],
        prevalence=float(raw["prevalence"]),
        trp_regions=tuple(raw["trp_regions"]),
        essential=tuple(raw["essential"]),
        spillover=tuple(raw["spillover"]),
        aggravated_by=tuple(raw["aggravated_by"]),
        self_check=raw["self_check"],
        self_care=raw["self_care"],
        sources=tuple(_source(s, raw["id"]) for s in raw["sources"]),
    )


def validate(muscles: list[Muscle]) -> None:
    """Raise InvalidMuscleData unless every muscle keeps the data file's contract.

    Contract: unique snake_case ids; region ids known to body-regions.csv and written for the
    left side (no `_right` ids); a non-empty essential zone; no region both essential and
    spillover; prevalence in (0, 1]; at least one source.
    """
    known = all_regions()
    seen: set[str] = set()
    for m in muscles:
        if not _SNAKE_CASE.match(m.id):
            raise InvalidMuscleData(f"{m.id!r} is not a snake_case id")
        if m.id in seen:
            raise InvalidMuscleData(f"duplicate muscle id {m.id!r}")
        seen.add(m.id)
        ids = m.trp_regions + m.essential + m.spillover
        unknown = [r for r in ids if r not in known]
        if unknown:
            raise InvalidMuscleData(f"{m.id}: unknown region ids {unknown}")
        right = [r for r in ids if known[r].side == "right"]
        if right:
            raise InvalidMuscleData(f"{m.id}: data must be left-sided, found {right}")
        if not m.essential:
            raise InvalidMuscleData(f"{m.id}: empty essential zone")
        if set(m.essential) & set(m.spillover):
            raise InvalidMuscleData(f"{m.id}: regions both essential and spillover")
        if not 0 < m.prevalence <= 1:
            raise InvalidMuscleData(f"{m.id}: prevalence {m.prevalence} outside (0, 1]")
        if not m.sources:
            raise InvalidMuscleData(f"{m.id}: no source")


@cache
def all_muscles() -> dict[str, Muscle]:
    """Every muscle keyed by id, in the data file's order; validated once on first use."""
    with data_path("muscles.json").open(encoding="utf-8") as f:
        raw = json.load(f)
    muscles = [_muscle(m) for m in raw["muscles"]]
    validate(muscles)
    return {m.id: m for m in muscles}


def muscle(muscle_id: str) -> Muscle:
    """The muscle with this id; KeyError for an unknown id."""
    return all_muscles()[muscle_id]
