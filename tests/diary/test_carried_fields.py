"""A plain field added to a diary model reaches every door with no edit anywhere else.

The probe (tests/diary/carried_field_probe.py, in a fresh process) adds three fields to the
muscle-event model only, then uses the API, the OpenAPI document, the page form and edit
page, the native export and import (JSON and CSV), and the FHIR export and import. Any door
with its own list of fields leaves them out, and this fails naming that door.
"""

from __future__ import annotations

from pathlib import Path

from spasmtrack.diary.carried import carried_names
from spasmtrack.diary.entries import RESOURCES
from tests.fresh_process import run_module

FIRST = {"woke_me": True, "stiffness": 4, "position": "sitting"}  # patched from "lying"
SECOND = {"woke_me": True, "stiffness": 3, "position": "sitting"}  # from the page form


def test_every_door_carries_a_field_added_to_the_model_only(tmp_path: Path) -> None:
    out = run_module("tests.diary.carried_field_probe", data_dir=str(tmp_path))
    assert out["api_status"] == 201
    assert out["api_created"] == out["api_read"] == {**FIRST, "position": "lying"}
    assert out["api_refuses_11"] == 422  # the model's MaxValueValidator(10)
    assert out["api_patched"] == "sitting"
    names = sorted(FIRST)
    assert out["openapi"] == {"MuscleEventIn": names, "MuscleEventOut": names}
    assert "checked" in out["edit_page"]["woke_me"]
    assert 'value="4"' in out["edit_page"]["stiffness"]
    assert out["edit_page"]["position"].startswith("<select")
    assert "selected" in out["edit_page_option"]
    assert out["form_status"] == 302
    assert out["form_saved"] == SECOND
    assert out["saved"] == [FIRST, SECOND]  # by intensity: 5 from the API, 7 from the form
    assert out["export_rows"] == [FIRST, SECOND]  # oldest first (by start time)
    assert out["native_import"] == [FIRST, SECOND]
    assert out["csv_import"] == [FIRST, SECOND]
    assert out["fhir_extensions"] == [
        "muscle-events-position",
        "muscle-events-stiffness",
        "muscle-events-woke-me",
    ]
    assert out["fhir_import"] == [FIRST, SECOND]


def test_no_kind_carries_a_field_today() -> None:
    # Every field of today's models is laid out by hand (the exported shapes stay as they are).
    for res in RESOURCES.values():
        assert carried_names(res.schema_in) == carried_names(res.schema_out) == (), res.name
