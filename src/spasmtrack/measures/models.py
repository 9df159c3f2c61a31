"""Daily measurements: one value per person, day, metric and source.

Weather, sleep, steps, heart rate… arrive from files (Apple Health, Fitbit, a CSV, a
Flaredown export) or the API. The key (person, local day, metric, source) is unique, so
importing the same file again replaces each value instead of adding a second one, and two
sources (a watch and a typed-in value) can both be kept; Insights takes one per day by
`SOURCE_PRIORITY`. The metrics, units and ranges are `spasmtrack.core.measures.METRICS`.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.timezone import now

from spasmtrack.accounts.models import Person


class Source(models.TextChoices):
    MANUAL = "manual", "typed in"
    APPLE_HEALTH = "apple-health", "Apple Health"
    FITBIT = "fitbit", "Fitbit"
    METRICS_CSV = "metrics-csv", "CSV file"
    WEATHER_CSV = "weather-csv", "weather CSV file"
    FLAREDOWN = "flaredown", "Flaredown"
    OPEN_METEO = "open-meteo", "Open-Meteo (fetched)"


# When two sources have the same metric on a day, Insights uses the first of these.
SOURCE_PRIORITY = tuple(Source.values)


class DailyMetric(models.Model):
    person = models.ForeignKey(Person, models.CASCADE)
    code = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    local_date = models.DateField()
    metric = models.CharField(max_length=40)
    value = models.FloatField()
    unit = models.CharField(max_length=16, blank=True, default="")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.MANUAL)
    created = models.DateTimeField(default=now)
    updated = models.DateTimeField(default=now)

    class Meta:
        constraints = [
            # Re-import is idempotent: the same value from the same source is stored once.
            models.UniqueConstraint(
                fields=["person", "local_date", "metric", "source"], name="metric_once_per_source"
            )
        ]
        indexes = [
            # The API lists and Insights read a person's values by day.
            models.Index(fields=["person", "local_date"], name="metric_person_day"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.value:g}{self.unit} on {self.local_date} ({self.source})"


class WeatherSettings(models.Model):
    """Online weather (off until the person turns it on): the place, rounded to 0.1° before
    it is stored, so a more precise location never reaches the database or Open-Meteo."""

    person = models.OneToOneField(Person, models.CASCADE, related_name="weather_settings")
    enabled = models.BooleanField(default=False)
    place = models.CharField(max_length=120, blank=True, default="")  # as found or typed
    latitude = models.FloatField(null=True, blank=True)  # rounded to 0.1°
    longitude = models.FloatField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)  # the last successful fetch
    updated = models.DateTimeField(default=now)

    def __str__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"weather {state} for {self.place or 'no place'} ({self.person_id})"

    @property
    def ready(self) -> bool:
        return self.enabled and self.latitude is not None and self.longitude is not None
