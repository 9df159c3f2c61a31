"""Nothing typed is lost, in Chromium: entries made with no connection (context.set_offline)
or after the sign-in ended (session cookie deleted) wait in the phone's outbox and all arrive
exactly once; a tab closed with entries waiting sends them on the next visit; a half-filled
form comes back after a reload."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, PHONE, SMALL, USERNAME, shot, sign_in_or_up

pytestmark = pytest.mark.browser
WAITING = "#outbox .outbox-count"


def new_page(browser: Any, server: str, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(15_000)
    sign_in_or_up(page, server)
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker?.controller !== null")
    page.wait_for_function(
        "() => caches.open('pages').then(c => Promise.all(['/log/spasm/', '/log/treatment/', '/']"
        ".map(p => c.match(p)))).then(rs => rs.every(Boolean))"
    )
    return page


def rows(page: Any, server: str, resource: str) -> list[dict[str, Any]]:
    return list(page.request.get(f"{server}/api/{resource}?limit=1000").json()["items"])


def count(page: Any, server: str, resource: str, marker: str = "") -> int:
    rows_ = rows(page, server, resource)
    return sum(1 for r in rows_ if marker in (r.get("notes") or ""))


def waiting(page: Any) -> int:
    page.wait_for_selector(WAITING)
    return int(page.locator(WAITING).inner_text())


def waiting_is(page: Any, n: int) -> None:
    page.wait_for_function(
        "n => document.querySelector('#outbox .outbox-count')?.textContent === String(n)", arg=n
    )


def drop_session(page: Any) -> None:
    page.context.clear_cookies(name="sessionid")


def log_spasm(page: Any, server: str, note: str) -> None:
    page.goto(server + "/log/spasm/")
    page.locator("svg.bm-front [data-region=thigh_front_left]").first.click()
    page.fill("textarea[name=notes]", note)
    page.click("button:has-text('Save')")


def log_treatment(page: Any, server: str, note: str) -> None:
    page.goto(server + "/log/treatment/")
    page.select_option("select[name=treatment]", "heat")
    page.fill("textarea[name=notes]", note)
    page.click("button.primary.big")


def fill_pain(page: Any, note: str) -> None:
    page.locator("svg.bm-front [data-region=forehead]").first.click()
    page.fill("textarea[name=notes]", note)
    page.click("button:has-text('Save pain drawing')")


def fill_checkin(page: Any, note: str) -> None:
    page.click("label[for=id_overall_pain_6]")
    page.fill("textarea[name=notes]", note)
    page.click("button:has-text('Save check-in')")


@pytest.mark.parametrize("viewport", [SMALL, PHONE], ids=["320", "375"])
def test_entries_made_offline_or_after_the_sign_in_ended_arrive_exactly_once(
    fresh_server: str, browser: Any, viewport: dict[str, int]
) -> None:
    server = fresh_server
    page = new_page(browser, server, viewport)
    ctx = page.context
    mark = "outbox-7f3a"
    # Three with no connection at all.
    ctx.set_offline(True)
    log_spasm(page, server, f"{mark} one")
    assert waiting(page) == 1
    assert "Saved on this phone — will send when you're back online" in page.inner_text("#outbox")
    shot(page, f"outbox-offline-{viewport['width']}")
    log_treatment(page, server, f"{mark} two")
    waiting_is(page, 2)
    page.goto(server + "/")  # Today, from the copy the worker keeps
    page.fill("#quick-text", "right calf cramp 5/10")
    page.click("#quick-form button:has-text('Check')")
    page.click("[data-outbox-keep] button")
    waiting_is(page, 3)
    # Two after the sign-in ended, with the connection back.
    ctx.set_offline(False)
    page.goto(server + "/")
    page.wait_for_function("() => document.querySelector('#outbox .outbox-count') === null")
    # (Back online, the three were sent at once; counted at the end.)
    # Two forms open in two tabs; the sign-in ends while they are being filled in.
    other = ctx.new_page()
    other.goto(server + "/log/pain/")
    page.goto(server + "/checkin/")
    drop_session(page)
    fill_checkin(page, f"{mark} four")
    waiting_is(page, 1)
    assert "Sign in to send them" in page.inner_text("#outbox")  # on the sign-in page
    fill_pain(other, f"{mark} five")
    waiting_is(other, 2)
    shot(other, f"outbox-signed-out-{viewport['width']}")
    # Signing in again in one tab sends them; the other tab sends at the same time.
    page.goto(server + "/accounts/login/?next=/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(server + "/")
    other.goto(server + "/history/")
    page.wait_for_function(
        """() => new Promise(ok => { const r = indexedDB.open('spasmtrack');
             r.onsuccess = () => { const q = r.result.transaction('outbox')
               .objectStore('outbox').count(); q.onsuccess = () => ok(q.result === 0); }; })"""
    )
    page.reload()
    assert count(page, server, "muscle-events", mark) == 1
    assert count(page, server, "treatment-logs", mark) == 1
    assert count(page, server, "checkins", mark) == 1
    assert count(page, server, "pain-drawings", mark) == 1
    # The quick log's line, read once it could be sent.
    events = rows(page, server, "muscle-events")
    assert sum(1 for e in events if e["regions"] == ["calf_right"]) == 1
    assert len(events) == 2
    page.reload()
    assert page.locator("#outbox .outbox-count").count() == 0
    ctx.close()


def test_a_tab_closed_with_entries_waiting_sends_them_on_the_next_visit(
    fresh_server: str, browser: Any
) -> None:
    server = fresh_server
    page = new_page(browser, server, PHONE)
    ctx = page.context
    ctx.set_offline(True)
    log_spasm(page, server, "closed-tab")
    assert waiting(page) == 1
    # "When did it start? (blank = now)": now is when Save was pressed, not when it is sent.
    body = page.evaluate(
        """() => new Promise(ok => { const r = indexedDB.open('spasmtrack');
             r.onsuccess = () => { const q = r.result.transaction('outbox')
               .objectStore('outbox').getAll(); q.onsuccess = () => ok(q.result[0].body); }; })"""
    )
    started = dict(p.split("=", 1) for p in body.split("&"))["started_at"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d%3A\d\d", started), started
    page.close()
    ctx.set_offline(False)
    page = ctx.new_page()
    page.goto(server + "/")
    page.wait_for_selector("#outbox .outbox-sent")
    assert "Sent 1 entry" in page.inner_text("#outbox")
    assert count(page, server, "muscle-events", "closed-tab") == 1
    page.reload()
    assert count(page, server, "muscle-events", "closed-tab") == 1
    ctx.close()


def test_a_half_filled_form_comes_back_after_a_reload(server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    sign_in_or_up(page, server, "/log/treatment/")
    page.select_option("select[name=treatment]", "heat")
    page.fill("textarea[name=notes]", "draft that must survive")
    page.reload()
    assert page.input_value("textarea[name=notes]") == "draft that must survive"
    assert page.input_value("select[name=treatment]") == "heat"
    assert page.locator(".draft-note").is_visible()
    shot(page, "draft-restored-phone")
    page.click(".draft-note button")  # Start again
    page.wait_for_load_state()
    assert page.input_value("textarea[name=notes]") == ""
    ctx.close()


def test_a_refused_entry_is_listed_and_opens_back_into_its_form(
    fresh_server: str, browser: Any
) -> None:
    server = fresh_server
    page = new_page(browser, server, PHONE)
    ctx = page.context
    ctx.set_offline(True)
    page.goto(server + "/")
    page.fill("#quick-text", "cramp")  # no place, no intensity: the server asks
    page.click("#quick-form button:has-text('Check')")
    page.click("[data-outbox-keep] button")
    assert waiting(page) == 1
    ctx.set_offline(False)
    page.goto(server + "/history/")
    page.wait_for_selector("#outbox .outbox-refused")
    assert "Not saved: your quick log" in page.inner_text("#outbox")
    page.click("#outbox .outbox-refused button:has-text('Open it')")
    page.wait_for_url(server + "/")
    assert page.input_value("#quick-text") == "cramp"
    ctx.close()
