from __future__ import annotations

import re

import pytest

from tests.browser.a11y import axe_violations, small_tap_targets
from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser


def test_a_person_creates_an_experiment_sees_today_and_opens_the_report(
    server: str, browser: object
) -> None:
    ctx = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(15_000)
    sign_in_or_up(page, server, "/trials/")
    page.click("text=New experiment")
    page.wait_for_url("**/trials/new/")
    # Other browser tests log heat on the shared account today (then nothing needs asking):
    # B is a treatment none of them logs.
    page.select_option("#id_treatment_b", "epsom_salt_bath")
    page.fill("#id_mcid", "1.5")
    page.dispatch_event("#id_mcid", "change")
    preview = page.locator("#design-preview")
    preview.filter(has_text="3 block(s) of two 7-day periods").wait_for()
    assert "We need at least 7 days of past scores" in preview.inner_text()
    shot(page, "trials-new-phone")
    assert small_tap_targets(page) == []

    page.click("button:has-text('Start experiment')")
    page.wait_for_url(re.compile(r".*/trials/[0-9a-f-]{36}/$"))
    status = page.locator("#today-status")
    this_week = r"Experiment: day 1 of 42 — this week: (Epsom salt bath \(B\)|Usual routine \(A\))"
    assert re.search(this_week, status.inner_text())
    assert "Did you use epsom salt bath today?" in status.inner_text()
    assert page.locator("table.schedule tbody tr").count() == 7 + 5  # later periods folded
    shot(page, "trials-detail-phone")
    assert axe_violations(page) == []
    assert small_tap_targets(page) == []

    status.locator("button:has-text('Yes')").click()
    page.wait_for_selector("text=Noted, thank you.")
    assert "Did you use epsom salt bath today?" not in page.locator("#today-status").inner_text()

    page.click("a.btn:has-text('Report')")
    page.wait_for_url("**/report/")
    assert "This is one person's experiment." in page.inner_text("main")
    assert "Not enough data for an analysis yet" in page.inner_text("#answer")
    seed = page.inner_text("#seed")
    assert seed.isdigit()
    shot(page, "trials-report-phone")
    assert axe_violations(page) == []

    page.set_viewport_size(DESKTOP)
    page.reload()
    shot(page, "trials-report-desktop")
    page.click("text=Back to the experiment")
    shot(page, "trials-detail-desktop")
    page.goto(server + "/trials/")
    assert page.locator("#trials li.entry").count() >= 1
    shot(page, "trials-list-desktop")
    ctx.close()
