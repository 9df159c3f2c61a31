from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser

PICKS = (("Neck", "neck_side_left"), ("Head", "temple_left"), ("Shoulder", "shoulder_top_left"))


def find_neck_pain(page: object) -> None:
    for group, region in PICKS:
        page.click(f"summary:has-text('{group}')")  # type: ignore[attr-defined]
        page.check(f"input[value={region}]")  # type: ignore[attr-defined]
    page.click("button:has-text('Find muscles')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Muscles that could be referring this pain")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("viewport", "device"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_person_finds_a_muscle_and_records_a_tender_spot(
    server: str, browser: object, viewport: dict[str, int], device: str
) -> None:
    ctx = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server, "/trigger-points/finder/")
    shot(page, f"trp-finder-empty-{device}")

    find_neck_pain(page)
    first = page.locator("li.candidate").first
    assert "Upper trapezius" in first.locator("h3").inner_text()
    assert page.locator("li.candidate").count() >= 3
    shot(page, f"trp-finder-results-{device}")

    first.locator("button:has-text('I found a tender spot here')").click()
    saved = first.locator(".record.saved")
    saved.wait_for()
    assert "upper trapezius (left) · active · tender 5/10" in saved.inner_text()
    shot(page, f"trp-finder-saved-{device}")

    saved.locator("text=See it with your trigger points").click()
    page.wait_for_url("**/trigger-points/")
    section = page.locator("section.trp", has_text="Upper trapezius")
    assert "left side" in section.locator("h2").inner_text()
    assert "5/10" in section.locator("table").inner_text()
    shot(page, f"trp-tracking-{device}")
    ctx.close()
