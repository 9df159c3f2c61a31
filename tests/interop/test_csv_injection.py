from __future__ import annotations

import copy
import csv
import io
import zipfile

import pytest

from spasmtrack.diary.entries import RESOURCES, create_entry
from spasmtrack.interop.native import (
    export_csv_zip,
    export_document,
    import_document,
    protect_cell,
    read_csv_zip,
    unprotect_cell,
)
from spasmtrack.test import BaseTestCase

NASTY = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\tindented",
    "\rreturn",
    "'=already quoted",
    "''+twice",
    "'plain quote",
    "plain",
    "",
    "a=b",
]


@pytest.mark.parametrize("text", NASTY)
def test_it_reverses_the_protection_exactly(text: str) -> None:
    assert unprotect_cell(protect_cell(text)) == text
    assert not protect_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_it_leaves_cells_that_are_not_formula_like_alone() -> None:
    for text in ("plain", "'plain quote", "a=b", "2024-01-01", ""):
        assert protect_cell(text) == unprotect_cell(text) == text


class CsvInjectionTestCase(BaseTestCase):
    def test_it_writes_formula_cells_as_text_and_imports_them_back_unchanged(self) -> None:
        res = RESOURCES["muscle-events"]
        for i, text in enumerate(NASTY):
            create_entry(
                self.alice,
                res,
                {
                    "kind": "spasm",
                    "intensity": 5,
                    "regions": ["calf_left"],
                    "notes": text,
                    "started_at": f"2024-01-{i + 1:02d}T10:00:00Z",
                },
            )
        before = export_document(self.alice)
        data = export_csv_zip(self.alice)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            rows = list(csv.DictReader(io.StringIO(z.read("muscle-events.csv").decode())))
        cells = [r["notes"] for r in rows]
        assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
        assert '\'=HYPERLINK("http://evil.example","click")' in cells
        # Round trip into charlie's empty diary: the same notes, character for character.
        doc = read_csv_zip(data)
        for row in doc["muscle-events"]:
            row.pop("id")
        import_document(self.charlie, doc)
        after = export_document(self.charlie)
        notes = sorted(e["notes"] for e in after["muscle-events"])
        assert notes == sorted(e["notes"] for e in copy.deepcopy(before)["muscle-events"])
        assert sorted(NASTY) == notes
