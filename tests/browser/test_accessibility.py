"""Every page, on a phone and on a desktop: axe-core finds nothing, tap targets are at least
44 px on the phone, and scripts + styles stay under 100 KB."""

from __future__ import annotations

import pytest

from tests.browser.a11y import asset_bytes, axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, shot, signed_in_page

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/log/spasm/",
    "/log/twitch/",
    "/checkin/",
    "/log/treatment/",
    "/history/",
    "/settings/",
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_passes_axe_and_size_budgets(
    server: str, browser: object, viewport: dict[str, int]
) -> None:
    page = signed_in_page(browser, server, viewport)
    problems = {}
    for path in PAGES:
        page.goto(server + path)
        if v := axe_violations(page):
            problems[f"axe {path}"] = v
        if viewport is PHONE and (small := small_tap_targets(page)):
            problems[f"tap {path}"] = small
        if (kb := asset_bytes(page) / 1024) > 100:
            problems[f"weight {path}"] = f"{kb:.0f} KB of JS+CSS"
        name = "home" if path == "/" else path.strip("/").replace("/", "-")
        shot(page, f"{name}-{'phone' if viewport is PHONE else 'desktop'}")
    page.context.close()
    assert problems == {}
