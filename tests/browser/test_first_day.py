from __future__ import annotations

import re

import pytest

from tests.browser.conftest import PHONE, shot

pytestmark = pytest.mark.browser


def test_a_new_person_signs_up_logs_a_spasm_deletes_and_undoes(
    fresh_server: str, browser: object
) -> None:
    ctx = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    page.goto(fresh_server + "/")
    assert page.url.endswith("/setup/")
    page.fill("#id_username", "sam")
    page.fill("#id_password1", "a-long-pass-1")
    page.fill("#id_password2", "a-long-pass-1")
    page.select_option("#id_tz", "Europe/Berlin")
    page.click("text=Create my account")
    page.wait_for_url(fresh_server + "/")
    shot(page, "today-empty-phone")

    page.click("a.btn.spasm")
    page.fill("input[name=bodymap_intensity]", "7")
    page.locator("svg.bm-front [data-region=thigh_front_left]").first.click()
    page.click("button:has-text('Save')")
    page.wait_for_url(fresh_server + "/")
    row = page.locator("#entries li.entry")
    assert row.count() == 1
    assert "Spasm · 7/10 · front of the thigh (left)" in row.inner_text()
    shot(page, "today-logged-phone")

    row.locator("button:has-text('Delete')").click()
    page.wait_for_selector("text=Deleted: Spasm")
    page.click("button:has-text('Undo')")
    page.wait_for_selector("#entries li.entry >> text=Delete")
    assert re.search(r"Spasm · 7/10", page.locator("#entries").inner_text())
    page.reload()
    assert page.locator("#entries li.entry").count() == 1
    ctx.close()
