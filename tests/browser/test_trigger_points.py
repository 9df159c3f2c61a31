"""The referred-pain finder in a real browser: tap painful areas on the body map, see ranked
muscles with their patterns drawn on the body map, record a tender spot in one tap."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.a11y import asset_bytes, axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser

# (view, region): upper-trapezius pain; the top of the shoulder is drawn on the back view.
TAPS = (("front", "neck_side_left"), ("front", "temple_left"), ("back", "shoulder_top_left"))
MAX_ASSETS_KB = 100


def tap_neck_pain(page: Any, phone: bool) -> None:
    page.fill("input[name=bodymap_intensity]", "7")
    for view, region in TAPS:
        if phone and page.get_attribute("[data-bodymap]", "data-showing") != view:
            page.click("button.bm-flip")  # one view at a time on a phone
        page.locator(f"[data-bodymap] svg.bm-{view} [data-region={region}]").click()
    chosen = json.loads(page.input_value("input[name=regions]"))
    assert chosen == {region: 7 for _, region in TAPS}


def check_page(page: Any, phone: bool) -> None:
    assert axe_violations(page) == []
    if phone:
        assert small_tap_targets(page) == []
    assert asset_bytes(page) <= MAX_ASSETS_KB * 1024


@pytest.mark.parametrize(("viewport", "device"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_person_finds_a_muscle_on_the_body_map_and_records_a_tender_spot(
    server: str, browser: Any, viewport: dict[str, int], device: str
) -> None:
    phone = viewport is PHONE
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server, "/trigger-points/finder/")
    check_page(page, phone)
    shot(page, f"trp-finder-empty-{device}")

    tap_neck_pain(page, phone)
    page.click("button:has-text('Find muscles')")
    page.wait_for_selector("text=Muscles that could be referring this pain")
    check_page(page, phone)

    candidates = page.locator("li.candidate")
    first = candidates.first
    assert "Upper trapezius" in first.locator("h3").inner_text()
    assert candidates.count() == 5
    # The top three carry their pattern on static maps; upper trapezius needs both views.
    assert first.locator("svg.bm-static").count() == 2
    for i in range(3):
        assert candidates.nth(i).locator("svg.bm-static").count() >= 1
    assert "10 = where the trigger point lies" in first.locator(".pattern-legend").inner_text()
    assert first.locator(".trp-ring ellipse").count() >= 1
    # The map above the form keeps the three tapped areas.
    assert json.loads(page.input_value("input[name=regions]")) == {r: 7 for _, r in TAPS}
    shot(page, f"trp-finder-results-{device}")

    # Plain fit, never the raw score; on a phone the page stays short: the top three show,
    # the rest are folded.
    assert "Fits" in first.locator(".score").inner_text()
    assert "score 0." not in page.locator("#results").inner_text()
    assert not candidates.nth(3).is_visible()
    if phone:
        height = page.evaluate("document.documentElement.scrollHeight")
        print(f"finder results page on a phone: {height} px tall")
    # The fourth muscle's pattern loads when asked for.
    page.locator("summary:has-text('more muscles that could fit')").click()
    fourth = candidates.nth(3)
    assert fourth.locator("svg.bm-static").count() == 0
    fourth.locator("summary:has-text('Show on the body map')").click()
    fourth.locator(".pattern-slot svg.bm-static").first.wait_for()
    check_page(page, phone)
    fourth.scroll_into_view_if_needed()
    shot(page, f"trp-finder-more-{device}")

    first.locator("button:has-text('I found a tender spot here')").click()
    saved = first.locator(".record.saved")
    saved.wait_for()
    assert "upper trapezius (left) · active · tender 5/10" in saved.inner_text()
    shot(page, f"trp-finder-saved-{device}")

    saved.locator("text=See it with your trigger points").click()
    page.wait_for_url("**/trigger-points/")
    section = page.locator("section.trp", has_text="Upper trapezius").first
    assert "left side" in section.locator("h2").inner_text()
    assert "5/10" in section.locator("table").inner_text()
    shot(page, f"trp-tracking-{device}")
    ctx.close()
