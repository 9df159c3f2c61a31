"""The "counts for Monday 30 November" hint under a log form's time, and the 0-10 pain
buttons of "Something I tried", in a real browser on a 375 px phone (and a desktop): they
work, pass axe, and keep 44 px targets."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.a11y import axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, shot, signed_in_page

pytestmark = pytest.mark.browser
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def _day_text(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B}"


@VIEWPORTS
def test_it_says_which_day_a_late_time_counts_for(
    server: str, browser: object, viewport: dict[str, int]
) -> None:
    size = "phone" if viewport is PHONE else "desktop"
    page = signed_in_page(browser, server, viewport)  # a new account: the day starts at 04:00
    page.goto(server + "/log/spasm/")
    hint = page.locator("#id_started_at-day")
    # On load (blank = now) the hint names a day already.
    page.wait_for_function("() => document.querySelector('#id_started_at-day').textContent")
    assert hint.inner_text().startswith("Counts for ")
    night = date.today() - timedelta(days=8)  # 01:30 on a past night: the day before's
    page.fill("#id_started_at", f"{night.isoformat()}T01:30")
    expected = f"Counts for {_day_text(night - timedelta(days=1))}."
    page.wait_for_function(
        "t => document.querySelector('#id_started_at-day').textContent.trim() === t", arg=expected
    )
    page.fill("#id_started_at", f"{night.isoformat()}T09:00")
    page.wait_for_function(
        "t => document.querySelector('#id_started_at-day').textContent.trim() === t",
        arg=f"Counts for {_day_text(night)}.",
    )
    page.fill("#id_started_at", f"{night.isoformat()}T01:30")
    page.wait_for_function(
        "t => document.querySelector('#id_started_at-day').textContent.trim() === t", arg=expected
    )
    shot(page, f"day-hint-{size}")
    assert axe_violations(page) == []
    if viewport is PHONE:
        assert small_tap_targets(page) == []
    page.locator("svg.bm-front [data-region=thigh_front_left]").first.click()
    page.click("button:has-text('Save')")
    page.wait_for_url(server + "/")
    assert f"counts for {_day_text(night - timedelta(days=1))}" in page.inner_text(".messages")
    page.context.close()


@VIEWPORTS
def test_it_rates_pain_before_and_after_with_buttons(
    server: str, browser: object, viewport: dict[str, int]
) -> None:
    size = "phone" if viewport is PHONE else "desktop"
    page = signed_in_page(browser, server, viewport)
    page.goto(server + "/log/treatment/")
    page.select_option("#id_treatment", "heat")
    page.click("label[for=id_pain_before_8]")  # the 8th button after Skip: 7
    page.click("label[for=id_pain_after_4]")  # 3
    assert page.is_checked("#id_pain_before_8") and page.is_checked("#id_pain_after_4")
    page.click("label[for=id_pain_after_0]")  # Skip takes it back
    assert page.is_checked("#id_pain_after_0")
    page.click("label[for=id_pain_after_4]")
    if viewport is PHONE:
        assert small_tap_targets(page) == []
        # All twelve buttons of a row fit the screen: nothing scrolls sideways.
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"]
    shot(page, f"treatment-pain-buttons-{size}")
    assert axe_violations(page) == []
    page.click("button:has-text('Save')")
    page.wait_for_url(server + "/")
    assert "pain 7 → 3" in page.inner_text("#entries")
    # Heat is now among the most used: it heads the list next time.
    page.goto(server + "/log/treatment/")
    first = page.locator("#id_treatment optgroup").first
    assert first.get_attribute("label") == "You use most"
    assert "Heat" in first.inner_text()
    page.goto(server + "/history/")
    shot(page, f"history-days-{size}")
    page.goto(server + "/settings/")
    shot(page, f"settings-day-start-{size}")
    assert axe_violations(page) == []
    page.context.close()
