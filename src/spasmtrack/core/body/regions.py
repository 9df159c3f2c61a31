"""The body-region vocabulary (a public contract: ids never change)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from spasmtrack.knowledge import data_path


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    view: str  # "front" | "back"
    side: str  # "left" | "right" | "midline"
    wpi_area: str  # "" where the Widespread Pain Index has no area for it
    group: str


@cache
def all_regions() -> dict[str, Region]:
    """Every region keyed by id, in the file's order."""
    with data_path("body-regions.csv").open(newline="", encoding="utf-8") as f:
        return {row["id"]: Region(**row) for row in csv.DictReader(f)}


def region(region_id: str) -> Region:
    """The region with this id; KeyError for an unknown id."""
    return all_regions()[region_id]


def unknown_regions(ids: list[str] | set[str]) -> list[str]:
    """The ids in `ids` that are not in the vocabulary, in the given order."""
    known = all_regions()
    return [i for i in ids if i not in known]


def mirror(region_id: str) -> str:
    """The same region on the other side; midline regions mirror to themselves."""
    for a, b in (("_left", "_right"), ("_right", "_left")):
        if region_id.endswith(a):
            other = region_id[: -len(a)] + b
            return other if other in all_regions() else region_id
    return region_id


def groups() -> dict[str, list[Region]]:
    """Regions grouped by their `group` column, in the file's order."""
    out: dict[str, list[Region]] = {}
    for r in all_regions().values():
        out.setdefault(r.group, []).append(r)
    return out
