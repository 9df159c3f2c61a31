from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shot, sign_in_or_up

pytestmark = pytest.mark.browser


def log_five_weeks(ctx: object, server: str) -> None:
    """Through the JSON API with the browser session: heat on every other day, when the
    spasms were milder; one pain drawing."""
    csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "csrftoken")  # type: ignore[attr-defined]
    headers = {"X-CSRFToken": csrf, "Referer": server + "/"}
    start = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    start -= timedelta(days=36)
    for i in range(35):
        at = start + timedelta(days=i)
        heat = i % 2 == 0
        event = {
            "kind": "spasm",
            "started_at": at.isoformat(),
            "intensity": (3 if heat else 7) + i % 3 - 1,
            "regions": ["calf_left"] if i % 4 else ["neck_back_left", "shoulder_top_left"],
        }
        r = ctx.request.post(server + "/api/muscle-events", data=event, headers=headers)  # type: ignore[attr-defined]
        assert r.status == 201, r.text()
        # A habit every day: each day is fully logged, so days without heat count as "no".
        sleep = {"habit": "hours_slept", "local_date": at.date().isoformat(), "value": 7}
        r = ctx.request.post(server + "/api/habit-logs", data=sleep, headers=headers)  # type: ignore[attr-defined]
        assert r.status == 201, r.text()
        if heat:
            log = {"treatment": "heat", "at": (at + timedelta(hours=8)).isoformat()}
            r = ctx.request.post(server + "/api/treatment-logs", data=log, headers=headers)  # type: ignore[attr-defined]
            assert r.status == 201, r.text()
    drawing = {"at": start.isoformat(), "regions": {"lumbar_left": 6, "lumbar_right": 4}}
    r = ctx.request.post(server + "/api/pain-drawings", data=drawing, headers=headers)  # type: ignore[attr-defined]
    assert r.status == 201, r.text()


def test_insights_show_sentences_charts_and_the_heatmap(server: str, browser: object) -> None:
    ctx = browser.new_context(viewport=PHONE)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(10_000)
    sign_in_or_up(page, server, "/insights/")
    log_five_weeks(ctx, server)

    page.goto(server + "/insights/")
    better = page.locator("section[aria-labelledby=helps-h] li.finding").first
    assert "On days with heat" in better.inner_text()
    assert better.locator("a:has-text('Test it in an experiment')").count() == 1
    assert page.locator("svg.trend").count() >= 2
    assert page.locator("#heatmap svg.bm-heat").count() == 2
    assert "not medical advice" in page.locator(".caveat").inner_text()
    shot(page, "insights-phone")

    summary = page.locator("summary:has-text('Table: max spasm intensity')")
    summary.click()
    table = page.locator("figure.chart", has=summary).locator("table.data")
    assert table.is_visible() and table.locator("tbody tr").count() == 35
    earlier = page.locator("#heatmap a:has-text('Earlier')")
    if earlier.count():  # the diary spans two months: step back with htmx
        label = page.locator("#heatmap strong").inner_text()
        earlier.click()
        page.wait_for_function(
            "l => document.querySelector('#heatmap strong').textContent !== l", arg=label
        )
    ctx.close()

    desk = browser.new_context(viewport=DESKTOP)  # type: ignore[attr-defined]
    page = desk.new_page()
    sign_in_or_up(page, server, "/insights/")
    page.goto(server + "/insights/")
    assert page.locator("svg.trend").count() >= 2
    shot(page, "insights-desktop")
    desk.close()
