from __future__ import annotations

import pytest

from tests.browser.a11y import axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser


def test_a_person_sets_up_reminders_and_sees_the_check_in_due_on_today(
    server: str, browser: object
) -> None:
    ctx = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server, "/reminders/")
    assert page.locator("text=Nothing is on until you save").count() == 1
    # A check-in time already past today (00:01) makes it due now, whatever the hour.
    page.fill("#id_checkin_at", "00:01")
    page.fill("#id_quiet_from", "")
    page.fill("#id_quiet_until", "")
    page.click("button:has-text('Save reminders')")
    page.wait_for_selector("text=Reminders saved.")
    # localhost is a secure context: the notification button is offered (not pressed: that
    # needs a real push service).
    page.wait_for_selector("#push-on:not([hidden])")
    assert axe_violations(page) == []
    assert small_tap_targets(page) == []
    shot(page, "reminders-phone")
    page.set_viewport_size(DESKTOP)
    shot(page, "reminders-desktop")

    page.goto(server + "/")
    due = page.locator("#reminders-due")
    if page.locator("text=Edit check-in").count() == 0:  # not checked in today yet
        due.wait_for()
        assert "Daily check-in" in due.inner_text()
        assert axe_violations(page) == []
    ctx.close()
