"""The tender-point self-pressure exam in a real browser, on a phone and a desktop."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.a11y import axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "device"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_person_rates_the_sites_and_sees_the_sensitisation_score(
    server: str, browser: Any, viewport: dict[str, int], device: str
) -> None:
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server, "/questionnaires/mtps/")
    assert "until your thumbnail turns white" in page.inner_text(".how-to-press")
    assert page.locator(".site-map svg.bm-static").count() == 2
    assert axe_violations(page) == []
    if viewport is PHONE:
        assert small_tap_targets(page) == []
    shot(page, f"mtps-fill-{device}")
    ids = page.eval_on_selector_all(
        "input[type=radio][name^=rating_][value='3']", "els => els.map(e => e.id)"
    )
    assert len(ids) == 19
    for input_id in ids:
        page.click(f"label[for={input_id}]")
    page.fill("input[name=algometer_trapezius_left]", "2.5")
    page.click("button:has-text('See my score')")
    page.wait_for_selector(".interpretation")
    assert "Your sensitisation score is 3.0 of 10" in page.inner_text(".interpretation")
    assert "not a diagnosis" in page.inner_text(".interpretation")
    assert page.locator(".site-map svg.bm-static").count() == 2
    assert axe_violations(page) == []
    shot(page, f"mtps-result-{device}")
    ctx.close()
