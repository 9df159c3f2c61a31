"""Online weather from Open-Meteo: off by default, rounded place, all or nothing, idempotent.

Every answer comes from the recorded answers in tests/measures/fixtures (Open-Meteo's
documented JSON shape); the opener is replaced at the boundary, so no test uses the network.
"""

from __future__ import annotations

import urllib.error
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import override_settings
from typer.testing import CliRunner

from spasmtrack.core.formats import open_meteo as om
from spasmtrack.core.measures import MeasureError
from spasmtrack.measures import weather
from spasmtrack.measures.factors import PRESSURE_DROP, insight_factors
from spasmtrack.measures.models import DailyMetric, Source, WeatherSettings
from spasmtrack.measures.sections import export_weather, load_weather
from spasmtrack.test import BaseTestCase

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2024, 1, 10, 12, tzinfo=UTC)
TODAY = date(2024, 1, 10)


def recorded(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class Recorded:
    """An opener answering from the recorded files; remembers every URL asked for."""

    def __init__(self, **answers: bytes | Exception) -> None:
        self.answers = {
            om.ARCHIVE_URL: recorded("open_meteo_archive.json"),
            om.FORECAST_URL: recorded("open_meteo_forecast.json"),
            om.GEOCODING_URL: recorded("open_meteo_places_paris.json"),
        }
        for key, value in answers.items():
            self.answers[getattr(om, key)] = value  # type: ignore[assignment]
        self.urls: list[str] = []

    def __call__(self, url: str, timeout: float) -> bytes:
        assert timeout == weather.TIMEOUT
        self.urls.append(url)
        answer = self.answers[url.split("?")[0]]
        if isinstance(answer, Exception):
            raise answer
        return answer


# --- pure: core.formats.open_meteo ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        ((52.52437), 13.41053, (52.5, 13.4)),
        (-33.86785, 151.20732, (-33.9, 151.2)),
        (-0.04, -0.04, (0.0, 0.0)),
        (89.99, -179.99, (90.0, 180.0)),
    ],
)
def test_it_rounds_the_place_to_a_tenth_of_a_degree(
    lat: float, lon: float, expected: tuple[float, float]
) -> None:
    assert om.round_place(lat, lon) == expected


@pytest.mark.parametrize(("lat", "lon"), [(90.5, 0), (0, 181), (float("nan"), 0)])
def test_it_refuses_a_place_not_on_earth(lat: float, lon: float) -> None:
    with pytest.raises(MeasureError, match="must be between"):
        om.round_place(lat, lon)


def test_it_asks_the_archive_then_the_forecast_for_recent_days_with_nothing_more() -> None:
    urls = om.weather_urls(52.52437, 13.41053, date(2023, 12, 1), TODAY, TODAY)
    assert [u.split("?")[0] for u in urls] == [om.ARCHIVE_URL, om.FORECAST_URL]
    archive, forecast = (parse_qs(urlsplit(u).query) for u in urls)
    # Exactly these parameters leave the machine: the rounded place, the days, the values.
    assert archive == {
        "latitude": ["52.5"],
        "longitude": ["13.4"],
        "start_date": ["2023-12-01"],
        "end_date": ["2024-01-03"],
        "daily": [
            "temperature_2m_min,temperature_2m_max,pressure_msl_mean,"
            "relative_humidity_2m_mean,precipitation_sum"
        ],
        "timezone": ["auto"],
    }
    assert (forecast["start_date"], forecast["end_date"]) == (["2024-01-04"], ["2024-01-10"])
    only_old = om.weather_urls(52.5, 13.4, date(2023, 1, 1), date(2023, 2, 1), TODAY)
    assert len(only_old) == 1 and only_old[0].startswith(om.ARCHIVE_URL)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (date(2024, 1, 5), date(2024, 1, 4), "after the last day"),
        (date(1939, 12, 31), date(1940, 1, 5), "starts on 1940-01-01"),
        (date(2024, 1, 5), date(2024, 1, 11), "in the future"),
        (date(1950, 1, 1), date(2024, 1, 1), "at most"),
    ],
)
def test_it_refuses_a_range_it_cannot_ask_for(first: date, last: date, message: str) -> None:
    with pytest.raises(MeasureError, match=message):
        om.weather_urls(52.5, 13.4, first, last, TODAY)


