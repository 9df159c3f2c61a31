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
    # One row a day from the first entry on: the 35 days logged here, and more when another
    # browser test (e.g. the Flaredown import) wrote older days into the same shared account.
    assert table.is_visible() and table.locator("tbody tr").count() >= 35
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


def log_ice_some_days(ctx: object, server: str) -> None:
    """Ice on days unrelated to the spasms' pattern: a comparison with no clear effect."""
    csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "csrftoken")  # type: ignore[attr-defined]
    headers = {"X-CSRFToken": csrf, "Referer": server + "/"}
    start = datetime.now(UTC).replace(hour=19, minute=0, second=0, microsecond=0)
    start -= timedelta(days=36)
    for i in range(35):
        if i % 5 in (0, 1):
            log = {"treatment": "ice", "at": (start + timedelta(days=i)).isoformat()}
            r = ctx.request.post(server + "/api/treatment-logs", data=log, headers=headers)  # type: ignore[attr-defined]
            assert r.status == 201, r.text()


def test_findings_read_plainly_and_open_a_filled_in_experiment(
    server: str, browser: object
) -> None:
    from tests.browser.a11y import axe_violations

    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        ctx = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        sign_in_or_up(page, server, "/insights/")
        if page.locator("li.finding").count() == 0:
            log_five_weeks(ctx, server)
        if viewport is PHONE:  # once per test run (the server lives for the session)
            log_ice_some_days(ctx, server)
        page.goto(server + "/insights/")
        card = page.locator("section[aria-labelledby=helps-h] li.finding").first
        assert card.locator(".verdict").inner_text() == "Likely helps"
        assert "points lower than on days without (likely range" in card.inner_text()
        numbers = card.locator("details.numbers")
        assert not numbers.locator("li").first.is_visible()  # q-values wait behind details
        numbers.locator("summary").click()
        assert "q-value" in numbers.inner_text()
        unclear = page.locator("details.unclear-list")
        assert unclear.count() == 1
        unclear.locator("summary").first.click()
        verdict = unclear.locator(".verdict").first.inner_text()
        # "Unclear — about N more days would tell", or, when the data already rule out a
        # 1-point difference, "No clear effect — … unlikely" (the engine's more_days_to_tell).
        assert verdict.startswith(("Unclear", "No clear effect"))
        assert axe_violations(page) == []  # includes the contrast of every control shown
        shot(page, f"insights-plain-{name}")

        card.locator("a:has-text('Test it in an experiment')").click()
        page.wait_for_url("**/trials/new/?factor=heat*")
        assert page.locator("#id_treatment_b").input_value() == "heat"
        # The finding's main outcome: the one of its group (mean and max spasm intensity) with
        # the strongest evidence, which depends on what other tests logged on this account.
        main = page.locator("#id_outcome").input_value()
        assert main in ("mean_spasm_intensity", "max_spasm_intensity")
        preview = page.locator("#design-preview")
        assert "Your plan" in preview.inner_text()
        assert "%" in preview.inner_text()  # the power, shown before starting
        assert "From your Insights" in page.locator("#from-finding").inner_text()
        assert axe_violations(page) == []
        shot(page, f"experiment-from-finding-{name}")
        ctx.close()
