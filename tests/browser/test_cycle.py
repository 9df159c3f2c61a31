"""The optional menstrual cycle and the check-in's activity rating in a real browser, on a
375 px phone and a desktop: turned on in Settings, "Period today" in one tap (htmx) and its
undo, the 0-10 activity buttons; they pass axe and keep 44 px targets. "Period today"
tapped with no connection waits in the phone's outbox like the other Today buttons and is
stored once when the connection comes back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.a11y import axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, diary_today, shot, signed_in_page
from tests.browser.test_outbox import new_page, rows, waiting_is

pytestmark = pytest.mark.browser
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def _set_tracking(page: object, server: str, on: bool) -> None:
    page.goto(server + "/settings/")  # type: ignore[attr-defined]
    box = page.locator("#id_cycle_enabled")  # type: ignore[attr-defined]
    box.set_checked(on)
    page.click("button:has-text('Save cycle tracking')")  # type: ignore[attr-defined]
    page.wait_for_url(server + "/settings/")  # type: ignore[attr-defined]


def _api(page: object, method: str, path: str, body: object = None) -> dict[str, object]:
    """A JSON API call from the page, with the session and its CSRF token."""
    result: dict[str, object] = page.evaluate(  # type: ignore[attr-defined]
        """async ([method, path, body]) => {
             const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken'];
             const r = await fetch(path, {method, headers: {'X-CSRFToken': token,
               'Content-Type': 'application/json'}, body: body ? JSON.stringify(body) : null});
             return r.status === 204 ? {} : await r.json();
           }""",
        [method, path, body],
    )
    return result


@VIEWPORTS
def test_it_logs_a_period_day_in_one_tap_once_turned_on(
    server: str, browser: object, viewport: dict[str, int]
) -> None:
    size = "phone" if viewport is PHONE else "desktop"
    page = signed_in_page(browser, server, viewport)
    _set_tracking(page, server, False)
    page.goto(server + "/")
    assert page.locator("#cycle-today").count() == 0  # off: nothing shown or asked
    assert "Period today" not in page.inner_text("main")
    _set_tracking(page, server, True)
    assert "Cycle tracking is on" in page.inner_text(".messages")
    shot(page, f"cycle-settings-{size}")
    page.goto(server + "/")
    shot(page, f"cycle-button-{size}")
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
    page.wait_for_selector("text=Period day taken back.")
    assert page.locator("#cycle-today button.period").inner_text() == "Period today"
    # Three earlier periods through the API (the browser session): cycles of 29 and 27 days.
    ids = [
        _api(page, "POST", "/api/period-days", {"local_date": d.isoformat()})["id"]
        for d in (diary_today() - timedelta(days=n) for n in (66, 37, 10))
    ]
    page.reload()
    text = page.inner_text("#cycle-today")
    assert "Cycle day 11" in text and "Next period expected around" in text
    assert "From your 2 cycles: 27–29 days, average 28." in text
    shot(page, f"cycle-expected-{size}")
    for code in ids:
        _api(page, "DELETE", f"/api/period-days/{code}")
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
    day = diary_today() - timedelta(days=40 if viewport is PHONE else 41)
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


def test_period_today_tapped_offline_waits_on_the_phone_and_is_stored_once(
    server: str, browser: object
) -> None:
    page = new_page(browser, server, PHONE)
    _set_tracking(page, server, True)
    page.goto(server + "/")
    if page.locator("#cycle-today button:has-text('Undo')").count():  # another test's day
        page.click("#cycle-today button:has-text('Undo')")
        page.wait_for_selector("text=Period day taken back.")
    before = {d["id"] for d in rows(page, server, "period-days")}
    page.context.set_offline(True)
    page.click("button:has-text('Period today')")
    waiting_is(page, 1)
    assert "Saved on this phone" in page.inner_text("#outbox")
    shot(page, "cycle-outbox-offline-phone")
    assert {d["id"] for d in rows(page, server, "period-days")} == before  # not sent yet
    page.context.set_offline(False)  # the page's "online" event sends the outbox
    page.wait_for_function("() => document.querySelector('#outbox .outbox-count') === null")
    page.goto(server + "/")
    assert page.locator("#outbox .outbox-count").count() == 0  # nothing left to send
    assert "Period logged today." in page.inner_text("#cycle-today")
    new = [d for d in rows(page, server, "period-days") if d["id"] not in before]
    assert len(new) == 1, new  # stored once
    _api(page, "DELETE", f"/api/period-days/{new[0]['id']}")  # leave the account as it was
    _set_tracking(page, server, False)
    page.context.close()
