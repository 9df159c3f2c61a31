"""The fast paths of a bad day, in a real browser at phone and desktop size."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shot, signed_in_page

pytestmark = pytest.mark.browser
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


def _size(viewport: dict[str, int]) -> str:
    return "phone" if viewport is PHONE else "desktop"


def _region(page: object, view: str, region: str) -> object:
    return page.locator(f"svg.bm-{view} [data-region={region}]").first  # type: ignore[attr-defined]


@VIEWPORTS
def test_it_logs_a_spasm_in_three_taps(server: str, browser: object, viewport: dict) -> None:
    page = signed_in_page(browser, server, viewport)
    shot(page, f"today-{_size(viewport)}")
    page.click("a.btn.spasm")  # 1
    page.wait_for_selector("svg.bm-front")
    shot(page, f"bodymap-front-{_size(viewport)}")
    _region(page, "front", "thigh_front_left").click()  # 2
    page.click("button:has-text('Save')")  # 3
    page.wait_for_url(server + "/")
    assert "front of the thigh (left)" in page.locator("#entries").inner_text()
    page.context.close()


@VIEWPORTS
def test_it_draws_pain_in_three_regions(server: str, browser: object, viewport: dict) -> None:
    page = signed_in_page(browser, server, viewport)
    page.goto(server + "/log/pain/")
    page.fill("input[name=bodymap_intensity]", "6")
    _region(page, "front", "forehead").click()
    _region(page, "front", "chest_left").click()
    if viewport is PHONE:
        page.click("button.bm-flip")  # one view at a time on a phone
    _region(page, "back", "lumbar_right").click()
    shot(page, f"bodymap-back-{_size(viewport)}")
    chosen = json.loads(page.input_value("input[name=regions]"))
    assert chosen == {"forehead": 6, "chest_left": 6, "lumbar_right": 6}
    page.click("button:has-text('Save pain drawing')")
    page.wait_for_url(server + "/")
    assert "Pain drawing · 3 areas · worst 6/10" in page.locator("#entries").inner_text()
    page.context.close()


@VIEWPORTS
def test_it_takes_the_checkin_in_one_save(server: str, browser: object, viewport: dict) -> None:
    page = signed_in_page(browser, server, viewport)
    page.goto(server + "/checkin/")
    if "/edit/" in page.url:  # already done today in this shared server: edit it instead
        pass
    for item, value in (
        ("overall_pain", 5),
        ("spasm_burden", 4),
        ("sleep_quality", 3),
        ("fatigue", 6),
        ("brain_fog", 5),
        ("stress", 4),
        ("mood", 6),
    ):
        page.click(f"label[for=id_{item}_{value}]")
    shot(page, f"checkin-{_size(viewport)}")
    page.click("button.primary.big")
    # The outbox script sends the form and then goes on to Today (an edit goes to History).
    page.wait_for_url(lambda url: "/checkin/" not in url and "/edit/" not in url)
    assert "pain 5, spasms 4, sleep 3" in page.content()
    page.context.close()


def test_it_logs_with_the_keyboard_only(server: str, browser: object) -> None:
    page = signed_in_page(browser, server, DESKTOP)
    page.goto(server + "/log/twitch/")
    region = _region(page, "front", "eye_right")
    for _ in range(200):  # Tab until the right eye has focus, as a keyboard user would
        page.keyboard.press("Tab")
        if region.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the right eye region is not reachable with Tab")
    focus_ring = region.evaluate("el => getComputedStyle(el.querySelector('.bm-s')).stroke")
    assert focus_ring == "rgb(245, 166, 35)"  # the visible focus ring
    page.keyboard.press("Enter")
    assert region.get_attribute("aria-pressed") == "true"
    assert region.get_attribute("aria-label").startswith("around the eye and eyebrow (right)")
    page.focus("button:has-text('Save')")
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/")
    assert "around the eye and eyebrow (right)" in page.locator("#entries").inner_text()
    page.context.close()


@VIEWPORTS
def test_it_quick_logs_after_showing_what_it_understood(
    server: str, browser: object, viewport: dict
) -> None:
    page = signed_in_page(browser, server, viewport)
    page.fill("#quick-text", "left calf cramp 7/10 for 20 min after yoga")
    page.click("#quick-form button:has-text('Check')")
    page.wait_for_selector("#quick-preview >> text=I understood")
    assert "7/10" in page.locator("#quick-preview").inner_text()
    shot(page, f"quicklog-{_size(viewport)}")
    page.click("button:has-text('Save this')")
    page.wait_for_selector("text=Saved:")
    assert "calf (left)" in page.locator("#entries").inner_text()
    page.context.close()


@VIEWPORTS
def test_it_quick_logs_several_entries_after_removing_one(
    server: str, browser: object, viewport: dict
) -> None:
    page = signed_in_page(browser, server, viewport)
    page.fill("#quick-text", "right trap spasm 6/10, biofreeze on it, took advil 400mg")
    page.click("#quick-form button:has-text('Check')")
    page.wait_for_selector("#quick-preview >> text=Save these 3")
    rows = page.locator("#quick-preview li.quick-entry")
    assert rows.count() == 3
    for i in range(3):  # big tap targets
        box = rows.nth(i).locator("button.quick-remove").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    shot(page, f"quicklog-confirm-{_size(viewport)}")
    rows.nth(2).locator("button.quick-remove").click()
    page.wait_for_selector("#quick-preview >> text=Save these 2")
    assert "advil" not in page.locator("#quick-preview ul").inner_text().lower()
    shot(page, f"quicklog-removed-{_size(viewport)}")
    page.click("button:has-text('Save these 2')")
    page.wait_for_selector("text=Saved:")
    entries = page.locator("#entries").inner_text()
    assert "Topical rub" in entries
    assert "anti-inflammatory" not in entries
    page.context.close()


def test_it_keeps_the_quick_log_text_when_the_network_fails(server: str, browser: object) -> None:
    page = signed_in_page(browser, server, PHONE)
    page.fill("#quick-text", "twitch right eyelid")
    page.route("**/quick/", lambda route: route.abort())
    page.click("#quick-form button:has-text('Check')")
    page.wait_for_selector(".retry:not([hidden])")
    assert page.input_value("#quick-text") == "twitch right eyelid"
    page.unroute("**/quick/")
    page.click("#quick-form button:has-text('Check')")
    page.wait_for_selector("#quick-preview >> text=I understood")
    assert page.locator(".retry").is_hidden()
    page.context.close()


def test_the_server_is_healthy(server: str) -> None:
    assert json.loads(urllib.request.urlopen(server + "/healthz").read()) == {"status": "ok"}


def test_every_body_region_is_a_44px_target_when_magnified(server: str, browser: object) -> None:
    from tests.browser.a11y import MIN_TAP, region_tap_sizes

    page = signed_in_page(browser, server, PHONE)
    page.goto(server + "/log/pain/")
    small = {}
    for view in ("front", "back"):
        if view == "back":
            page.click("button.bm-flip")
        sizes = region_tap_sizes(page, view)
        small.update({f"{view}:{k}": round(v, 1) for k, v in sizes.items() if v < MIN_TAP - 0.5})
    page.context.close()
    assert small == {}