def test_it_reads_the_recorded_daily_answer_and_skips_missing_days() -> None:
    import json

    values = om.daily_values(json.loads(recorded("open_meteo_archive.json")))
    got = {(v.day, v.metric): (v.value, v.unit) for v in values}
    assert got[(date(2023, 12, 30), "pressure")] == (1003.2, "hPa")
    assert got[(date(2023, 12, 30), "temperature_min")] == (-0.6, "°C")
    assert got[(date(2024, 1, 1), "humidity")] == (82.0, "%")
    assert (date(2024, 1, 2), "precipitation") not in got  # null in the answer
    assert len(values) == 7 * 5 - 1


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"error": True, "reason": "Parameter 'start_date' is out of range"}, "answered: Param"),
        ({"hourly": {}}, "no daily table"),
        ({"daily": {"time": ["2024-01-01"], "pressure_msl_mean": [1, 2]}}, "does not match"),
        ({"daily": {"time": ["2024-01-01"], "pressure_msl_mean": [200.0]}}, "outside 500"),
        ({"daily": {"time": ["2024-01-01"], "pressure_msl_mean": ["x"]}}, "not a number"),
        ({"daily": {"time": ["01/01/2024"]}}, "unreadable day"),
    ],
)
def test_it_refuses_an_answer_it_cannot_read(payload: Any, message: str) -> None:
    with pytest.raises(MeasureError, match=message):
        om.daily_values(payload)


def test_it_finds_places_and_narrows_them_after_a_comma() -> None:
    import json

    answer = json.loads(recorded("open_meteo_places_paris.json"))
    assert om.places(answer, "Paris")[0] == om.Place("Paris, Île-de-France, France", 48.9, 2.3)
    assert [p.name for p in om.places(answer, "Paris, Texas")] == ["Paris, Texas, United States"]
    assert [p.name for p in om.places(answer, "paris, us")][1] == "Paris, Tennessee, United States"
    assert om.places(json.loads(recorded("open_meteo_places_none.json")), "Xyzzy") == []
    assert parse_qs(urlsplit(om.places_url("Paris, Texas")).query)["name"] == ["Paris"]
    with pytest.raises(MeasureError, match="two letters"):
        om.places_url(" P ")


