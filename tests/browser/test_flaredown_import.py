from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.a11y import axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser

CSV = (
    "Date,Fibromyalgia,Muscle spasms,Mystery,Heat,Lyrica,Ibuprofen,Tags,Foods\n"
    '2024-01-01,3,4,,20,75 mg,"200 mg, twice",stress; bad sleep,"Bananas, raw; Pizza, cheese"\n'
    "\n"
    "2024-01-02,2,3,,15,75 mg,,,\n"
)


def test_a_person_previews_the_columns_corrects_one_and_imports(
    server: str, browser: object, tmp_path: Path
) -> None:
    export, notes = tmp_path / "flaredown.csv", tmp_path / "notes.txt"
    export.write_text(CSV, encoding="utf-8-sig")
    notes.write_text("2024-01-02,Slept badly, stiff neck\n", encoding="utf-8")
    ctx = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server, "/import/flaredown/")
    assert not small_tap_targets(page)
    page.set_input_files("#id_file", str(export))
    page.set_input_files("#id_notes", str(notes))
    page.click("button:has-text('Show the columns')")
    page.wait_for_selector("text=Change any column that is wrong")

    labels = page.locator("ul.entries label").all_inner_texts()
    assert labels == [
        "Fibromyalgia",
        "Muscle spasms",
        "Mystery",
        "Heat",
        "Lyrica",
        "Ibuprofen",
    ]
    assert page.get_by_label("Heat").input_value() == "treatment"
    assert page.get_by_label("Mystery").input_value() == "skip"
    assert page.get_by_label("Fibromyalgia").input_value() == "rating"
    assert axe_violations(page) == []
    assert small_tap_targets(page) == []
    shot(page, "flaredown-import-preview-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "flaredown-import-preview-desktop")
    assert axe_violations(page) == []

    page.get_by_label("Heat").select_option("skip")
    page.click("button:has-text('Import')")
    done = page.locator(".msg.success")
    done.wait_for()
    text = done.inner_text()
    assert "4 symptom ratings (0-4 scale), 3 treatment logs, 2 habit logs, 1 foods, 1 notes" in text
    assert "Columns not imported: Heat." in text
    shot(page, "flaredown-import-done-desktop")
    ctx.close()
