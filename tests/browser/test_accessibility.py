"""Every page, on a phone and on a desktop, in the light and the dark theme: axe-core finds
nothing (colour contrast included), tap targets are at least 44 px on the phone, and scripts
+ styles stay under 100 KB."""

from __future__ import annotations

import pytest

from tests.browser.a11y import asset_bytes, axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, SMALL, shot, signed_in_page

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/log/spasm/",
    "/log/twitch/",
    "/checkin/",
    "/log/treatment/",
    "/log/pain/",
    "/history/",
    "/settings/",
    "/insights/",
    "/trigger-points/",
    "/trigger-points/finder/",
    "/trials/",
    "/trials/new/",
    "/nutrition/",
    "/lifestyle/",
    "/questionnaires/",
    "/report/",
    "/treatments/evidence/",
    "/sharing/",
    "/offline/",
    "/no-such-page/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [SMALL, PHONE, DESKTOP], ids=["320", "phone", "desktop"])
def test_every_page_passes_axe_and_size_budgets(
    server: str, browser: object, viewport: dict[str, int], scheme: str
) -> None:
    page = signed_in_page(browser, server, viewport, scheme)
    problems = {}
    for path in PAGES:
        page.goto(server + path)
        if v := axe_violations(page):
            problems[f"axe {path}"] = v
        if viewport is not DESKTOP and (small := small_tap_targets(page)):
            problems[f"tap {path}"] = small
        if (kb := asset_bytes(page) / 1024) > 100:
            problems[f"weight {path}"] = f"{kb:.0f} KB of JS+CSS"
        name = "home" if path == "/" else path.strip("/").replace("/", "-")
        size = {id(SMALL): "320", id(PHONE): "phone", id(DESKTOP): "desktop"}[id(viewport)]
        shot(page, f"{name}-{size}{'-dark' if scheme == 'dark' else ''}")
    page.context.close()
    assert problems == {}