# --- fetching and storing --------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
class WeatherFetchTestCase(BaseTestCase):
    def switch_on(self, person: Any = None) -> WeatherSettings:
        return WeatherSettings.objects.create(
            person=person or self.alice, enabled=True, place="Berlin", latitude=52.5, longitude=13.4
        )

    def test_it_is_off_by_default_and_then_sends_nothing(self) -> None:
        opener = Recorded()
        with pytest.raises(weather.WeatherError, match="online weather is off"):
            weather.fetch_weather(self.alice, opener=opener)
        WeatherSettings.objects.create(person=self.alice, latitude=52.5, longitude=13.4)
        with pytest.raises(weather.WeatherError, match="online weather is off"):
            weather.fetch_weather(self.alice, opener=opener)
        assert opener.urls == [] and not DailyMetric.objects.exists()

    def test_it_stores_the_weather_once_and_feeds_the_pressure_factors(self) -> None:
        self.switch_on()
        opener = Recorded()
        summary = weather.fetch_weather(self.alice, date(2023, 12, 28), opener=opener)
        assert summary.new == 14 * 5 - 1 and summary.source == Source.OPEN_METEO
        assert (summary.first_day, summary.last_day) == (date(2023, 12, 28), TODAY)
        again = weather.fetch_weather(self.alice, date(2023, 12, 28), opener=opener)
        assert (again.new, again.updated, again.unchanged) == (0, 0, summary.new)
        assert DailyMetric.objects.filter(person=self.alice).count() == summary.new
        assert not DailyMetric.objects.filter(person=self.charlie).exists()
        assert WeatherSettings.objects.get(person=self.alice).fetched_at == NOW
        factors, _, _ = insight_factors(self.alice, date(2023, 12, 28), TODAY)
        # 1011.4 -> 1009.8 -> 1003.2: a drop of 6.6 hPa on 30 December.
        assert factors[PRESSURE_DROP][date(2023, 12, 30)] == 1.0
        assert factors[PRESSURE_DROP][date(2023, 12, 29)] == 0.0

    def test_it_fetches_from_a_week_before_the_last_day_by_default(self) -> None:
        self.switch_on()
        opener = Recorded()
        weather.fetch_weather(self.alice, opener=opener)  # nothing yet: the last 90 days
        assert parse_qs(urlsplit(opener.urls[0]).query)["start_date"] == ["2023-10-13"]
        assert weather.default_since(self.alice, TODAY) == date(2024, 1, 3)

    def test_it_writes_nothing_when_any_answer_fails(self) -> None:
        self.switch_on()
        down = Recorded(FORECAST_URL=weather.WeatherError("could not reach api.open-meteo.com"))
        with pytest.raises(weather.WeatherError, match="could not reach"):
            weather.fetch_weather(self.alice, date(2023, 12, 28), opener=down)
        refused = Recorded(FORECAST_URL=recorded("open_meteo_error.json"))
        with pytest.raises(weather.WeatherError, match="api.open-meteo.com: Open-Meteo answered"):
            weather.fetch_weather(self.alice, date(2023, 12, 28), opener=refused)
        garbled = Recorded(ARCHIVE_URL=b"<html>busy</html>")
        with pytest.raises(weather.WeatherError, match="not JSON"):
            weather.fetch_weather(self.alice, date(2023, 12, 28), opener=garbled)
        assert not DailyMetric.objects.exists()
        assert WeatherSettings.objects.get(person=self.alice).fetched_at is None

    def test_it_turns_a_network_failure_into_one_line(self) -> None:
        with (
            mock.patch.object(
                weather.urllib.request, "urlopen", side_effect=urllib.error.URLError("timed out")
            ) as urlopen,
            pytest.raises(weather.WeatherError) as caught,
        ):
            weather.open_url(f"{om.ARCHIVE_URL}?latitude=52.5", weather.TIMEOUT)
        assert str(caught.value) == (
            "could not reach archive-api.open-meteo.com (timed out); check the internet connection"
        )
        assert urlopen.call_args.kwargs["timeout"] == weather.TIMEOUT

    def test_it_exports_and_restores_the_settings_rounded(self) -> None:
        self.switch_on()
        rows = export_weather(self.alice)
        assert rows == [{"enabled": True, "place": "Berlin", "latitude": 52.5, "longitude": 13.4}]
        load_weather(self.charlie, {**rows[0], "latitude": 52.5312, "longitude": 13.3861})
        assert export_weather(self.charlie) == rows
        load_weather(self.charlie, rows[0])  # the same again: nothing to do
        with pytest.raises(ValueError, match="different weather settings"):
            load_weather(self.charlie, {**rows[0], "enabled": False})
        with pytest.raises(ValueError, match="needs a latitude"):
            load_weather(self.alice, {"enabled": True, "place": "x"})


