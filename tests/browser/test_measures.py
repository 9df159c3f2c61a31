"""Sleep, activity and weather charts, and the online weather settings, in a real browser.

No test here presses "Fetch weather now": that would reach the internet (the fetch itself is
tested with recorded answers in tests/measures/test_weather.py)."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from tests.browser.conftest import DESKTOP, PHONE, diary_today, shot, sign_in_or_up

pytestmark = pytest.mark.browser


def log_sixty_days(ctx: object, server: str) -> None:
    """Through the JSON API with the browser session: one value a day of each measurement."""
    csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "csrftoken")  # type: ignore[attr-defined]
    headers = {"X-CSRFToken": csrf, "Referer": server + "/"}
    today = diary_today()
    for i in range(60):
        day = (today - timedelta(days=59 - i)).isoformat()
        wave = math.sin(i / 4)
        values = {
            "sleep_hours": round(6.5 + wave, 2),
            "steps": 6000 + 2500 * round(wave, 2),
            "resting_heart_rate": 62 + 3 * round(wave, 2),
            "hrv_sdnn": 45 - 8 * round(wave, 2),
            "pressure": round(1013 + 12 * math.sin(i / 6), 1),
            "temperature_min": round(-3 + 4 * wave, 1),
            "temperature_max": round(5 + 4 * wave, 1),
        }
        for metric, value in values.items():
            if metric == "sleep_hours" and i % 9 == 4:
                continue  # a night without the watch: a gap in the line
            body = {"local_date": day, "metric": metric, "value": value}
            r = ctx.request.post(server + "/api/daily-metrics", data=body, headers=headers)  # type: ignore[attr-defined]
            assert r.status in (201, 422), r.text()  # 422: already there from an earlier run
        if i % 7 != 3:  # the check-in's 0-10 "how much did I do", most days
            checkin = {"local_date": day, "activity": 5 + round(3 * wave)}
            r = ctx.request.post(server + "/api/checkins", data=checkin, headers=headers)  # type: ignore[attr-defined]
            assert r.status in (201, 422), r.text()
        if i % 28 < 4:  # a period of 4 days every 28
            r = ctx.request.post(
                server + "/api/period-days", data={"local_date": day}, headers=headers
            )  # type: ignore[attr-defined]
            assert r.status in (201, 422), r.text()


def cycle_tracking(ctx: object, server: str, on: bool) -> None:
    csrf = next(c["value"] for c in ctx.cookies() if c["name"] == "csrftoken")  # type: ignore[attr-defined]
    headers = {"X-CSRFToken": csrf, "Referer": server + "/"}
    form = {"enabled": "on"} if on else {}
    ctx.request.post(server + "/cycle/settings/", form=form, headers=headers)  # type: ignore[attr-defined]


def test_charts_of_the_daily_measurements_read_on_a_phone_and_a_desktop(
    server: str, browser: object
) -> None:
    from tests.browser.a11y import axe_violations, small_tap_targets

    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        ctx = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        sign_in_or_up(page, server, "/measures/")
        if viewport is PHONE:
            log_sixty_days(ctx, server)
        cycle_tracking(ctx, server, True)
        page.goto(server + "/measures/")
        captions = page.locator("figure.chart figcaption").all_inner_texts()
        for title in (
            "Hours asleep",
            "Steps",
            "Resting heart rate (bpm)",
            "Heart-rate variability (SDNN, ms)",
            "Air pressure (hPa)",
            "Temperature (°C)",
            "How much I did (check-in, 0–10)",
            "Period days",
        ):
            assert title in captions, captions
        assert page.locator("#chart-period svg rect").count() >= 8
        assert page.locator("#chart-temperature svg polyline").count() == 2
        assert page.locator("#chart-sleep svg polyline").count() >= 2  # broken at the gaps
        assert "Lowest" in page.locator("#chart-temperature .legend").inner_text()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name}: the page scrolls sideways ({width} px)"
        svg_width = page.locator("#chart-pressure svg").bounding_box()["width"]
        assert svg_width >= min(viewport["width"] - 40, 600)  # fills a phone's width
        page.locator("#chart-pressure summary").click()
        rows = page.locator("#chart-pressure table.data tbody tr")
        assert rows.count() >= 60
        assert axe_violations(page) == []
        assert small_tap_targets(page) == []
        shot(page, f"measures-charts-{name}")
        page.click("nav.ranges a:has-text('1 year')")
        page.wait_for_url("**/measures/?days=365")
        assert page.locator("nav.ranges a[aria-current=page]").inner_text() == "1 year"
        # The chart starts at the first measured day, not a year of empty plot.
        assert "(weekly average)" not in page.locator("#chart-pressure figcaption").inner_text()
        cycle_tracking(ctx, server, False)  # leave the shared account as it was
        page.goto(server + "/measures/")
        assert page.locator("#chart-period").count() == 0  # off: no period days shown
        ctx.close()


def test_online_weather_is_off_until_switched_on_and_says_what_is_sent(
    server: str, browser: object
) -> None:
    from tests.browser.a11y import axe_violations, small_tap_targets

    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        ctx = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        sign_in_or_up(page, server, "/measures/weather/")
        note = page.locator("#what-is-sent")
        assert "archive-api.open-meteo.com and api.open-meteo.com" in note.inner_text()
        if viewport is PHONE:
            assert not page.locator("#id_enabled").is_checked()
            assert page.locator("button:has-text('Fetch weather now')").count() == 0
            # Typed coordinates: switched on without sending anything (no place search).
            page.check("#id_enabled")
            page.fill("#id_latitude", "53.79648")
            page.fill("#id_longitude", "-1.54785")
            page.click("button:has-text('Save weather settings')")
            page.wait_for_selector(".msg.success")
            assert "on for 53.8, -1.5" in page.locator(".msg.success").inner_text()
        assert "(53.8, -1.5)" in page.locator("#what-is-sent").inner_text()
        assert page.locator("button:has-text('Fetch weather now')").count() == 1
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name}: the page scrolls sideways ({width} px)"
        assert axe_violations(page) == []
        assert small_tap_targets(page) == []
        shot(page, f"measures-weather-{name}")
        ctx.close()
