"""The optional menstrual cycle and the check-in's activity rating in a real browser, on a
375 px phone and a desktop: turned on in Settings, "Period today" in one tap (htmx) and its
undo, the 0-10 activity buttons; they pass axe and keep 44 px targets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.a11y import axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, shot, signed_in_page

pytestmark = pytest.mark.browser
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def _set_tracking(page: object, server: str, on: bool) -> None:
    page.goto(server + "/settings/")  # type: ignore[attr-defined]
    box = page.locator("#id_cycle_enabled")  # type: ignore[attr-defined]
    box.set_checked(on)
    page.click("button:has-text('Save cycle tracking')")  # type: ignore[attr-defined]
    page.wait_for_url(server + "/settings/")  # type: ignore[attr-defined]


@VIEWPORTS
def test_it_logs_a_period_day_in_one_tap_once_turned_on(
    server: str, browser: object, viewport: dict[str, int]
) -> None:
    size = "phone" if viewport is PHONE else "desktop"
    page = signed_in_page(browser, server, viewport)
    assert page.locator("#cycle-today").count() == 0  # off: nothing shown or asked
    _set_tracking(page, server, True)
    assert "Cycle tracking is on" in page.inner_text(".messages")
    shot(page, f"cycle-settings-{size}")
    page.goto(server + "/")
    page.click("button:has-text('Period today')")
    page.wait_for_selector("text=Period logged today.")
    assert page.url == server + "/"  # swapped in place, no reload
    assert "Cycle day 1 · menstrual phase" in page.inner_text("#cycle-today")
    if viewport is PHONE:
        assert small_tap_targets(page) == []
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"cycle-today-{size}")
    assert axe_violations(page) == []
    page.click("#cycle-today button:has-text('Undo')")
    page.wait_for_selector("#cycle-today button:has-text('Period today')")
    assert "Period day taken back." in page.inner_text("#cycle-today")
    _set_tracking(page, server, False)  # leave the shared account as it was
    page.goto(server + "/")
    assert page.locator("#cycle-today").count() == 0
    page.context.close()


@VIEWPORTS
def test_it_rates_how_much_was_done_with_buttons(
    server: str, browser: object, viewport: dict[str, int]
) -> None:
    size = "phone" if viewport is PHONE else "desktop"
    page = signed_in_page(browser, server, viewport)
    page.goto(server + "/checkin/")
    # A past day of its own, so no other test's check-in of today is in the way.
    day = date.today() - timedelta(days=40 if viewport is PHONE else 41)
    page.fill("#id_local_date", day.isoformat())
    assert page.is_checked("#id_activity_0")  # "Skip": optional, never prefilled
    page.click("label[for=id_activity_8]")  # after Skip: 7
    assert page.is_checked("#id_activity_8")
    page.locator("label[for=id_activity_8]").scroll_into_view_if_needed()
    if viewport is PHONE:
        assert small_tap_targets(page) == []
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    shot(page, f"checkin-activity-{size}")
    assert axe_violations(page) == []
    page.click("button:has-text('Save check-in')")
    page.wait_for_url(server + "/")
    assert "Check-in saved." in page.inner_text(".messages")
    page.context.close()
