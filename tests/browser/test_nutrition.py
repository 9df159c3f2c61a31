from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser


def test_a_person_logs_a_food_and_a_supplement_and_sees_totals_and_the_warning(
    server: str, browser: object
) -> None:
    ctx = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server, "/nutrition/")

    # Find a food by another word for it: "pepitas" are pumpkin seeds.
    page.fill("#id_q", "pepitas")
    page.wait_for_selector("#id_food-food option[value=banana]", state="detached")
    assert page.input_value("#id_food-food") == "pumpkin_seeds"
    page.fill("#id_food-amount", "1")
    page.click("button:has-text('Save food')")
    page.wait_for_selector("text=Saved: Pumpkin seeds")
    assert "Pumpkin seeds" in page.locator("#intakes").inner_text()
    # About 168 mg of magnesium from food: totals, but no supplement warning.
    assert page.locator(".bars .bar-label:has-text('Magnesium')").count() >= 1
    assert page.locator(".warning").count() == 0

    page.select_option("#id_supplement-nutrient", "magnesium")
    page.fill("#id_supplement-amount", "400")
    page.check("#id_supplement-unit_0")  # mg
    page.click("button:has-text('Save supplement')")
    page.wait_for_selector("text=Saved: Magnesium supplement · 400 mg")
    warning = page.locator(".warning")
    warning.wait_for()
    assert "350 mg/day upper limit" in warning.inner_text()
    assert "Talk to a clinician" in warning.inner_text()
    assert page.locator("table.totals").count() == 2
    shot(page, "nutrition-phone")

    page.set_viewport_size(DESKTOP)
    page.reload()
    page.locator(".warning").wait_for()
    shot(page, "nutrition-desktop")

    # Undo works for intakes too.
    row = page.locator("#intakes li.entry").first
    row.locator("button:has-text('Delete')").click()
    page.wait_for_selector("#intakes >> text=Deleted:")
    page.click("#intakes button:has-text('Undo')")
    page.wait_for_selector("#intakes button:has-text('Delete')")
    ctx.close()


def test_a_person_records_a_change_and_works_through_the_checklist(
    server: str, browser: object
) -> None:
    ctx = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server, "/lifestyle/")

    page.fill("#id_habits-hours_sitting", "7")
    page.check("#id_habits-posture_breaks_1")  # yes
    page.click("button:has-text('Save habits')")
    page.wait_for_selector("text=Saved 2 habit(s)")

    page.fill("#id_change-title", "New pillow")
    page.select_option("#id_change-category", "sleep")
    page.click("button:has-text('Record this change')")
    page.wait_for_selector("#changes >> text=New pillow (sleep)")

    item = page.locator("#item-monitor_height")
    item.locator("label:has-text('Done')").click()
    page.wait_for_selector("#item-monitor_height .status-line:has-text('Done · since')")
    shot(page, "lifestyle-phone")
    page.set_viewport_size(DESKTOP)
    page.reload()
    assert "Done · since" in page.locator("#item-monitor_height").inner_text()
    shot(page, "lifestyle-desktop")

    page.goto(server + "/treatments/evidence/")
    page.wait_for_selector("main >> text=What the research says")
    assert page.locator("a[href^='https://doi.org/']").count() > 5
    shot(page, "evidence-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "evidence-phone")
    ctx.close()
