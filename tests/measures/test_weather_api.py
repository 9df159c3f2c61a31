"""The weather settings API: GET/PUT /api/weather/settings, with the Weather page's rules.

Off by default, coordinates rounded to 0.1° before they are stored, a place name looked up
only when weather is on (recorded answers: no test uses the network), one field-level 422
that changes nothing, each person's own settings only.
"""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

from spasmtrack.measures import weather
from spasmtrack.measures.models import WeatherSettings
from spasmtrack.test import BaseTestCase
from tests.measures.test_weather import Recorded, recorded

URL = "/api/weather/settings"


class WeatherSettingsApiTestCase(BaseTestCase):
    def call(self, method: str, body: Any = None, token: str | None = None) -> Any:
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(
            method, URL, data, "application/json", **self.bearer(token or self.alice_token)
        )

    def test_it_is_off_by_default_and_says_what_a_fetch_would_send(self) -> None:
        r = self.call("GET")
        assert r.status_code == 200, r.content
        got = r.json()
        assert (got["enabled"], got["place"], got["latitude"], got["longitude"]) == (
            False,
            "",
            None,
            None,
        )
        assert got["fetched_at"] is None
        assert "rounded to 0.1°" in got["sent"]
        assert not WeatherSettings.objects.exists()  # reading saves nothing

    def test_it_switches_on_with_coordinates_stored_rounded_and_sends_nothing(self) -> None:
        opener = Recorded()
        with mock.patch.object(weather, "open_url", opener):
            r = self.call("PUT", {"enabled": True, "latitude": 52.52437, "longitude": 13.41053})
        assert r.status_code == 200, r.content
        got = r.json()
        assert (got["enabled"], got["latitude"], got["longitude"]) == (True, 52.5, 13.4)
        assert got["place"] == "52.5, 13.4"
        assert "(52.5, 13.4)" in got["sent"]
        s = WeatherSettings.objects.get(person=self.alice)
        assert (s.enabled, s.latitude, s.longitude) == (True, 52.5, 13.4)
        assert opener.urls == []
        assert self.call("GET").json() == got

    def test_it_looks_a_place_name_up_only_when_switched_on(self) -> None:
        opener = Recorded()
        with mock.patch.object(weather, "open_url", opener):
            off = self.call("PUT", {"enabled": False, "place": "Paris, Texas"}).json()
            assert opener.urls == []  # off: the name stays here
            assert (off["place"], off["latitude"]) == ("Paris, Texas", None)
            on = self.call("PUT", {"enabled": True, "place": "Paris, Texas"}).json()
        assert len(opener.urls) == 1
        assert on["place"] == "Paris, Texas, United States"
        assert (on["latitude"], on["longitude"]) == (33.7, -95.6)
        # Switched off again without a place: the place is kept, nothing is looked up.
        with mock.patch.object(weather, "open_url", opener):
            again = self.call("PUT", {"enabled": False}).json()
        assert (again["enabled"], again["place"], again["latitude"]) == (
            False,
            "Paris, Texas, United States",
            33.7,
        )
        assert len(opener.urls) == 1

    def test_it_refuses_bad_settings_with_one_field_and_changes_nothing(self) -> None:
        self.call("PUT", {"enabled": False, "latitude": 53.8, "longitude": -1.5})
        before = list(WeatherSettings.objects.values())
        none_found = Recorded(GEOCODING_URL=recorded("open_meteo_places_none.json"))
        cases = [
            ({"enabled": True, "latitude": 52}, "latitude", "Give both latitude and longitude"),
            ({"enabled": True, "latitude": 91, "longitude": 0}, "latitude", "90"),
            ({"enabled": True, "latitude": 0, "longitude": 181}, "longitude", "180"),
            ({"enabled": True, "place": "Xyzzy"}, "place", "No place called “Xyzzy” found"),
            ({"enabled": 1}, "enabled", ""),
            ({"enabled": True, "latitude": True, "longitude": 13}, "latitude", "true/false"),
            ({"latitude": 1, "longitude": 1}, "enabled", ""),
            ({"enabled": True, "place": "a\nb"}, "place", "single line"),
        ]
        for body, field, words in cases:
            with mock.patch.object(weather, "open_url", none_found):
                r = self.call("PUT", body)
            assert r.status_code == 422, (body, r.content)
            detail = r.json()["detail"]
            assert detail[0]["loc"][-1] == field, (body, detail)
            assert words in detail[0]["msg"], (body, detail)
        assert list(WeatherSettings.objects.values()) == before

    def test_it_cannot_switch_on_without_a_place(self) -> None:
        r = self.call("PUT", {"enabled": True})
        assert r.status_code == 422
        assert r.json()["detail"][0]["msg"] == "Give a place, or its latitude and longitude."
        assert not WeatherSettings.objects.exists()

    def test_each_person_reads_and_changes_only_their_own(self) -> None:
        self.call("PUT", {"enabled": True, "latitude": 53.8, "longitude": -1.5})
        charlie = self.call("GET", token=self.charlie_token).json()
        assert (charlie["enabled"], charlie["latitude"]) == (False, None)
        self.call("PUT", {"enabled": False}, token=self.charlie_token)
        mine = WeatherSettings.objects.get(person=self.alice)
        assert (mine.enabled, mine.latitude) == (True, 53.8)
        assert self.client.get(URL).status_code == 401  # no token, no settings
