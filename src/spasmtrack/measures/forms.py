"""The weather settings form: on/off, and the place as a name or as coordinates."""

from __future__ import annotations

from typing import Any

from django import forms

from spasmtrack.core.formats.open_meteo import round_place
from spasmtrack.core.measures import MeasureError


class WeatherSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        required=False, label="Fetch the daily weather for my place from Open-Meteo"
    )
    place = forms.CharField(
        required=False,
        max_length=100,
        label="Place",
        help_text="A town or city, e.g. “Leeds” or “Paris, France”: looked up with "
        "Open-Meteo's place search when you save.",
    )
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, label="Latitude (optional)"
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, label="Longitude (optional)"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError("Give both latitude and longitude, or neither.")
        if lat is not None and lon is not None:
            try:
                data["latitude"], data["longitude"] = round_place(lat, lon)
            except MeasureError as e:
                raise forms.ValidationError(e.reason) from None
        return data
