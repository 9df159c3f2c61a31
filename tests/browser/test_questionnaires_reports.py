from __future__ import annotations

from typing import Any

import pytest

from tests.browser.a11y import axe_violations, small_tap_targets
from tests.browser.conftest import ARTIFACTS, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser


def fill_peg(page: Any, pain: int, enjoyment: int, activity: int) -> None:
    page.click("a.btn:has-text('Fill in'):has-text('PEG')")
    for item, value in (("pain", pain), ("enjoyment", enjoyment), ("activity", activity)):
        page.click(f"label[for=id_{item}_{value}]")
    page.click("button:has-text('See my score')")
    page.wait_for_selector(".interpretation")


def test_a_person_answers_the_peg_twice_and_sees_the_trend(server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport=PHONE)
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server, "/questionnaires/")
    shot(page, "questionnaires-phone")

    fill_peg(page, 8, 7, 9)
    assert "Your PEG score is 8.0 of 10" in page.inner_text(".interpretation")
    shot(page, "questionnaire-result-phone")
    page.click("text=All questionnaires")
    fill_peg(page, 5, 6, 7)
    page.click("text=All questionnaires")
    assert page.locator("svg.trend").count() == 1
    shot(page, "questionnaires-trend-phone")
    assert axe_violations(page) == []
    assert small_tap_targets(page) == []

    page.click("nav.qfilter a:has-text('FIQR')")  # htmx swaps the history only
    page.wait_for_selector("#history >> text=No answers yet for this questionnaire")
    assert page.url.endswith("?kind=fiqr")

    page.goto(server + "/questionnaires/acr2016/")
    page.click("label[for=id_fatigue_2]")
    shot(page, "questionnaire-acr-phone")
    assert axe_violations(page) == []
    ctx.close()


def test_a_person_saves_questions_and_downloads_the_report(server: str, browser: Any) -> None:
    ctx = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    sign_in_or_up(page, server, "/report/")
    page.fill("#id_questions", "Could magnesium help my night cramps?")
    page.click("button:has-text('Save my questions')")
    page.wait_for_selector("#saved:has-text('Your questions are saved.')")
    shot(page, "report-page-phone")
    assert axe_violations(page) == []
    assert small_tap_targets(page) == []

    with page.expect_download() as download:
        page.click("button:has-text('Download the PDF')")
    target = ARTIFACTS / "report-from-browser.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.startswith("spasmtrack-report-")
    page.reload()
    assert "Could magnesium help" in page.input_value("#id_questions")
    ctx.close()