# --- pages -----------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
@override_settings(SECURE_SSL_REDIRECT=False)
class WeatherPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice_user)

    def test_it_shows_what_leaves_the_machine_where_it_is_switched_on(self) -> None:
        r = self.client.get("/measures/weather/")
        self.assertContains(r, "What leaves this computer")
        self.assertContains(r, "archive-api.open-meteo.com and api.open-meteo.com")
        self.assertContains(r, "rounded to 0.1°")
        self.assertNotContains(r, "Fetch weather now")  # off: no button

    def test_it_switches_on_with_typed_coordinates_stored_rounded_and_sends_nothing(self) -> None:
        opener = Recorded()
        with mock.patch.object(weather, "open_url", opener):
            r = self.client.post(
                "/measures/weather/",
                {"enabled": "on", "latitude": "52.52437", "longitude": "13.41053"},
                follow=True,
            )
        self.assertContains(r, "Online weather is on for 52.5, 13.4")
        self.assertContains(r, "Fetch weather now")
        s = WeatherSettings.objects.get(person=self.alice)
        assert (s.enabled, s.latitude, s.longitude) == (True, 52.5, 13.4)
        assert opener.urls == []

    def test_it_looks_a_place_name_up_only_when_switched_on(self) -> None:
        opener = Recorded()
        with mock.patch.object(weather, "open_url", opener):
            self.client.post("/measures/weather/", {"place": "Paris, Texas"})
            assert opener.urls == []  # off: the name stays here
            r = self.client.post(
                "/measures/weather/", {"enabled": "on", "place": "Paris, Texas"}, follow=True
            )
        self.assertContains(r, "Online weather is on for Paris, Texas, United States (33.7, -95.6)")
        assert len(opener.urls) == 1 and opener.urls[0].startswith(om.GEOCODING_URL)

    def test_it_says_when_no_place_is_found_and_changes_nothing(self) -> None:
        opener = Recorded(GEOCODING_URL=recorded("open_meteo_places_none.json"))
        with mock.patch.object(weather, "open_url", opener):
            r = self.client.post("/measures/weather/", {"enabled": "on", "place": "Xyzzy"})
        self.assertContains(r, "No place called “Xyzzy” found")
        assert not WeatherSettings.objects.exists()
        r = self.client.post("/measures/weather/", {"enabled": "on", "latitude": "52"})
        self.assertContains(r, "Give both latitude and longitude")

    def test_it_fetches_now_from_the_button(self) -> None:
        WeatherSettings.objects.create(
            person=self.alice, enabled=True, place="Berlin", latitude=52.5, longitude=13.4
        )
        with mock.patch.object(weather, "open_url", Recorded()):
            r = self.client.post("/measures/weather/fetch/", follow=True)
        self.assertContains(r, "daily values")
        assert DailyMetric.objects.filter(person=self.alice, source="open-meteo").exists()
        down = Recorded(ARCHIVE_URL=weather.WeatherError("could not reach the service"))
        with mock.patch.object(weather, "open_url", down):
            r = self.client.post("/measures/weather/fetch/", follow=True)
        self.assertContains(r, "No weather fetched: could not reach the service")

    def test_it_gives_the_settings_page_a_weather_section(self) -> None:
        from django.template import Context, Template
        from django.test import RequestFactory

        request = RequestFactory().get("/settings/")
        request.person = self.alice  # type: ignore[attr-defined]
        tag = Template("{% load measures_tags %}{% weather_setting %}")
        html = tag.render(Context({"request": request}))
        assert "Online weather is off: nothing is sent." in html
        assert 'href="/measures/weather/"' in html
        WeatherSettings.objects.create(
            person=self.alice, enabled=True, place="Leeds", latitude=53.8, longitude=-1.5
        )
        assert "Online weather is on for Leeds" in tag.render(Context({"request": request}))

    def test_it_refuses_the_fetch_button_while_off(self) -> None:
        with mock.patch.object(weather, "open_url", Recorded()) as opener:
            r = self.client.post("/measures/weather/fetch/", follow=True)
        self.assertContains(r, "online weather is off")
        assert opener.urls == []


def test_the_cli_fetch_refuses_while_off_and_fetches_when_on(tmp_path: Path) -> None:
    from spasmtrack.cli import app

    runner = CliRunner()
    r = runner.invoke(app, ["user", "add", "alice", "--password-stdin"], input="a-long-pass-1\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["weather", "fetch"])
    assert r.exit_code == 1
    assert r.output.strip() == (
        "Error: online weather is off: turn it on on the Weather page (/measures/weather/) "
        "first — nothing was changed"
    )
    from spasmtrack.accounts.models import Person

    person = Person.objects.get(user__username="alice")
    WeatherSettings.objects.create(person=person, enabled=True, latitude=52.5, longitude=13.4)
    opener = Recorded()
    with mock.patch.object(weather, "open_url", opener):
        r = runner.invoke(
            app, ["weather", "fetch", "--since", "2023-12-28", "--until", "2024-01-03"]
        )
    assert r.exit_code == 0, r.output
    assert "Imported 34 daily values from 2023-12-28 to 2024-01-03 from Open-Meteo" in r.output
    r = runner.invoke(app, ["weather", "fetch", "--since", "28/12/2023"])
    assert r.exit_code == 2 and "--since: a date YYYY-MM-DD" in r.output


test_the_cli_fetch_refuses_while_off_and_fetches_when_on = time_machine.travel(NOW, tick=False)(
    pytest.mark.django_db(transaction=True)(
        test_the_cli_fetch_refuses_while_off_and_fetches_when_on
    )
)
