"""The measurements' pages: the charts, and the online weather settings."""

from __future__ import annotations

from django.urls import URLPattern, path

from spasmtrack.measures import views

app_name = "measures"
urlpatterns: list[URLPattern] = [
    path("measures/", views.charts_page, name="charts"),
    path("measures/weather/", views.weather_page, name="weather"),
    path("measures/weather/fetch/", views.fetch_now, name="fetch"),
]
