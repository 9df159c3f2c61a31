"""A patient makes a share link; a clinician opens it in a browser with no account; after
revoking, the same link gets a clear page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.a11y import axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser


def test_a_clinician_opens_a_share_link_without_an_account(server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    sign_in_or_up(page, server, "/share-links/")
    page.fill("#id_days", "7")
    page.fill("#id_label", "Dr Rahman")
    page.click("button:has-text('Make a share link')")
    page.wait_for_selector("#new-link")
    assert page.locator(".qr svg").count() == 1
    url = page.input_value("#share-url")
    assert url.startswith(server + "/s/")
    shot(page, "share-links-phone")
    assert axe_violations(page) == []
    assert small_tap_targets(page) == []

    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        anon = browser.new_context(viewport=viewport)  # no cookies: nobody signed in
        other = anon.new_page()
        other.goto(url)
        text = other.inner_text("main")
        assert "read-only summary" in text and "works until" in text
        assert "In figures" in text
        assert other.locator("nav[aria-label=Main]").count() == 0  # not signed in
        shot(other, f"share-open-{name}")
        assert axe_violations(other) == []
        anon.close()

    page.goto(server + "/share-links/")
    page.click("button:has-text('Revoke')")
    page.wait_for_selector("text=no longer works")
    anon = browser.new_context(viewport=PHONE)
    other = anon.new_page()
    resp = other.goto(url)
    assert resp is not None and resp.status == 410
    assert "This share link was revoked" in other.inner_text("main")
    shot(other, "share-revoked-phone")
    assert axe_violations(other) == []
    anon.close()

    page.goto(server + "/sharing/audit/")
    assert "Share link opened" in page.inner_text("main")
    ctx.close()
