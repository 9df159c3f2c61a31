from __future__ import annotations

import ast
from pathlib import Path

import pytest

from spasmtrack.core.body import regions
from spasmtrack.knowledge import data_path

SHARED = Path(__file__).resolve().parents[3] / "shared" / "knowledge" / "body-regions.csv"
PKG = Path(__file__).resolve().parents[2] / "src" / "spasmtrack"


def test_it_has_116_regions_with_unique_ids() -> None:
    assert len(regions.all_regions()) == 116


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not checked out beside the repo")
def test_it_agrees_with_the_shared_vocabulary() -> None:
    assert data_path("body-regions.csv").read_bytes() == SHARED.read_bytes()


@pytest.mark.parametrize(
    ("rid", "other"),
    [
        ("calf_left", "calf_right"),
        ("temple_right", "temple_left"),
        ("sternum", "sternum"),
    ],
)
def test_it_mirrors_paired_regions(rid: str, other: str) -> None:
    assert regions.mirror(rid) == other


def test_it_lists_unknown_ids_in_order() -> None:
    assert regions.unknown_regions(["calf_left", "nose", "elbow"]) == ["nose", "elbow"]


def test_it_keeps_core_and_knowledge_free_of_django() -> None:
    offenders = []
    for folder in ("core", "knowledge"):
        for path in (PKG / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                names += [
                    n
                    for n in names
                    if n.startswith("spasmtrack.") and n.split(".")[1] not in ("core", "knowledge")
                ]
                if any(n.split(".")[0] == "django" for n in names) or any(
                    n.startswith("spasmtrack.") and n.split(".")[1] not in ("core", "knowledge")
                    for n in names
                ):
                    offenders.append(str(path.relative_to(PKG)))
    assert offenders == []
