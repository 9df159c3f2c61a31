"""The installable app in Chromium: manifest, icons and a service worker that controls the
page and shows the offline page; the More menu at phone widths; the 404 page; reduced motion."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, SMALL, shot, signed_in_page

pytestmark = pytest.mark.browser


def controlled(page: Any) -> None:
    """Wait until the service worker controls the page and has the log forms for offline."""
    page.wait_for_function("() => navigator.serviceWorker?.controller !== null")
    page.wait_for_function(
        "() => caches.open('pages').then(c => c.match('/log/spasm/')).then(r => !!r)"
    )


def test_it_meets_the_installability_criteria(server: str, browser: Any) -> None:
    page = signed_in_page(browser, server, PHONE)
    page.wait_for_function("() => navigator.serviceWorker.ready.then(r => !!r.active)")
    page.reload()  # a worker controls the pages loaded after it activated (or it claims them)
    controlled(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == server + "/"
    cdp = page.context.new_cdp_session(page)
    got = cdp.send("Page.getAppManifest")
    assert got["url"] == server + "/manifest.webmanifest"
    assert not got["errors"], got["errors"]
    m = json.loads(got["data"])
    assert m["display"] == "standalone" and m["start_url"] == "/"
    # Chromium's own verdict; an automated context is "incognito", which alone does not count.
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    for icon in m["icons"]:
        r = page.request.get(server + icon["src"])
        assert r.status == 200 and r.headers["content-type"] == icon["type"], icon
    fav = page.request.get(server + "/favicon.ico")
    assert fav.status == 200 and fav.headers["content-type"] == "image/x-icon"
    page.context.close()


def test_it_opens_the_log_forms_and_an_offline_page_without_a_network(
    server: str, browser: Any
) -> None:
    page = signed_in_page(browser, server, PHONE)
    page.reload()
    controlled(page)
    page.context.set_offline(True)
    page.goto(server + "/log/spasm/")
    assert page.locator("h1").inner_text() == "Log a spasm"
    page.goto(server + "/insights/")  # never kept for offline: the offline page
    assert page.locator("h1").inner_text() == "You are offline"
    shot(page, "offline-phone")
    page.context.set_offline(False)
    page.goto(server + "/insights/")
    assert page.locator("h1").inner_text() != "You are offline"
    page.context.close()


@pytest.mark.parametrize("width", [320, 360, 375, 390])
def test_the_more_menu_fits_and_closes(server: str, browser: Any, width: int) -> None:
    page = signed_in_page(browser, server, {"width": width, "height": 640})
    page.click("#more summary")
    links = page.locator(".more-menu a, .more-menu button")
    assert links.count() >= 7
    for i in range(links.count()):
        link = links.nth(i)
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (link.inner_text(), box)
        assert box["height"] >= 44
        # Reachable: the link itself is what a tap at its centre hits.
        hit = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('a, button')?.textContent",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert hit == link.inner_text(), (hit, link.inner_text())
    shot(page, f"more-menu-{width}")
    page.keyboard.press("Escape")
    assert page.evaluate("document.getElementById('more').open") is False
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.click("#more summary")
    assert page.evaluate("document.getElementById('more').open") is True
    # A tap outside: beside "More" in the header (on a small phone the open menu reaches
    # the bottom of the screen, so the header is what is left outside it).
    more = page.locator("#more summary").bounding_box()
    assert more is not None
    outside = (width - 6, more["y"] + more["height"] / 2)
    assert page.evaluate(
        "([x, y]) => !document.elementFromPoint(x, y).closest('#more, a, button')", list(outside)
    )
    page.mouse.click(*outside)
    assert page.evaluate("document.getElementById('more').open") is False
    # And a link works: Sign out is reachable and signs out.
    page.click("#more summary")
    page.click(".more-menu button:has-text('Sign out')")
    page.wait_for_load_state()
    page.goto(server + "/")
    assert "/accounts/login/" in page.url
    page.context.close()


@pytest.mark.parametrize("viewport", [SMALL, DESKTOP], ids=["320", "desktop"])
def test_it_shows_a_404_page_with_the_navigation(
    server: str, browser: Any, viewport: dict[str, int]
) -> None:
    page = signed_in_page(browser, server, viewport)
    r = page.goto(server + "/no-such-page/")
    assert r.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.locator("nav[aria-label=Main] a", has_text="History").is_visible()
    shot(page, f"404-{viewport['width']}")
    page.context.close()


def test_it_respects_reduced_motion(server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport=PHONE, reduced_motion="reduce")
    page = ctx.new_page()
    from tests.browser.conftest import sign_in_or_up

    sign_in_or_up(page, server, "/log/pain/")
    duration = page.evaluate(
        "getComputedStyle(document.querySelector('svg.bm .bm-s')).transitionDuration"
    )
    assert duration in ("0s", "1e-05s")
    ctx.close()
    ctx = browser.new_context(viewport=PHONE, reduced_motion="no-preference")
    page = ctx.new_page()
    sign_in_or_up(page, server, "/log/pain/")
    duration = page.evaluate(
        "getComputedStyle(document.querySelector('svg.bm .bm-s')).transitionDuration"
    )
    assert duration == "0.12s"
    ctx.close()
